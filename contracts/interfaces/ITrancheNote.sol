// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @title Tranche note
/// @notice One tranche of a Joulestack vault as an ERC-20: one note unit is one unit of the vault's stablecoin of
/// face value. Only its vault mints and cancels notes; every transfer is checked against the investor registry, so
/// notes reach only verified, unfrozen investors. The note keeps the tranche's payout accumulator and each holder's
/// share of it, packed with the holder's balance, so unclaimed payouts stay with whoever held the notes when they
/// accrued and a transfer writes no more than any ERC-20 transfer.
/// @dev A holder's entitlement is `(balance * cashPerNote + correction) / SCALE`, rounded down: a transfer moves
/// `amount * cashPerNote` of correction from the receiver to the sender, so accrued payouts do not move with notes, and
/// a payout taken lowers the correction by what was paid times `SCALE`.
interface ITrancheNote is IERC20Metadata, IERC20Errors {
    /// @notice Only the vault may call this.
    /// @param caller The caller.
    error TrancheNoteUnauthorized(address caller);

    /// @notice The vault that issued this note.
    function vault() external view returns (address);

    /// @notice The tranche's position in the vault's priority order (0 = most senior).
    function trancheId() external view returns (uint256);

    /// @notice Stablecoin allotted per note since issue, scaled by `NoteShareMath.SCALE` (1e18).
    function cashPerNote() external view returns (uint256);

    /// @notice What `account` is owed from this tranche's allotments and has not taken yet.
    /// @param account The holder.
    function owedOf(address account) external view returns (uint256);

    /// @notice Issues `amount` notes to `to`, who must be a verified, unfrozen investor. Vault only.
    /// @param to The subscriber.
    /// @param amount The number of notes.
    function mint(address to, uint256 amount) external;

    /// @notice Spreads `amount` of stablecoin over all notes. Vault only.
    /// @param amount The amount to allot.
    /// @return consumed What the holders can ever take out of it (at most `amount`; the rest is rounding dust).
    /// @return perNote The accumulator after the allotment.
    function allot(uint256 amount) external returns (uint256 consumed, uint256 perNote);

    /// @notice Marks what `account` is owed as paid and returns it. Vault only.
    /// @param account The holder.
    /// @return owed The amount the vault pays out.
    function take(address account) external returns (uint256 owed);

    /// @notice Cancels all notes of `account` and marks what it is owed as paid. Vault only.
    /// @param account The holder.
    /// @return notes The notes cancelled.
    /// @return owed The payouts owed, now marked as paid.
    function cancel(address account) external returns (uint256 notes, uint256 owed);

    /// @notice Moves all notes and unclaimed payouts of `lost` to `replacement` without the holder's signature, for
    /// executing an announced recovery of a lost wallet (the vault checks the replacement). Vault only.
    /// @param lost The lost wallet.
    /// @param replacement The verified replacement wallet.
    /// @return notes The notes moved.
    /// @return owed The unclaimed payouts moved.
    function recover(address lost, address replacement) external returns (uint256 notes, uint256 owed);
}
