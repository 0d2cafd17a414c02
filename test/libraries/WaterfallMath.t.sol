// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {WaterfallMath} from "../../contracts/libraries/WaterfallMath.sol";
import {Test} from "../utils/Test.sol";

contract WaterfallMathTest is Test {
    function test_couponDown_isEightPercentOverThirtyDays() public pure {
        // 600,000.000000 at 8% for 30 days = 3,945.205479 (rounded down from ...479452).
        assertEq(WaterfallMath.couponDown(600_000e6, 800, 30 days), 3_945_205_479, "coupon");
    }

    function test_coverageBps_isInfiniteWhenNothingIsDue() public pure {
        assertEq(WaterfallMath.coverageBps(5, 0), type(uint256).max, "coverage");
        assertEq(WaterfallMath.coverageBps(120, 100), 12_000, "1.2x");
    }

    function test_principalDue_carriesShortfallsAndCountsPrepayments() public pure {
        assertEq(WaterfallMath.principalDue(1000, 0, 100, 3, 10), 300, "three periods unpaid");
        assertEq(WaterfallMath.principalDue(1000, 450, 100, 3, 10), 0, "prepaid ahead");
        assertEq(WaterfallMath.principalDue(50, 0, 100, 3, 10), 50, "capped by outstanding");
        assertEq(WaterfallMath.principalDue(700, 300, 0, 10, 10), 700, "bullet at maturity");
        assertEq(WaterfallMath.principalDue(700, 0, 0, 9, 10), 0, "bullet before maturity");
    }

    function testFuzz_payUpTo_conservesCash(uint256 available, uint256 due) public pure {
        (uint256 paid, uint256 left) = WaterfallMath.payUpTo(available, due);
        assertEq(paid + left, available, "paid + left");
        assertLe(paid, due, "paid <= due");
        assertTrue(paid == due || left == 0, "pays fully or exhausts cash");
    }

    function testFuzz_couponDown_neverExceedsExactCoupon(uint256 principal, uint256 bps, uint256 length) public pure {
        principal = bound(principal, 0, 1e30);
        bps = bound(bps, 0, 10_000);
        length = bound(length, 0, 10 * 365 days);
        uint256 coupon = WaterfallMath.couponDown(principal, bps, length);
        assertLe(coupon * 10_000 * 365 days, principal * bps * length, "rounded down");
        assertGe((coupon + 1) * 10_000 * 365 days, principal * bps * length + 1, "by less than one unit");
    }

    function testFuzz_principalDue_neverExceedsOutstanding(
        uint256 principal,
        uint256 repaid,
        uint256 amortization,
        uint256 period,
        uint256 count
    ) public pure {
        principal = bound(principal, 0, 1e30);
        repaid = bound(repaid, 0, 1e30);
        amortization = bound(amortization, 0, 1e28);
        count = bound(count, 1, 120);
        period = bound(period, 1, count);
        uint256 due = WaterfallMath.principalDue(principal, repaid, amortization, period, count);
        assertLe(due, principal, "due <= outstanding");
        if (period == count) assertEq(due, principal, "everything at maturity");
    }

    function testFuzz_lossesBottomUp_hitsJuniorsFirst(uint256[3] memory raw, uint256 loss) public pure {
        uint256[] memory principals = new uint256[](3);
        uint256 total;
        for (uint256 i; i < 3; ++i) {
            principals[i] = bound(raw[i], 0, 1e30);
            total += principals[i];
        }
        loss = bound(loss, 0, total);
        uint256[] memory cuts = WaterfallMath.lossesBottomUp(principals, loss);
        uint256 sum;
        for (uint256 i; i < 3; ++i) {
            assertLe(cuts[i], principals[i], "cut <= principal");
            sum += cuts[i];
            // A senior tranche is cut only when every junior one is wiped out.
            if (cuts[i] > 0) {
                for (uint256 j = i + 1; j < 3; ++j) assertEq(cuts[j], principals[j], "junior wiped first");
            }
        }
        assertEq(sum, loss, "loss fully allocated");
    }
}
