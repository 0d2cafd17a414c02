// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title FlexibilityMath
/// @notice The arithmetic of a flexibility commitment: its energy cap, its stake, and how a delivery splits the
/// escrow and the stake. Windows are whole hours, so `watts × hours` is an exact number of watt-hours.
library FlexibilityMath {
    /// @notice The stake ratio's denominator: 10_000 basis points = a stake equal to the maximum payout.
    uint256 internal constant BPS = 10_000;

    /// @notice The most energy a commitment can be paid for: its capacity held over the whole window.
    function maxEnergyWh(uint256 capacityW, uint256 windowHours) internal pure returns (uint256) {
        return capacityW * windowHours;
    }

    /// @notice The stake for a commitment whose maximum payout is `maxPayout`, rounded up so that the buyer is never
    /// under-covered by a rounding step.
    function stakeUp(uint256 maxPayout, uint256 stakeBps) internal pure returns (uint256) {
        return Math.mulDiv(maxPayout, stakeBps, BPS, Math.Rounding.Ceil);
    }

    /// @notice Splits a settled commitment. The provider is paid for the energy delivered up to the cap; the stake is
    /// slashed in proportion to the shortfall, rounded up (the provider who fell short carries the dust), and the
    /// rest of it is returned.
    /// @param capWh The commitment's energy cap (`maxEnergyWh`), above zero.
    /// @param deliveredWh The energy delivered, possibly above the cap.
    /// @param pricePerWh The price of one Wh in stablecoin units.
    /// @param stake The stake posted.
    /// @return payout What the escrow pays the provider: `min(deliveredWh, capWh) × pricePerWh`.
    /// @return slashed The part of the stake paid to the buyer.
    /// @return returned The part of the stake returned to the provider; `slashed + returned == stake`.
    function settle(
        uint256 capWh,
        uint256 deliveredWh,
        uint256 pricePerWh,
        uint256 stake
    ) internal pure returns (uint256 payout, uint256 slashed, uint256 returned) {
        uint256 creditedWh = Math.min(deliveredWh, capWh);
        payout = creditedWh * pricePerWh;
        // The shortfall is at most the cap, so the ceiling division never exceeds the stake.
        slashed = Math.mulDiv(stake, capWh - creditedWh, capWh, Math.Rounding.Ceil);
        // slashed <= stake by the line above.
        unchecked {
            returned = stake - slashed;
        }
    }
}
