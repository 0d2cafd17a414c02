// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ComputeMath} from "../../contracts/libraries/ComputeMath.sol";
import {Test} from "../utils/Test.sol";

contract ComputeMathTest is Test {
    function test_creditId_putsClusterAboveWindowStart() public pure {
        assertEq(ComputeMath.creditId(1, 3600), (uint256(1) << 64) | 3600, "id");
    }

    function test_cost_isGpuHoursTimesThePrice() public pure {
        // 1,500 GPU-hours at 2.000000 USD = 3,000.000000 USD.
        assertEq(ComputeMath.cost(1_500, 2e6), 3_000e6, "cost");
    }

    function test_capacityGpuHours_isGpusTimesHours() public pure {
        // 1,024 GPUs for 3 hours = 3,072 GPU-hours.
        assertEq(ComputeMath.capacityGpuHours(1_024, 3), 3_072, "capacity");
    }

    function test_refundShareDown_roundsTheHoldersShareDown() public pure {
        // 10.000000 USD held for 3 unclaimed GPU-hours, 1 of them the holder's:
        // 10,000,000 / 3 = 3,333,333.33 → 3,333,333.
        assertEq(ComputeMath.refundShareDown(10e6, 1, 3), 3_333_333, "a third, rounded down");
        // The last claimant takes what is left: 6,666,667 for the last 2 of 2.
        assertEq(ComputeMath.refundShareDown(6_666_667, 2, 2), 6_666_667, "the rest");
    }

    function test_refundShareDown_isZeroWithoutRedemptions() public pure {
        assertEq(ComputeMath.refundShareDown(5e6, 0, 0), 0, "refund");
    }

    function test_carbonFreeBpsDown_roundsDown() public pure {
        assertEq(ComputeMath.carbonFreeBpsDown(2, 3), 6666, "two thirds");
        assertEq(ComputeMath.carbonFreeBpsDown(0, 0), 0, "no energy");
        assertEq(ComputeMath.carbonFreeBpsDown(7, 7), 10_000, "all");
    }

    function testFuzz_creditId_roundTrips(uint256 clusterId, uint64 start) public pure {
        clusterId = bound(clusterId, 0, type(uint192).max);
        (uint256 decodedCluster, uint64 decodedStart) = ComputeMath.decodeCreditId(
            ComputeMath.creditId(clusterId, start)
        );
        assertEq(decodedCluster, clusterId, "cluster");
        assertEq(decodedStart, start, "start");
    }

    function testFuzz_creditId_isInjective(uint256 a, uint64 startA, uint256 b, uint64 startB) public pure {
        a = bound(a, 0, type(uint192).max);
        b = bound(b, 0, type(uint192).max);
        bool same = ComputeMath.creditId(a, startA) == ComputeMath.creditId(b, startB);
        assertTrue(same == (a == b && startA == startB), "distinct windows share an id");
    }

    /// @dev Splitting the undelivered GPU-hours among three redeemers never pays out more than they are worth,
    /// and loses less than one unit per redeemer.
    /// Claimed in any order, the shares add up to what was held exactly: no dust is stranded, even when a share
    /// rounds to zero, and no claim takes more than its exact pro-rata share rounded up.
    function testFuzz_refundShareDown_sumsToTheHeldAmountExactly(
        uint64 first,
        uint64 second,
        uint64 third,
        uint256 delivered,
        uint128 price
    ) public pure {
        uint256 total = uint256(first) + second + third;
        vm.assume(total > 0);
        delivered = bound(delivered, 0, total);
        // Undelivered GPU-hours are worth their price each.
        uint256 held = (total - delivered) * price;
        uint256 unclaimed = total;
        uint256 paid;
        uint64[3] memory shares = [first, second, third];
        for (uint256 i; i < 3; ++i) {
            uint256 share = ComputeMath.refundShareDown(held - paid, shares[i], unclaimed);
            // Never more than the exact share of the original amount, plus what earlier claims rounded away (< 1 each).
            assertLe(share, (held * shares[i]) / total + i + 1, "share above its pro-rata part");
            paid += share;
            unclaimed -= shares[i];
        }
        assertEq(paid, held, "refunds != held");
    }

    function testFuzz_refundShareDown_isFullWhenNothingDelivered(
        uint64 holder,
        uint64 others,
        uint128 price
    ) public pure {
        uint256 total = uint256(holder) + others;
        vm.assume(total > 0);
        uint256 held = total * uint256(price);
        assertEq(ComputeMath.refundShareDown(held, holder, total), uint256(holder) * price, "refund");
    }

    function testFuzz_carbonFreeBpsDown_neverExceedsTheProvenShare(uint256 matched, uint256 used) public pure {
        used = bound(used, 1, type(uint128).max);
        matched = bound(matched, 0, used);
        uint256 bps = ComputeMath.carbonFreeBpsDown(matched, used);
        assertLe(bps, ComputeMath.BPS, "above 100%");
        assertLe(bps * used, matched * ComputeMath.BPS, "rounded up");
        assertGe((bps + 1) * used, matched * ComputeMath.BPS + 1, "rounded down by more than one bp");
    }
}
