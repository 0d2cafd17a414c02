// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title NoteShareMath
/// @notice Per-note accumulator conversions. A distribution of `amount` over `supply` notes raises the tranche's
/// cash-per-note accumulator (scaled by SCALE); a holder's entitlement is balance times the accumulator plus the
/// holder's correction, over SCALE, rounded down. The tranche's consumption rounds up, so the sum of all holders'
/// entitlements never exceeds what was distributed.
library NoteShareMath {
    /// @dev 1e18 keeps a holder's scaled entitlement within the 160 bits packed beside its balance for any
    /// stablecoin up to 18 decimals, while the dust it leaves per allotment stays below `supply / 1e18 + 1` units.
    uint256 internal constant SCALE = 1e18;

    /// @dev Accumulator growth for distributing `amount` over `supply` notes, rounded down.
    function perNoteDown(uint256 amount, uint256 supply) internal pure returns (uint256) {
        return Math.mulDiv(amount, SCALE, supply);
    }

    /// @dev What a growth of `perNote` over `supply` notes can ever pay out in total, rounded up (never above the
    /// `amount` that produced `perNote`).
    function consumedUp(uint256 perNote, uint256 supply) internal pure returns (uint256) {
        return Math.mulDiv(perNote, supply, SCALE, Math.Rounding.Ceil);
    }

    /// @dev What `balance` notes earn over an accumulator growth of `perNote`, rounded down (a holder who held them
    /// throughout; the note adds the holder's correction for notes that moved).
    function accruedDown(uint256 balance, uint256 perNote) internal pure returns (uint256) {
        return Math.mulDiv(balance, perNote, SCALE);
    }
}
