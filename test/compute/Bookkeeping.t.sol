// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IComputeMarket} from "../../contracts/interfaces/IComputeMarket.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {Calendar} from "../../contracts/libraries/Calendar.sol";
import {ComputeRevenueSink} from "../../contracts/mocks/ComputeRevenueSink.sol";
import {ComputeMarketBase} from "./ComputeMarket.t.sol";

/// @notice Every book of the compute market adds up over repeated calls, and each figure is a literal worked from the
/// setup (a 4-GPU cluster, 1,000 USD of bond, a two-hour window at 3 USD per GPU-hour): a second bond posting, a
/// second redemption, a second sale to the same payout. A book that kept only the latest call, or subtracted where
/// it adds, fails here.
contract ComputeMarketBookkeepingTest is ComputeMarketBase {
    function test_postBond_addsToTheFreeBond() public {
        _fund(provider, 250e6);
        vm.prank(provider);
        market.postBond(clusterId, 250e6);
        assertEq(market.getCluster(clusterId).bondFree, 1_250e6, "1,000 + 250 USD");
        assertEq(usd.balanceOf(address(market)), 1_250e6, "held");
    }

    function test_redeem_addsUpEachHoldersRedemptions() public {
        _buy(alice, 3);
        _buy(bob, 2);
        _redeem(alice, 1);
        _redeem(bob, 2);
        _redeem(alice, 2);
        assertEq(market.redeemedBy(id, alice), 3, "alice: 1 + 2");
        assertEq(market.redeemedBy(id, bob), 2, "bob");
        assertEq(market.getWindow(id).redeemed, 5, "window: 1 + 2 + 2");
        assertEq(market.totalSupply(id), 0, "5 sold - 5 redeemed");
    }

    function test_buy_accruesEverySaleToItsPayoutAndRoute() public {
        _buy(alice, 3);
        _buy(bob, 2);
        ComputeRevenueSink sink = new ComputeRevenueSink(IERC20(address(usd)));
        vm.prank(provider);
        market.setPayout(clusterId, address(sink), true);
        _buy(alice, 1);
        _buy(bob, 1);
        (uint256 direct, uint256 viaIntake) = market.proceedsOf(payout);
        assertEq(direct, 15e6, "payout: 3 x 3 + 2 x 3 USD");
        assertEq(viaIntake, 0, "payout: nothing via an intake");
        (direct, viaIntake) = market.proceedsOf(address(sink));
        assertEq(direct, 0, "sink: nothing direct");
        assertEq(viaIntake, 6e6, "sink: 1 x 3 + 1 x 3 USD");

        assertEq(market.pushProceeds(payout), 15e6, "pushed to the payout");
        assertEq(market.pushProceeds(address(sink)), 6e6, "pushed to the sink");
        assertEq(usd.balanceOf(payout), 15e6, "payout received");
        assertEq(sink.received(IRevenueIntake.RevenueSource.Compute), 6e6, "sink booked");
        assertEq(usd.balanceOf(address(sink)), 6e6, "sink received");
        assertEq(usd.balanceOf(address(market)), 1_000e6, "only the bond is left");
    }

    function test_expiredCredits_countsOnlyFromTheEnd() public {
        _buy(alice, 3);
        vm.warp(start + 7200 - 1);
        assertEq(market.expiredCredits(id), 0, "3 credits outstanding, none expired a second before the end");
        vm.warp(start + 7200);
        assertEq(market.expiredCredits(id), 3, "all 3 expire at the end");
        assertEq(market.expiredCredits(id + 1), 0, "an unknown window has none");
    }

    function test_pushAndClaimProceeds_payBothRoutesOfOnePayee() public {
        // One intake contract is first a plain payout, then an intake: it is owed 9 USD direct and 6 USD via intake.
        ComputeRevenueSink sink = new ComputeRevenueSink(IERC20(address(usd)));
        vm.prank(provider);
        market.setPayout(clusterId, address(sink), false);
        _buy(alice, 3);
        vm.prank(provider);
        market.setPayout(clusterId, address(sink), true);
        _buy(bob, 2);
        uint256 snapshot = vm.snapshotState();

        assertEq(market.pushProceeds(address(sink)), 15e6, "pushed: 9 + 6 USD");
        assertEq(usd.balanceOf(address(sink)), 15e6, "sink received both");
        assertEq(sink.received(IRevenueIntake.RevenueSource.Compute), 6e6, "only the intake part is booked as revenue");

        vm.revertToState(snapshot);
        vm.prank(address(sink));
        assertEq(market.claimProceeds(address(0xCAFE)), 15e6, "claimed: 9 + 6 USD");
        assertEq(usd.balanceOf(address(0xCAFE)), 15e6, "claimed to the address named");
    }
}

