// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {NoteShareMath} from "../../contracts/libraries/NoteShareMath.sol";
import {Test} from "../utils/Test.sol";

contract NoteShareMathTest is Test {
    function test_accruedDown_splitsEvenly() public pure {
        uint256 perNote = NoteShareMath.perNoteDown(900, 3);
        assertEq(NoteShareMath.accruedDown(1, perNote), 300, "a third");
        assertEq(NoteShareMath.consumedUp(perNote, 3), 900, "all consumed");
    }

    function test_consumedUp_leavesDustWhenIndivisible() public pure {
        uint256 perNote = NoteShareMath.perNoteDown(10, 3);
        assertEq(NoteShareMath.consumedUp(perNote, 3), 10, "ceil keeps the tranche whole");
        assertEq(NoteShareMath.accruedDown(1, perNote), 3, "each holder rounds down");
    }

    /// Sum of holder entitlements <= what the tranche consumed <= what was distributed.
    function testFuzz_holdersNeverGetMoreThanDistributed(uint256[4] memory balances, uint256 amount) public pure {
        uint256 supply;
        for (uint256 i; i < 4; ++i) {
            balances[i] = bound(balances[i], 0, 1e24);
            supply += balances[i];
        }
        vm.assume(supply > 0);
        amount = bound(amount, 0, 1e30);
        uint256 perNote = NoteShareMath.perNoteDown(amount, supply);
        uint256 consumed = NoteShareMath.consumedUp(perNote, supply);
        uint256 paid;
        for (uint256 i; i < 4; ++i) paid += NoteShareMath.accruedDown(balances[i], perNote);
        assertLe(paid, consumed, "holders <= consumed");
        assertLe(consumed, amount, "consumed <= distributed");
        assertLe(amount - paid, 4 + supply / NoteShareMath.SCALE + 1, "dust is a few units");
    }

    /// Settling in two steps never pays more than settling once.
    function testFuzz_accruedDown_isSubadditive(uint256 balance, uint256 a, uint256 b) public pure {
        balance = bound(balance, 0, 1e24);
        a = bound(a, 0, 1e40);
        b = bound(b, 0, 1e40);
        uint256 split = NoteShareMath.accruedDown(balance, a) + NoteShareMath.accruedDown(balance, b);
        assertLe(split, NoteShareMath.accruedDown(balance, a + b), "split <= whole");
    }
}
