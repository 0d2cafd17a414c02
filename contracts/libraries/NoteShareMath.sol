// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title NoteShareMath
/// @notice Per-note accumulator conversions. A distribution of `amount` over `supply` notes raises the tranche's
/// cash-per-note accumulator (scaled by RAY); a holder's entitlement is balance times the accumulator's growth since
/// the holder was last settled. Holder amounts round down and the tranche's consumption rounds up, so the sum of all
/// holders' entitlements never exceeds what was distributed.
library NoteShareMath {
    uint256 internal constant RAY = 1e27;

    /// @dev Accumulator growth for distributing `amount` over `supply` notes, rounded down.
    function perNoteDown(uint256 amount, uint256 supply) internal pure returns (uint256) {
        return Math.mulDiv(amount, RAY, supply);
    }

    /// @dev What a growth of `perNote` over `supply` notes can ever pay out in total, rounded up (never above the
    /// `amount` that produced `perNote`).
    function consumedUp(uint256 perNote, uint256 supply) internal pure returns (uint256) {
        return Math.mulDiv(perNote, supply, RAY, Math.Rounding.Ceil);
    }

    /// @dev A holder's entitlement from `balance` notes over an accumulator growth of `perNote`, rounded down.
    function accruedDown(uint256 balance, uint256 perNote) internal pure returns (uint256) {
        return Math.mulDiv(balance, perNote, RAY);
    }
}
