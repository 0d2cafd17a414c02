// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./Test.sol";

/// @notice Checks a clock-gated call at single seconds around its edge, each from the same state: the call runs at
/// `t`, is expected to succeed (empty `err`) or to revert with exactly `err`, and everything it did is undone, so
/// t - 1, t and t + 1 are three independent cases rather than a sequence.
abstract contract Edges is Test {
    function _at(uint256 t, function() internal probe, bytes memory err) internal {
        uint256 snapshot = vm.snapshotState();
        vm.warp(t);
        // The probe's first external call must be the clock-gated one, for the expected revert to apply to it.
        if (err.length != 0) vm.expectRevert(err);
        probe();
        vm.revertToState(snapshot);
    }

    /// @dev Marks the second at which the call is expected to go through.
    function _ok() internal pure returns (bytes memory) {
        return "";
    }
}
