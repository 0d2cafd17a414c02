// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title Tranche note
/// @notice One tranche of a Joulestack vault as an ERC-20: one note unit is one unit of the vault's stablecoin of
/// face value. Only its vault mints and burns notes, and every balance change is checked and settled by the vault,
/// so notes reach only verified investors and unclaimed payouts stay with whoever held the notes when they accrued.
interface ITrancheNote is IERC20Metadata {
    /// @notice Only the vault may call this.
    /// @param caller The caller.
    error TrancheNoteUnauthorized(address caller);

    /// @notice The vault that issued this note.
    function vault() external view returns (address);

    /// @notice The tranche's position in the vault's priority order (0 = most senior).
    function trancheId() external view returns (uint256);

    /// @notice Issues `amount` notes to `to`. Vault only.
    /// @param to The subscriber.
    /// @param amount The number of notes.
    function mint(address to, uint256 amount) external;

    /// @notice Cancels `amount` notes of `from`. Vault only.
    /// @param from The holder.
    /// @param amount The number of notes.
    function burn(address from, uint256 amount) external;

    /// @notice Moves notes without the holder's signature, for executing an announced recovery of a lost wallet.
    /// Vault only.
    /// @param from The lost wallet.
    /// @param to The verified replacement wallet.
    /// @param amount The number of notes.
    function forcedTransfer(address from, address to, uint256 amount) external;
}
