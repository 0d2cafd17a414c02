// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Joulestack bounded pause
/// @notice A pause that holders can count on ending: it lapses by itself `MAX_PAUSE_DURATION` after it began, and the
/// next pause can only begin once the contract has run unpaused for as long as the last pause lasted. A pauser can
/// therefore stop balances moving for at most `MAX_PAUSE_DURATION` at a stretch and for at most half of any longer
/// period. Events and errors are OpenZeppelin `Pausable`'s, so wallets and indexers read them as usual.
interface IBoundedPause {
    /// @notice A pause began; it lapses by itself at `pausedUntil()`.
    /// @param account Who paused.
    event Paused(address account);

    /// @notice The pause was lifted before it lapsed.
    /// @param account Who lifted it.
    event Unpaused(address account);

    /// @notice The call is not allowed while paused.
    error EnforcedPause();

    /// @notice There is no pause in force to lift.
    error ExpectedPause();

    /// @notice A pause was asked for before the cooling-off that follows the last one ended.
    /// @param availableAt When the next pause may begin (unix seconds).
    error BoundedPauseCoolingOff(uint64 availableAt);

    /// @notice The longest a single pause lasts (seconds).
    function MAX_PAUSE_DURATION() external view returns (uint64);

    /// @notice Whether a pause is in force: begun, and neither lifted nor lapsed.
    function paused() external view returns (bool);

    /// @notice When the pause in force lapses by itself (unix seconds), or 0 when none is in force.
    function pausedUntil() external view returns (uint64);

    /// @notice The earliest time the next pause may begin (unix seconds).
    function nextPauseAvailableAt() external view returns (uint64);
}