/// @notice Each value limit of the compute market at its exact edge: the largest accepted value is accepted (the
/// refusals beyond it are in ComputeMarket.t.sol). Literals come from the setup: 4 GPUs, 500 to 700 Wh per GPU-hour,
/// a two-hour window (8 GPU-hours) at 3 USD, 1,000 USD of bond.
contract ComputeMarketLimitsTest is ComputeMarketBase {
    function test_registerCluster_acceptsEqualEnergyBounds() public {
        IComputeMarket.ClusterRegistration memory r = _registration();
        r.minWhPerGpuHour = 700;
        vm.prank(provider);
        uint256 fixedDraw = market.registerCluster(r);
        assertEq(market.getCluster(fixedDraw).minWhPerGpuHour, 700, "min");
        assertEq(market.getCluster(fixedDraw).maxWhPerGpuHour, 700, "max");
    }

    function test_withdrawBond_takesTheWholeFreeBond() public {
        vm.prank(provider);
        market.withdrawBond(clusterId, 1_000e6, provider);
        assertEq(market.getCluster(clusterId).bondFree, 0, "nothing left");
        assertEq(usd.balanceOf(provider), 1_000e6, "all of it back");
    }

    function test_offerWindow_acceptsTheLongestWindow() public {
        uint64 next = start + 2 hours;
        vm.prank(provider);
        uint256 month = market.offerWindow(clusterId, next, 744, PRICE);
        IComputeMarket.Window memory window = market.getWindow(month);
        assertEq(window.end, next + 744 * 3600, "31 days");
        assertEq(window.capacity, 4 * 744, "4 GPUs x 744 hours");
    }

    function test_buy_fillsTheWindowExactly() public {
        _fund(alice, 24e6);
        _buy(alice, 8);
        assertEq(market.getWindow(id).sold, 8, "sold out");
        assertEq(market.getCluster(clusterId).bondFree, 1_000e6 - 24e6, "8 x 3 USD locked");
    }

    function test_buy_locksExactlyTheFreeBond() public {
        vm.prank(provider);
        market.withdrawBond(clusterId, 994e6, provider);
        _buy(alice, 2);
        assertEq(market.getCluster(clusterId).bondFree, 0, "6 USD free, 6 USD locked");
        assertEq(market.getWindow(id).bondHeld, 6e6, "held");
    }

    function test_redeem_takesExactlyWhatIsServable() public {
        _fund(alice, 24e6);
        _buy(alice, 8);
        _redeem(alice, 8);
        assertEq(market.redeemableNow(id), 0, "the window is full");
        assertEq(market.redeemedBy(id, alice), 8, "redeemed");
    }

    function test_recordDelivery_acceptsTheLeastEnergyAndAttributionEqualToUse() public {
        _buy(alice, 2);
        _redeem(alice, 2);
        kwh.mint(provider, _batch(0), 1_000, ZONE, IDeviceRegistry.DeviceKind.Nuclear);
        vm.warp(start + 7200);
        // 2 GPU-hours at 500 Wh is the least they can draw; all of it matched by the nuclear batch: 100%.
        vm.expectEmit();
        emit IComputeMarket.DeliveryRecorded(id, clusterId, 2, 2, 1_000, 1_000, 0, 10_000);
        vm.prank(operator);
        market.recordDelivery(id, _withKwh(_report(2, 1_000), _batch(0), 1_000));
        assertEq(kwh.totalConsumedWh(), 1_000, "burned");
    }

    function test_recordDelivery_matchesEachHourUpToTheClusterDrawAndAddsTheHours() public {
        _fund(alice, 24e6);
        _buy(alice, 8);
        _redeem(alice, 8);
        kwh.mint(provider, _batch(0), 2_800, ZONE, IDeviceRegistry.DeviceKind.Solar);
        kwh.mint(provider, _batch(1), 2_800, ZONE, IDeviceRegistry.DeviceKind.Wind);
        vm.warp(start + 7200);
        IComputeMarket.DeliveryReport memory r = _report(8, 5_600);
        r.kwhBatchIds = new uint256[](2);
        r.kwhAmountsWh = new uint256[](2);
        (r.kwhBatchIds[0], r.kwhBatchIds[1]) = (_batch(0), _batch(1));
        (r.kwhAmountsWh[0], r.kwhAmountsWh[1]) = (2_800, 2_800);
        // Each hour exactly at 4 GPUs x 700 Wh; 2,800 + 2,800 Wh matched of 5,600 used.
        vm.expectEmit();
        emit IComputeMarket.DeliveryRecorded(id, clusterId, 8, 8, 5_600, 5_600, 0, 10_000);
        vm.prank(operator);
        market.recordDelivery(id, r);
    }

    function test_recordDelivery_attributesEachRecAndAddsThem() public {
        (uint256 big, uint256 bigId) = _bigWindow();
        _buyAndRedeem(bigId, alice, 2_000);
        recs.mint(provider, 7, 1, ZONE, _vintage());
        recs.mint(provider, 8, 1, ZONE, _vintage());
        vm.warp(start + 7200);
        IComputeMarket.DeliveryReport memory r = _report(2_000, 2_000_000);
        r.recIds = new uint256[](2);
        r.recAmounts = new uint256[](2);
        (r.recIds[0], r.recIds[1]) = (7, 8);
        (r.recAmounts[0], r.recAmounts[1]) = (1, 1);
        // The lot is recorded, then each REC is retired (receipts 1 and 2) and attributed at 1 MWh a REC.
        vm.expectEmit();
        emit IComputeMarket.DeliveryRecorded(bigId, big, 2_000, 2_000, 2_000_000, 0, 2_000_000, 10_000);
        vm.expectEmit();
        emit IComputeMarket.RecsAttributed(bigId, 7, 1, 1, 1_000_000);
        vm.expectEmit();
        emit IComputeMarket.RecsAttributed(bigId, 8, 2, 1, 1_000_000);
        vm.prank(operator);
        market.recordDelivery(bigId, r);
    }

    function test_recordDelivery_namesHourlyPlusRecWhWhenTheyExceedUse() public {
        (, uint256 bigId) = _bigWindow();
        _buyAndRedeem(bigId, alice, 1_500);
        kwh.mint(provider, _batch(0), 400_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        recs.mint(provider, 7, 1, ZONE, _vintage());
        vm.warp(start + 7200);
        // 400,000 Wh hourly + 1,000,000 Wh by REC against 1,200,000 Wh used.
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeAttributionExceedsUsage.selector, bigId, 1_200_000, 1_400_000)
        );
        vm.prank(operator);
        market.recordDelivery(bigId, _withRec(_withKwh(_report(1_200, 1_200_000), _batch(0), 400_000), 7, 1));
    }

    function test_recordDelivery_refusesNextMonthsRecForAWindowEndingAtTheMonthEnd() public {
        (uint256 year, uint256 month) = Calendar.yearMonth(block.timestamp);
        (uint256 nextYear, uint256 nextMonth) = month == 12 ? (year + 1, uint256(1)) : (year, month + 1);
        uint64 monthEnd = uint64(Calendar.monthStart(nextYear, nextMonth));
        (uint256 big, ) = _bigWindow();
        vm.prank(provider);
        uint256 lastHours = market.offerWindow(big, monthEnd - 2 hours, 2, 1e6);
        _buyAndRedeem(lastHours, alice, 1_000);
        uint64 thisMonth = uint64(year * 100 + month);
        uint64 next = uint64(nextYear * 100 + nextMonth);
        recs.mint(provider, 8, 1, ZONE, next);
        vm.warp(monthEnd);
        // The window's last second is in this month, so a REC of the next month matches none of its hours.
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeRecVintageMismatch.selector, 8, next, thisMonth, thisMonth)
        );
        vm.prank(operator);
        market.recordDelivery(lastHours, _withRec(_report(1_000, 1_000_000), 8, 1));
    }
}
