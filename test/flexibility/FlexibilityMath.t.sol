// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FlexibilityMath} from "../../contracts/libraries/FlexibilityMath.sol";
import {Test} from "../utils/Test.sol";

contract FlexibilityMathTest is Test {
    function test_settle_fullDeliveryPaysAllAndReturnsStake() public pure {
        (uint256 payout, uint256 slashed, uint256 returned) = FlexibilityMath.settle(1_000, 1_000, 3, 600);
        assertEq(payout, 3_000, "payout");
        assertEq(slashed, 0, "slashed");
        assertEq(returned, 600, "returned");
    }

    function test_settle_overDeliveryIsCappedAtCommitment() public pure {
        (uint256 payout, uint256 slashed, ) = FlexibilityMath.settle(1_000, 5_000, 3, 600);
        assertEq(payout, 3_000, "payout");
        assertEq(slashed, 0, "slashed");
    }

    function test_settle_halfDeliverySlashesHalf() public pure {
        (uint256 payout, uint256 slashed, uint256 returned) = FlexibilityMath.settle(1_000, 500, 3, 600);
        assertEq(payout, 1_500, "payout");
        assertEq(slashed, 300, "slashed");
        assertEq(returned, 300, "returned");
    }

    function test_settle_nothingDeliveredSlashesAll() public pure {
        (uint256 payout, uint256 slashed, uint256 returned) = FlexibilityMath.settle(1_000, 0, 3, 600);
        assertEq(payout, 0, "payout");
        assertEq(slashed, 600, "slashed");
        assertEq(returned, 0, "returned");
    }

    function test_settle_slashRoundsUpAgainstTheProvider() public pure {
        // 1/3 of 10 is 3.33..., the provider who fell short carries the dust.
        (, uint256 slashed, uint256 returned) = FlexibilityMath.settle(3, 2, 1, 10);
        assertEq(slashed, 4, "slashed");
        assertEq(returned, 6, "returned");
    }

    function test_stakeUp_roundsUp() public pure {
        assertEq(FlexibilityMath.stakeUp(10, 2_500), 3, "ceil(2.5)");
        assertEq(FlexibilityMath.stakeUp(100, 2_500), 25, "exact");
        assertEq(FlexibilityMath.stakeUp(100, 0), 0, "no stake");
        assertEq(FlexibilityMath.stakeUp(100, 10_000), 100, "full");
    }

    function test_maxEnergyWh_isWattsTimesHours() public pure {
        assertEq(FlexibilityMath.maxEnergyWh(250_000, 4), 1_000_000, "1 MWh");
    }

    function testFuzz_settle_conservesStakeAndBoundsPayout(
        uint256 capWh,
        uint256 deliveredWh,
        uint256 price,
        uint256 stake
    ) public pure {
        capWh = bound(capWh, 1, type(uint96).max);
        deliveredWh = bound(deliveredWh, 0, type(uint128).max);
        price = bound(price, 0, type(uint96).max);
        stake = bound(stake, 0, type(uint128).max);
        (uint256 payout, uint256 slashed, uint256 returned) = FlexibilityMath.settle(capWh, deliveredWh, price, stake);
        assertEq(slashed + returned, stake, "stake conserved");
        assertLe(payout, capWh * price, "payout within escrow");
        assertLe(payout, deliveredWh * price, "payout within delivery");
        if (deliveredWh >= capWh) assertEq(slashed, 0, "no slash on full delivery");
        if (deliveredWh == 0) assertEq(slashed, stake, "full slash on no delivery");
        // The slash is never below the exact proportional share.
        uint256 shortfall = deliveredWh >= capWh ? 0 : capWh - deliveredWh;
        assertGe(slashed * capWh, stake * shortfall, "slash rounds up");
    }

    function testFuzz_settle_isMonotoneInDelivery(uint256 capWh, uint256 a, uint256 b, uint256 stake) public pure {
        capWh = bound(capWh, 1, type(uint96).max);
        a = bound(a, 0, type(uint128).max);
        b = bound(b, a, type(uint128).max);
        stake = bound(stake, 0, type(uint128).max);
        (uint256 payoutA, uint256 slashedA, ) = FlexibilityMath.settle(capWh, a, 7, stake);
        (uint256 payoutB, uint256 slashedB, ) = FlexibilityMath.settle(capWh, b, 7, stake);
        assertLe(payoutA, payoutB, "more delivered never pays less");
        assertGe(slashedA, slashedB, "more delivered never slashes more");
    }

    function testFuzz_stakeUp_coversTheExactShare(uint256 maxPayout, uint256 bps) public pure {
        maxPayout = bound(maxPayout, 0, type(uint192).max);
        bps = bound(bps, 0, FlexibilityMath.BPS);
        uint256 stake = FlexibilityMath.stakeUp(maxPayout, bps);
        assertGe(stake * FlexibilityMath.BPS, maxPayout * bps, "covers");
        assertLe(stake * FlexibilityMath.BPS, maxPayout * bps + FlexibilityMath.BPS - 1, "by less than one unit");
        assertLe(stake, maxPayout, "never above the payout");
    }
}
