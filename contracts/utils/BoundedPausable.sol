// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";

import {IBoundedPause} from "../interfaces/IBoundedPause.sol";

/// @title BoundedPausable
/// @notice A pause with a bound holders can rely on (see {IBoundedPause}): it lapses by itself after
/// `MAX_PAUSE_DURATION`, and the next one may begin only after the contract has run unpaused for as long as the last
/// pause lasted. Used like OpenZeppelin's `Pausable`: `whenNotPaused`, `_pause()`, `_unpause()`.
abstract contract BoundedPausable is Context, IBoundedPause {
    /// @inheritdoc IBoundedPause
    uint64 public constant MAX_PAUSE_DURATION = 14 days;

    // One slot: when the last pause began, when it lapses (or was lifted), and when the next may begin.
    uint64 private _pausedAt;
    uint64 private _pausedUntil;
    uint64 private _nextPauseAvailableAt;

    /// @dev Reverts with `EnforcedPause` while a pause is in force.
    modifier whenNotPaused() {
        if (paused()) revert EnforcedPause();
        _;
    }

    /// @inheritdoc IBoundedPause
    function paused() public view virtual returns (bool) {
        return block.timestamp < _pausedUntil;
    }

    /// @inheritdoc IBoundedPause
    function pausedUntil() external view returns (uint64) {
        return paused() ? _pausedUntil : 0;
    }

    /// @inheritdoc IBoundedPause
    function nextPauseAvailableAt() external view returns (uint64) {
        return _nextPauseAvailableAt;
    }

    /// @dev Begins a pause of at most MAX_PAUSE_DURATION, once the cooling-off after the last one is over.
    function _pause() internal virtual {
        if (paused()) revert EnforcedPause();
        if (block.timestamp < _nextPauseAvailableAt) revert BoundedPauseCoolingOff(_nextPauseAvailableAt);
        uint64 now_ = uint64(block.timestamp);
        _pausedAt = now_;
        _pausedUntil = now_ + MAX_PAUSE_DURATION;
        // Should it run its course, the cooling-off is as long as the pause.
        _nextPauseAvailableAt = now_ + 2 * MAX_PAUSE_DURATION;
        emit Paused(_msgSender());
    }

    /// @dev Lifts the pause in force; the next may begin after as long again as this one lasted.
    function _unpause() internal virtual {
        if (!paused()) revert ExpectedPause();
        uint64 now_ = uint64(block.timestamp);
        _pausedUntil = now_;
        _nextPauseAvailableAt = now_ + (now_ - _pausedAt);
        emit Unpaused(_msgSender());
    }
}
