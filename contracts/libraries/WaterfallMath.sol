// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title WaterfallMath
/// @notice The pure arithmetic of a tranche waterfall: coupons, payments capped by available cash, the coverage
/// ratio, principal schedules and bottom-up loss allocation. Every result rounds in the vault's favour.
library WaterfallMath {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant YEAR = 365 days;

    /// @dev The coupon a `principal` earns over `periodLength` seconds at `aprBps`, rounded down.
    function couponDown(uint256 principal, uint256 aprBps, uint256 periodLength) internal pure returns (uint256) {
        return Math.mulDiv(principal, aprBps * periodLength, BPS * YEAR);
    }

    /// @dev Pays as much of `due` as `available` allows; returns what was paid and what is left.
    function payUpTo(uint256 available, uint256 due) internal pure returns (uint256 paid, uint256 left) {
        paid = available < due ? available : due;
        // paid <= available by construction.
        unchecked {
            left = available - paid;
        }
    }

    /// @dev Revenue over debt service in basis points, rounded down; infinite when nothing is due.
    function coverageBps(uint256 revenue, uint256 debtService) internal pure returns (uint256) {
        if (debtService == 0) return type(uint256).max;
        return Math.mulDiv(revenue, BPS, debtService);
    }

    /// @dev Principal due in `period` (1-based): everything outstanding at the last period; otherwise the cumulative
    /// amortization to date minus what was already repaid (so shortfalls carry forward and prepayments count),
    /// capped by what is outstanding. `amortization == 0` means a bullet.
    function principalDue(
        uint256 principal,
        uint256 repaid,
        uint256 amortization,
        uint256 period,
        uint256 periodCount
    ) internal pure returns (uint256) {
        if (period >= periodCount) return principal;
        uint256 scheduled = amortization * period;
        if (scheduled <= repaid) return 0;
        return Math.min(scheduled - repaid, principal);
    }

    /// @dev Splits a `loss` over `principals` from the most junior (last) upwards. Callers guarantee
    /// `loss <= sum(principals)`.
    function lossesBottomUp(uint256[] memory principals, uint256 loss) internal pure returns (uint256[] memory cuts) {
        cuts = new uint256[](principals.length);
        for (uint256 i = principals.length; i > 0 && loss > 0; --i) {
            (cuts[i - 1], ) = payUpTo(loss, principals[i - 1]);
            loss -= cuts[i - 1];
        }
    }
}
