// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InvestorRegistry} from "../../contracts/compliance/InvestorRegistry.sol";
import {TrancheNote} from "../../contracts/finance/TrancheNote.sol";
import {ITrancheVault} from "../../contracts/interfaces/ITrancheVault.sol";
import {NoteShareMath} from "../../contracts/libraries/NoteShareMath.sol";
import {Test} from "../utils/Test.sol";

// The model's bookkeeping follows calls to the note, which calls nothing but the registry's views.
/* solhint-disable reentrancy */

/// @notice The note's packed accounting (balance and correction in one word) against a plain per-holder settlement
/// model (an `owed` and a `settled` accumulator per holder, settled before every balance change). This contract is
/// the note's vault.
contract TrancheNoteTest is Test {
    InvestorRegistry private registry;
    TrancheNote private note;
    address[3] private holders = [address(0xA1), address(0xA2), address(0xA3)];

    // The plain model.
    uint256 private acc;
    mapping(address holder => uint256) private settled;
    mapping(address holder => uint256) private owed;
    mapping(address holder => uint256) private settlements;
    uint256 private consumed;
    uint256 private taken;

    function setUp() public {
        vm.warp(1_700_000_000);
        registry = new InvestorRegistry(address(this));
        address[] memory list = new address[](3);
        for (uint256 i; i < 3; ++i) list[i] = holders[i];
        registry.listInvestors(list, uint64(block.timestamp + 365 days), 276);
        note = new TrancheNote("Senior", "SR", 6, 0, registry);
    }

    function _settle(address holder) private {
        owed[holder] += _accrued(note.balanceOf(holder), acc - settled[holder]);
        settled[holder] = acc;
        ++settlements[holder];
    }

    function _accrued(uint256 balance, uint256 growth) private pure returns (uint256) {
        return NoteShareMath.accruedDown(balance, growth);
    }

    /// Random mints, allotments, transfers and payouts: the note never owes a holder less than the plain model, nor
    /// more than one unit per plain settlement above it, and never owes more in total than was allotted and not taken.
    function testFuzz_packedAccountingMatchesPlainSettlement(uint256[24] memory steps) public {
        for (uint256 i; i < 3; ++i) {
            note.mint(holders[i], 1_000e6 * (i + 1));
            settled[holders[i]] = acc;
        }
        for (uint256 k; k < steps.length; ++k) {
            uint256 seed = steps[k];
            address from = holders[seed % 3];
            address to = holders[(seed >> 8) % 3];
            uint256 kind = (seed >> 16) % 4;
            if (kind == 0) {
                uint256 amount = bound(seed >> 32, 1, 1e12);
                (uint256 used, uint256 perNote) = note.allot(amount);
                acc = perNote;
                consumed += used;
                assertLe(used, amount, "consumes at most the allotment");
            } else if (kind == 1) {
                uint256 amount = bound(seed >> 32, 0, note.balanceOf(from));
                _settle(from);
                _settle(to);
                vm.prank(from);
                note.transfer(to, amount);
            } else if (kind == 2) {
                _settle(from);
                uint256 plainOwed = owed[from];
                // What the plain model would still owe later is measured from here.
                owed[from] = 0;
                settlements[from] = 0;
                uint256 paid = note.take(from);
                assertGe(paid, plainOwed, "pays at least the plain amount");
                taken += paid;
            } else {
                uint256 amount = bound(seed >> 32, 1, 1e9);
                _settle(to);
                note.mint(to, amount);
            }
            uint256 total;
            for (uint256 i; i < 3; ++i) {
                address h = holders[i];
                uint256 plain = owed[h] + _accrued(note.balanceOf(h), acc - settled[h]);
                uint256 packed = note.owedOf(h);
                assertGe(packed, plain, "never less than plain settlement");
                assertLe(packed, plain + settlements[h] + 1, "at most a unit per plain settlement more");
                total += packed;
            }
            assertLe(total + taken, consumed, "never owes more than was allotted");
        }
    }

    function test_transfer_leavesAccruedPayoutsWithTheSender() public {
        note.mint(holders[0], 600e6);
        note.mint(holders[1], 400e6);
        note.allot(100e6);
        vm.prank(holders[0]);
        note.transfer(holders[1], 300e6);
        assertEq(note.owedOf(holders[0]), 60e6, "sender keeps what accrued");
        assertEq(note.owedOf(holders[1]), 40e6, "receiver gains nothing past");
        note.allot(100e6);
        assertEq(note.owedOf(holders[0]), 90e6, "sender earns on what is left");
        assertEq(note.owedOf(holders[1]), 110e6, "receiver earns on what arrived");
        assertEq(note.take(holders[1]), 110e6, "takes all");
        assertEq(note.owedOf(holders[1]), 0, "nothing left");
    }

    function test_transfer_revertsForUnlistedReceiverAndFrozenParties() public {
        note.mint(holders[0], 100e6);
        vm.prank(holders[0]);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultInvestorNotVerified.selector, address(0xBAD)));
        note.transfer(address(0xBAD), 1);
        registry.setFrozen(holders[0], true);
        vm.prank(holders[0]);
        vm.expectRevert(abi.encodeWithSelector(ITrancheVault.TrancheVaultAccountFrozen.selector, holders[0]));
        note.transfer(holders[1], 1);
    }

    function test_cancelAndRecover_moveNotesAndOwedExactly() public {
        note.mint(holders[0], 300e6);
        note.mint(holders[1], 700e6);
        note.allot(50e6);
        (uint256 notes, uint256 moved) = note.recover(holders[0], holders[2]);
        assertEq(notes, 300e6, "all notes");
        assertEq(moved, 15e6, "all owed");
        assertEq(note.owedOf(holders[0]), 0, "lost wallet keeps nothing");
        assertEq(note.owedOf(holders[2]), 15e6, "replacement has the owed");
        note.allot(100e6);
        assertEq(note.owedOf(holders[2]), 45e6, "and earns on the notes");
        (notes, moved) = note.cancel(holders[1]);
        assertEq(notes, 700e6, "cancelled");
        assertEq(moved, 105e6, "owed taken with the notes");
        assertEq(note.totalSupply(), 300e6, "supply falls");
        assertEq(note.owedOf(holders[1]), 0, "nothing left");
    }
}
