// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ComputeMath
/// @notice Pure arithmetic of the compute market: credit id encoding, window capacity, sale cost, refund shares and
/// the carbon-free share of a delivery lot.
/// A credit id is `clusterId << 64 | windowStart`, so ids sort by cluster, then by time, and the window start (unix
/// seconds) fits the low 64 bits.
library ComputeMath {
    /// @notice Seconds in one GPU-hour and in one kWh batch.
    uint256 internal constant HOUR = 3600;
    /// @notice The denominator of shares given in basis points.
    uint256 internal constant BPS = 10_000;
    uint256 private constant _TIME_BITS = 64;

    /// @notice The credit id of the window of `clusterId` that starts at `windowStart`.
    function creditId(uint256 clusterId, uint64 windowStart) internal pure returns (uint256) {
        return (clusterId << _TIME_BITS) | windowStart;
    }

    /// @notice The cluster and window start of a credit id.
    function decodeCreditId(uint256 id) internal pure returns (uint256 clusterId, uint64 windowStart) {
        return (id >> _TIME_BITS, uint64(id));
    }

    /// @notice The GPU-hours a cluster of `gpuCount` GPUs can serve in `hoursLong` hours.
    function capacityGpuHours(uint256 gpuCount, uint256 hoursLong) internal pure returns (uint256) {
        return gpuCount * hoursLong;
    }

    /// @notice What `gpuHours` cost at `pricePerGpuHour` (exact: prices are per whole GPU-hour).
    function cost(uint256 gpuHours, uint256 pricePerGpuHour) internal pure returns (uint256) {
        return gpuHours * pricePerGpuHour;
    }

    /// @notice The refund of a holder who redeemed `holderRedeemed` of the `unclaimedRedeemed` GPU-hours whose
    /// redeemers are not yet refunded, when `held` is still held for them: their pro-rata share of what is held,
    /// rounded down. Claimed one after another, the shares add up to `held` exactly: the last claim (holderRedeemed
    /// == unclaimedRedeemed) takes all that is left, so no rounding dust is ever stranded.
    function refundShareDown(
        uint256 held,
        uint256 holderRedeemed,
        uint256 unclaimedRedeemed
    ) internal pure returns (uint256) {
        if (unclaimedRedeemed == 0) return 0;
        return Math.mulDiv(held, holderRedeemed, unclaimedRedeemed);
    }

    /// @notice The share of `whUsed` that `whCarbonFree` covers, in basis points, rounded down so a lot never
    /// claims more than it proved. A lot that used no energy has a share of zero.
    function carbonFreeBpsDown(uint256 whCarbonFree, uint256 whUsed) internal pure returns (uint256) {
        if (whUsed == 0) return 0;
        return Math.mulDiv(whCarbonFree, BPS, whUsed);
    }
}
