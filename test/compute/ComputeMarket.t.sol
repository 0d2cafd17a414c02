// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {ComputeMarket} from "../../contracts/compute/ComputeMarket.sol";
import {IComputeMarket} from "../../contracts/interfaces/IComputeMarket.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../../contracts/interfaces/IRenewableCertificates.sol";
import {IRevenueIntake} from "../../contracts/interfaces/IRevenueIntake.sol";
import {Calendar} from "../../contracts/libraries/Calendar.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {ComputeRevenueSink} from "../../contracts/mocks/ComputeRevenueSink.sol";
import {SwitchableFeeToken} from "../../contracts/mocks/SwitchableFeeToken.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {HalfPullIntake, MockKwh, MockRecs, RefusingIntake} from "./ComputeMocks.sol";

/// @notice Shared deployment: a market over mock kWh and REC tokens, one 4-GPU cluster (500 to 700 Wh per GPU-hour)
/// with 1,000 USD of bond and a two-hour window two hours from now at 3 USD per GPU-hour.
abstract contract ComputeMarketBase is Test {
    bytes32 internal constant ZONE = "ERCOT-NORTH";
    uint128 internal constant PRICE = 3e6;

    TestStablecoin internal usd;
    MockKwh internal kwh;
    MockRecs internal recs;
    ComputeMarket internal market;
    address internal provider = address(0xB0);
    address internal operator = address(0x0B);
    address internal payout = address(0xFA);
    address internal alice = address(0xA1);
    address internal bob = address(0xB1);
    uint256 internal clusterId;
    uint64 internal start;
    uint256 internal id;

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        usd = new TestStablecoin(address(this));
        kwh = new MockKwh();
        recs = new MockRecs();
        market = new ComputeMarket(
            IERC20(address(usd)),
            IMeteredEnergy(address(kwh)),
            IRenewableCertificates(address(recs))
        );
        vm.startPrank(provider);
        clusterId = market.registerCluster(_registration());
        kwh.setApprovalForAll(address(market), true);
        recs.setApprovalForAll(address(market), true);
        vm.stopPrank();
        _fund(provider, 1_000e6);
        vm.prank(provider);
        market.postBond(clusterId, 1_000e6);
        start = uint64((block.timestamp / 3600 + 2) * 3600);
        vm.prank(provider);
        id = market.offerWindow(clusterId, start, 2, PRICE);
        _fund(alice, 100e6);
        _fund(bob, 100e6);
    }

    function _registration() internal view returns (IComputeMarket.ClusterRegistration memory) {
        return
            IComputeMarket.ClusterRegistration({
                gpuClass: "H100-SXM",
                gpuCount: 4,
                gridZone: ZONE,
                minWhPerGpuHour: 500,
                maxWhPerGpuHour: 700,
                operator: operator,
                payout: payout,
                payoutIsIntake: false
            });
    }

    function _fund(address account, uint256 amount) internal {
        usd.mint(account, amount);
        vm.prank(account);
        usd.approve(address(market), type(uint256).max);
    }

    function _buy(address buyer, uint64 gpuHours) internal {
        vm.prank(buyer);
        market.buy(id, gpuHours, buyer);
    }

    function _redeem(address holder, uint64 gpuHours) internal {
        vm.prank(holder);
        market.redeem(holder, id, gpuHours, keccak256(abi.encode(holder, gpuHours)));
    }

    /// @dev kWh batch id of device 1 in the window's `hourOffset`-th hour.
    function _batch(uint256 hourOffset) internal view returns (uint256) {
        return (uint256(1) << 64) | (start / 3600 + hourOffset);
    }

    /// @dev A second cluster of 1,000 GPUs (500 to 1,000 Wh per GPU-hour) with 100,000 USD of bond and a two-hour
    /// window at the same start as `id`, at 1 USD per GPU-hour: big enough for a delivery to use whole RECs.
    function _bigWindow() internal returns (uint256 big, uint256 bigId) {
        IComputeMarket.ClusterRegistration memory r = _registration();
        r.gpuCount = 1_000;
        r.maxWhPerGpuHour = 1_000;
        vm.prank(provider);
        big = market.registerCluster(r);
        _fund(provider, 100_000e6);
        vm.startPrank(provider);
        market.postBond(big, 100_000e6);
        bigId = market.offerWindow(big, start, 2, 1e6);
        vm.stopPrank();
    }

    function _buyAndRedeem(uint256 creditId, address buyer, uint64 gpuHours) internal {
        _fund(buyer, uint256(gpuHours) * market.getWindow(creditId).pricePerGpuHour);
        vm.prank(buyer);
        market.buy(creditId, gpuHours, buyer);
        vm.prank(buyer);
        market.redeem(buyer, creditId, gpuHours, bytes32(0));
    }

    /// @dev The vintage (year * 100 + month) of the window's first hour.
    function _vintage() internal view returns (uint64) {
        return EnergyIds.vintageOfHour(start / 3600);
    }

    function _withRec(
        IComputeMarket.DeliveryReport memory r,
        uint256 recId,
        uint256 amount
    ) internal pure returns (IComputeMarket.DeliveryReport memory) {
        r.recIds = new uint256[](1);
        r.recAmounts = new uint256[](1);
        r.recIds[0] = recId;
        r.recAmounts[0] = amount;
        return r;
    }

    function _report(uint64 delivered, uint256 whUsed) internal pure returns (IComputeMarket.DeliveryReport memory r) {
        r.gpuHoursDelivered = delivered;
        r.whUsed = whUsed;
    }

    function _withKwh(
        IComputeMarket.DeliveryReport memory r,
        uint256 batchId,
        uint256 wh
    ) internal pure returns (IComputeMarket.DeliveryReport memory) {
        r.kwhBatchIds = new uint256[](1);
        r.kwhAmountsWh = new uint256[](1);
        r.kwhBatchIds[0] = batchId;
        r.kwhAmountsWh[0] = wh;
        return r;
    }
}

contract ComputeMarketTest is ComputeMarketBase {
    // --- registerCluster ---

    function test_registerCluster_storesTheClusterForTheCaller() public view {
        IComputeMarket.Cluster memory cluster = market.getCluster(clusterId);
        assertEq(cluster.provider, provider, "provider");
        assertEq(cluster.operator, operator, "operator");
        assertEq(cluster.gpuCount, 4, "gpus");
        assertEq(cluster.gridZone, ZONE, "zone");
        assertEq(cluster.gpuClass, "H100-SXM", "class");
        assertEq(market.clusterCount(), 1, "count");
    }

    function test_registerCluster_revertsOnBadInput() public {
        IComputeMarket.ClusterRegistration memory r = _registration();
        r.gpuClass = "";
        vm.expectRevert(IComputeMarket.ComputeEmptyGpuClass.selector);
        market.registerCluster(r);
        r = _registration();
        r.gpuCount = 0;
        vm.expectRevert(IComputeMarket.ComputeZeroGpuCount.selector);
        market.registerCluster(r);
        r = _registration();
        r.minWhPerGpuHour = 0;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeInvalidEnergyBounds.selector, 0, 700));
        market.registerCluster(r);
        r = _registration();
        r.minWhPerGpuHour = 701;
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeInvalidEnergyBounds.selector, 701, 700));
        market.registerCluster(r);
        r = _registration();
        r.gridZone = "ercot";
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeInvalidGridZone.selector, bytes32("ercot")));
        market.registerCluster(r);
        r = _registration();
        r.operator = address(0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeInvalidOperator.selector, address(0)));
        market.registerCluster(r);
        r = _registration();
        r.payout = address(0);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeInvalidPayout.selector, address(0)));
        market.registerCluster(r);
        r.payout = address(market);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeInvalidPayout.selector, address(market)));
        market.registerCluster(r);
    }

    function test_registerCluster_revertsWhenTheIntakeTakesAnotherAsset() public {
        ComputeRevenueSink sink = new ComputeRevenueSink(IERC20(address(0xDEAD)));
        IComputeMarket.ClusterRegistration memory r = _registration();
        r.payout = address(sink);
        r.payoutIsIntake = true;
        vm.expectRevert(
            abi.encodeWithSelector(
                IComputeMarket.ComputePayoutAssetMismatch.selector,
                address(sink),
                address(0xDEAD),
                address(usd)
            )
        );
        market.registerCluster(r);
    }

    // --- provider-only functions ---

    function test_providerFunctions_revertForOthers() public {
        bytes memory notProvider = abi.encodeWithSelector(IComputeMarket.ComputeNotProvider.selector, clusterId, alice);
        vm.startPrank(alice);
        vm.expectRevert(notProvider);
        market.setOperator(clusterId, alice);
        vm.expectRevert(notProvider);
        market.setPayout(clusterId, alice, false);
        vm.expectRevert(notProvider);
        market.withdrawBond(clusterId, 1, alice);
        vm.expectRevert(notProvider);
        market.offerWindow(clusterId, start + 7200, 1, PRICE);
        vm.stopPrank();
        assertEq(market.getCluster(clusterId).operator, operator, "operator");
        assertEq(market.getCluster(clusterId).bondFree, 1_000e6, "bond");
    }

    function test_setOperatorAndPayout_updateTheCluster() public {
        ComputeRevenueSink sink = new ComputeRevenueSink(IERC20(address(usd)));
        vm.startPrank(provider);
        market.setOperator(clusterId, alice);
        market.setPayout(clusterId, address(sink), true);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeInvalidOperator.selector, address(0)));
        market.setOperator(clusterId, address(0));
        vm.stopPrank();
        assertEq(market.getCluster(clusterId).operator, alice, "operator");
        _buy(bob, 2);
        (uint256 direct, uint256 viaIntake) = market.proceedsOf(address(sink));
        assertEq(direct, 0, "nothing by transfer");
        assertEq(viaIntake, 6e6, "accrued for the intake");
        vm.prank(bob); // anyone may push
        assertEq(market.pushProceeds(address(sink)), 6e6, "pushed");
        assertEq(sink.received(IRevenueIntake.RevenueSource.Compute), 6e6, "tagged revenue");
        assertEq(usd.balanceOf(address(sink)), 6e6, "sink balance");
        (direct, viaIntake) = market.proceedsOf(address(sink));
        assertEq(direct + viaIntake, 0, "nothing left");
    }

    function test_unknownCluster_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeUnknownCluster.selector, 9));
        market.postBond(9, 1);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeUnknownCluster.selector, 9));
        market.getCluster(9);
    }

    // --- bond ---

    function test_withdrawBond_revertsAboveTheFreeBond() public {
        _buy(alice, 2); // locks 6 USD
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeBondInsufficient.selector, clusterId, 994e6, 995e6)
        );
        market.withdrawBond(clusterId, 995e6, provider);
        vm.prank(provider);
        market.withdrawBond(clusterId, 994e6, provider);
        assertEq(usd.balanceOf(provider), 994e6, "withdrawn");
        assertEq(usd.balanceOf(address(market)), 12e6, "bond held + proceeds");
    }

    function test_postBond_revertsForZero() public {
        vm.expectRevert(IComputeMarket.ComputeZeroAmount.selector);
        market.postBond(clusterId, 0);
    }

    // --- offerWindow ---

    function test_offerWindow_revertsOnBadWindows() public {
        uint64 next = start + 7200;
        vm.startPrank(provider);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowNotHourAligned.selector, next + 1));
        market.offerWindow(clusterId, next + 1, 1, PRICE);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowInvalidLength.selector, 745, 744));
        market.offerWindow(clusterId, next, 745, PRICE);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowOverlaps.selector, clusterId, start, next));
        market.offerWindow(clusterId, start, 1, PRICE);
        vm.expectRevert(IComputeMarket.ComputeZeroPrice.selector);
        market.offerWindow(clusterId, next, 1, 0);
        uint64 past = uint64((block.timestamp / 3600) * 3600);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeWindowStartsInPast.selector, past, block.timestamp)
        );
        market.offerWindow(clusterId, past, 1, PRICE);
        vm.stopPrank();
        assertEq(market.getCluster(clusterId).offeredUntil, next, "offered until");
    }

    // --- buy ---

    function test_buy_accruesProceedsAndLocksBond() public {
        _buy(alice, 3);
        assertEq(usd.balanceOf(payout), 0, "nothing pushed yet");
        (uint256 direct, ) = market.proceedsOf(payout);
        assertEq(direct, 9e6, "accrued");
        assertEq(usd.balanceOf(alice), 91e6, "alice");
        assertEq(market.balanceOf(alice, id), 3, "credits");
        assertEq(market.getWindow(id).bondHeld, 9e6, "bond held");
        assertEq(market.getCluster(clusterId).bondFree, 991e6, "bond free");
        market.pushProceeds(payout);
        assertEq(usd.balanceOf(payout), 9e6, "payout");
        assertEq(usd.balanceOf(address(market)), 1_000e6, "bond only");
    }

    function test_buy_revertsWhenOversold() public {
        _buy(alice, 6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowOversold.selector, id, 8, 6, 3));
        market.buy(id, 3, bob);
    }

    function test_buy_revertsAfterTheWindowStarts() public {
        vm.warp(start);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowStarted.selector, id, start, start));
        market.buy(id, 1, alice);
    }

    function test_buy_revertsOnZeroUnknownOrUnbonded() public {
        vm.startPrank(alice);
        vm.expectRevert(IComputeMarket.ComputeZeroAmount.selector);
        market.buy(id, 0, alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeUnknownWindow.selector, id + 1));
        market.buy(id + 1, 1, alice);
        vm.stopPrank();
        vm.prank(provider);
        market.withdrawBond(clusterId, 995e6, provider);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeBondInsufficient.selector, clusterId, 5e6, 6e6));
        market.buy(id, 2, alice);
    }

    // --- redeem and expiry ---

    function test_redeem_burnsAndRecordsTheRedeemer() public {
        _buy(alice, 3);
        _redeem(alice, 2);
        assertEq(market.balanceOf(alice, id), 1, "left");
        assertEq(market.redeemedBy(id, alice), 2, "redeemed by");
        assertEq(market.getWindow(id).redeemed, 2, "redeemed");
    }

    function test_redeem_revertsForForeignCredits() public {
        _buy(alice, 3);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC1155Errors.ERC1155MissingApprovalForAll.selector, bob, alice));
        market.redeem(alice, id, 1, bytes32(0));
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC1155Errors.ERC1155InsufficientBalance.selector, bob, 0, 1, id));
        market.redeem(bob, id, 1, bytes32(0));
        vm.prank(alice);
        vm.expectRevert(IComputeMarket.ComputeZeroAmount.selector);
        market.redeem(alice, id, 0, bytes32(0));
    }

    function test_redeem_revertsWhenExpired() public {
        _buy(alice, 3);
        vm.warp(start + 7200);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeCreditsExpired.selector, id, start + 7200, start + 7200)
        );
        market.redeem(alice, id, 1, bytes32(0));
        assertEq(market.expiredCredits(id), 3, "expired");
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeCreditsExpired.selector, id, start + 7200, start + 7200)
        );
        market.safeTransferFrom(alice, bob, id, 1, "");
    }

    // --- recordDelivery ---

    function test_recordDelivery_burnsKwhRetiresRecsAndSettles() public {
        (uint256 big, uint256 bigId) = _bigWindow();
        _buyAndRedeem(bigId, alice, 1_500);
        kwh.mint(provider, _batch(0), 2_000_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        recs.mint(provider, 7, 1, ZONE, _vintage());
        vm.warp(start + 7200);
        // 1,000 GPUs at 1,000 Wh can draw at most 1 MWh in an hour: that is the most one hour's kWh can match.
        IComputeMarket.DeliveryReport memory r = _withRec(
            _withKwh(_report(1_450, 1_450_000), _batch(0), 400_000),
            7,
            1
        );
        // The lot is recorded in its event: 400 kWh hourly, 1 MWh by REC, 1,400,000 / 1,450,000 = 96.55% carbon-free.
        vm.expectEmit();
        emit IComputeMarket.DeliveryRecorded(bigId, big, 1_450, 1_500, 1_450_000, 400_000, 1_000_000, 9655);
        vm.prank(operator);
        market.recordDelivery(bigId, r);
        assertEq(market.getWindow(bigId).delivered, 1_450, "delivered");
        assertEq(kwh.balanceOf(provider, _batch(0)), 1_600_000, "kwh left");
        assertEq(recs.totalRetired(), 1, "retired");
        assertEq(market.refundOf(bigId, alice), 50e6, "refund of 50 GPU-hours at 1 USD");
        assertEq(market.getCluster(big).bondFree, 100_000e6 - 50e6, "bond released");
    }

    function test_recordDelivery_revertsForOthersAndBeforeTheEnd() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeNotOperator.selector, clusterId, alice));
        market.recordDelivery(id, _report(0, 0));
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeWindowNotEnded.selector, id, start + 7200, block.timestamp)
        );
        market.recordDelivery(id, _report(0, 0));
    }

    function test_recordDelivery_revertsOnBadReports() public {
        _buy(alice, 2);
        _redeem(alice, 2);
        kwh.mint(provider, _batch(0), 1_001, ZONE, IDeviceRegistry.DeviceKind.Solar);
        kwh.mint(provider, _batch(2), 1_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        uint256 otherZone = (uint256(2) << 64) | (start / 3600);
        kwh.mint(provider, otherZone, 1_000, "CAISO", IDeviceRegistry.DeviceKind.Solar);
        uint256 fossil = (uint256(3) << 64) | (start / 3600);
        kwh.mint(provider, fossil, 1_000, ZONE, IDeviceRegistry.DeviceKind.Fossil);
        vm.warp(start + 7200);
        vm.startPrank(operator);

        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeDeliveryExceedsRedeemed.selector, id, 2, 3));
        market.recordDelivery(id, _report(3, 0));
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeAttributionExceedsUsage.selector, id, 1_000, 1_001)
        );
        market.recordDelivery(id, _withKwh(_report(2, 1_000), _batch(0), 1_001));
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeKwhZoneMismatch.selector, otherZone, ZONE, bytes32("CAISO"))
        );
        market.recordDelivery(id, _withKwh(_report(2, 1_400), otherZone, 1_000));
        vm.expectRevert(
            abi.encodeWithSelector(
                IComputeMarket.ComputeKwhOutsideWindow.selector,
                _batch(2),
                uint256(start) + 7200,
                start,
                start + 7200
            )
        );
        market.recordDelivery(id, _withKwh(_report(2, 1_400), _batch(2), 1_000));
        vm.expectRevert(
            abi.encodeWithSelector(
                IComputeMarket.ComputeKwhNotCarbonFree.selector,
                fossil,
                IDeviceRegistry.DeviceKind.Fossil
            )
        );
        market.recordDelivery(id, _withKwh(_report(2, 1_400), fossil, 1_000));
        vm.stopPrank();

        assertFalse(market.getWindow(id).settled, "settled");
        assertEq(kwh.totalConsumedWh(), 0, "nothing burned");
    }

    function test_recordDelivery_capsEachHourAtTheClusterDraw() public {
        _buy(alice, 8);
        _redeem(alice, 8);
        uint256 otherDevice = (uint256(4) << 64) | (start / 3600);
        kwh.mint(provider, _batch(0), 5_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        kwh.mint(provider, _batch(1), 5_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        kwh.mint(provider, otherDevice, 5_000, ZONE, IDeviceRegistry.DeviceKind.Wind);
        vm.warp(start + 7200);
        vm.startPrank(operator);

        // One batch above what 4 GPUs at 700 Wh draw in an hour.
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeKwhExceedsHourlyDraw.selector, uint256(start), 2_801, 2_800)
        );
        market.recordDelivery(id, _withKwh(_report(8, 5_600), _batch(0), 2_801));

        // Two devices' batches of the same hour add up.
        IComputeMarket.DeliveryReport memory sameHour = _report(8, 5_600);
        sameHour.kwhBatchIds = new uint256[](2);
        sameHour.kwhAmountsWh = new uint256[](2);
        (sameHour.kwhBatchIds[0], sameHour.kwhBatchIds[1]) = (_batch(0), otherDevice);
        (sameHour.kwhAmountsWh[0], sameHour.kwhAmountsWh[1]) = (2_000, 1_000);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeKwhExceedsHourlyDraw.selector, uint256(start), 3_000, 2_800)
        );
        market.recordDelivery(id, sameHour);

        // Hours must come in order, or one hour's energy could be counted against another's cap.
        IComputeMarket.DeliveryReport memory unordered = _report(8, 5_600);
        unordered.kwhBatchIds = new uint256[](2);
        unordered.kwhAmountsWh = new uint256[](2);
        (unordered.kwhBatchIds[0], unordered.kwhBatchIds[1]) = (_batch(1), _batch(0));
        (unordered.kwhAmountsWh[0], unordered.kwhAmountsWh[1]) = (1_000, 1_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IComputeMarket.ComputeKwhNotInHourOrder.selector,
                _batch(0),
                uint256(start),
                uint256(start) + 3600
            )
        );
        market.recordDelivery(id, unordered);
        vm.stopPrank();

        assertFalse(market.getWindow(id).settled, "settled");
        assertEq(kwh.totalConsumedWh(), 0, "nothing burned");
    }

    function test_recordDelivery_revertsOnMalformedAttribution() public {
        _buy(alice, 2);
        _redeem(alice, 2);
        vm.warp(start + 7200);
        vm.startPrank(operator);
        vm.expectRevert(IComputeMarket.ComputeZeroAmount.selector);
        market.recordDelivery(id, _withKwh(_report(2, 1_400), _batch(0), 0));
        IComputeMarket.DeliveryReport memory r = _withKwh(_report(2, 1_400), _batch(0), 1_000);
        r.kwhAmountsWh = new uint256[](2);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeAttributionLengthMismatch.selector, 1, 2));
        market.recordDelivery(id, r);
        r = _report(2, 1_400);
        r.recIds = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeAttributionLengthMismatch.selector, 1, 0));
        market.recordDelivery(id, r);
        vm.stopPrank();
        assertFalse(market.getWindow(id).settled, "settled");
    }

    function test_recordDelivery_revertsWhenRecordedTwiceOrLate() public {
        _buy(alice, 2);
        _redeem(alice, 2);
        vm.warp(start + 7200);
        vm.prank(operator);
        market.recordDelivery(id, _report(2, 1_400));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeDeliveryAlreadyRecorded.selector, id));
        market.recordDelivery(id, _report(1, 700));

        vm.prank(provider);
        uint256 next = market.offerWindow(clusterId, start + 3 * 3600, 1, PRICE);
        uint256 deadline = start + 4 * 3600 + 7 days;
        vm.warp(deadline + 1);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeDeliveryPeriodOver.selector, next, deadline, deadline + 1)
        );
        market.recordDelivery(next, _report(0, 0));
    }

    // --- lapse and refunds ---

    function test_lapseDelivery_refundsEveryRedeemedHour() public {
        _buy(alice, 3);
        _buy(bob, 2);
        _redeem(alice, 3);
        _redeem(bob, 1);
        uint256 deadline = start + 7200 + 7 days;
        vm.warp(deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeDeliveryPeriodNotOver.selector, id, deadline, deadline)
        );
        market.lapseDelivery(id);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowNotSettled.selector, id));
        market.claimRefund(id, alice);
        vm.warp(deadline + 1);
        market.lapseDelivery(id);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeDeliveryAlreadyRecorded.selector, id));
        market.lapseDelivery(id);

        market.claimRefund(id, alice);
        market.claimRefund(id, bob);
        assertEq(usd.balanceOf(alice), 100e6, "alice refunded in full");
        assertEq(usd.balanceOf(bob), 97e6, "bob refunded his redeemed hour only");
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeNothingToRefund.selector, id, bob));
        market.claimRefund(id, bob);
        assertEq(market.getWindow(id).bondHeld, 0, "nothing held");
        assertEq(market.getCluster(clusterId).bondFree, 988e6, "bond after refunds");
    }

    function test_claimRefund_paysTheRoundingDustToTheLastRedeemer() public {
        vm.prank(provider);
        id = market.offerWindow(clusterId, start + 7200, 1, 1_000_001);
        _buy(alice, 1);
        _buy(bob, 2);
        _redeem(alice, 1);
        _redeem(bob, 2);
        vm.warp(start + 3 * 3600);
        vm.prank(operator);
        market.recordDelivery(id, _report(2, 1_400)); // one of three hours undelivered: 1,000,001 split 1:2
        market.claimRefund(id, alice);
        assertEq(market.getWindow(id).bondHeld, 666_668, "held for bob");
        assertEq(market.refundOf(id, bob), 666_668, "bob's share is all that is left");
        market.claimRefund(id, bob);
        assertEq(usd.balanceOf(alice), 100e6 - 1_000_001 + 333_333, "alice");
        assertEq(usd.balanceOf(bob), 100e6 - 2_000_002 + 666_668, "bob");
        assertEq(market.getWindow(id).bondHeld, 0, "nothing stranded");
        (uint256 proceeds, ) = market.proceedsOf(payout);
        assertEq(usd.balanceOf(address(market)), market.getCluster(clusterId).bondFree + proceeds, "solvent");
    }

    /// A refund that rounds to zero is still claimed (its GPU-hours leave the window's books), so the bond held for a
    /// window always drains to zero and no dust is stranded. On a proportional-to-the-total split the three 1/3 unit
    /// refunds each round to zero and the unit stays locked for good.
    function test_claimRefund_consumesRefundsThatRoundToZero() public {
        address carol = address(0xC1);
        _fund(carol, 100e6);
        vm.prank(provider);
        id = market.offerWindow(clusterId, start + 7200, 1, 1);
        _buy(alice, 1);
        _buy(bob, 1);
        _buy(carol, 1);
        _redeem(alice, 1);
        _redeem(bob, 1);
        _redeem(carol, 1);
        vm.warp(start + 3 * 3600);
        vm.prank(operator);
        market.recordDelivery(id, _report(2, 1_400)); // one unit owed, split three ways
        assertEq(market.getWindow(id).bondHeld, 1, "one unit held");
        assertEq(market.claimRefund(id, alice), 0, "alice's third rounds to zero");
        assertEq(market.redeemedBy(id, alice), 0, "alice's claim is consumed");
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeNothingToRefund.selector, id, alice));
        market.claimRefund(id, alice);
        assertEq(market.claimRefund(id, bob), 0, "bob's half rounds to zero");
        assertEq(market.claimRefund(id, carol), 1, "carol takes the rest");
        IComputeMarket.Window memory window = market.getWindow(id);
        assertEq(window.bondHeld, 0, "nothing stranded");
        assertEq(window.unclaimedRedeemed, 0, "every redeemer settled");
    }

    function test_claimRefund_revertsWhenEverythingWasDelivered() public {
        _buy(alice, 2);
        _redeem(alice, 2);
        vm.warp(start + 7200);
        vm.prank(operator);
        market.recordDelivery(id, _report(2, 1_400));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeNothingToRefund.selector, id, alice));
        market.claimRefund(id, alice);
    }
}

/// @notice Issue-driven cases: delivery physics and REC origin, the redemption cap at the window's edges, proceeds
/// that accrue instead of being forwarded inside a sale.
contract ComputeMarketLifecycleTest is ComputeMarketBase {
    // --- physics bounds on the energy reported ---

    function test_recordDelivery_revertsWhenTheEnergyIsOutsideThePhysicalBounds() public {
        _buy(alice, 4);
        _redeem(alice, 4);
        vm.warp(start + 7200);
        vm.startPrank(operator);
        // 3 GPU-hours at 500 to 700 Wh each: 1,500 to 2,100 Wh. A tiny figure would show the lot 100% carbon-free.
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeEnergyBelowMinimum.selector, id, 1, 1_500));
        market.recordDelivery(id, _report(3, 1));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeEnergyAboveMaximum.selector, id, 2_101, 2_100));
        market.recordDelivery(id, _report(3, 2_101));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeEnergyAboveMaximum.selector, id, 1, 0));
        market.recordDelivery(id, _report(0, 1));
        vm.expectEmit();
        emit IComputeMarket.DeliveryRecorded(id, clusterId, 3, 4, 1_500, 0, 0, 0);
        market.recordDelivery(id, _report(3, 1_500));
        vm.stopPrank();
        assertTrue(market.getWindow(id).settled, "recorded at the bound");
    }

    // --- RECs: same zone, vintage month of the window ---

    function test_recordDelivery_revertsForRecsOfAnotherZoneOrVintage() public {
        (, uint256 bigId) = _bigWindow();
        _buyAndRedeem(bigId, alice, 1_500);
        uint64 vintage = _vintage();
        uint64 nextYear = vintage + 100;
        recs.mint(provider, 7, 1, "CAISO", vintage);
        recs.mint(provider, 8, 1, ZONE, nextYear);
        recs.mint(provider, 9, 1, ZONE, vintage);
        vm.warp(start + 7200);
        vm.startPrank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeRecZoneMismatch.selector, 7, ZONE, bytes32("CAISO"))
        );
        market.recordDelivery(bigId, _withRec(_report(1_500, 1_500_000), 7, 1));
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeRecVintageMismatch.selector, 8, nextYear, vintage, vintage)
        );
        market.recordDelivery(bigId, _withRec(_report(1_500, 1_500_000), 8, 1));
        market.recordDelivery(bigId, _withRec(_report(1_500, 1_500_000), 9, 1));
        vm.stopPrank();
        assertEq(recs.totalRetired(), 1, "the matching REC was retired");
    }

    function test_recordDelivery_acceptsRecsOfBothMonthsOfAWindowAcrossAMonthEnd() public {
        // A 3-hour window from 23:00 UTC on the last day of a month into the next month.
        (uint256 year, uint256 month) = Calendar.yearMonth(block.timestamp);
        (uint256 nextYear, uint256 nextMonth) = month == 12 ? (year + 1, uint256(1)) : (year, month + 1);
        uint64 monthEnd = uint64(Calendar.monthStart(nextYear, nextMonth));
        IComputeMarket.ClusterRegistration memory r = _registration();
        r.gpuCount = 1_000;
        r.maxWhPerGpuHour = 1_000;
        vm.prank(provider);
        uint256 big = market.registerCluster(r);
        _fund(provider, 100_000e6);
        vm.startPrank(provider);
        market.postBond(big, 100_000e6);
        uint256 crossing = market.offerWindow(big, monthEnd - 3600, 3, 1e6);
        vm.stopPrank();
        _buyAndRedeem(crossing, alice, 2_000);
        uint64 first = uint64(year * 100 + month);
        uint64 last = uint64(nextYear * 100 + nextMonth);
        recs.mint(provider, 7, 1, ZONE, first);
        recs.mint(provider, 8, 1, ZONE, last);
        vm.warp(monthEnd + 2 * 3600);
        IComputeMarket.DeliveryReport memory report = _report(2_000, 2_000_000);
        report.recIds = new uint256[](2);
        report.recAmounts = new uint256[](2);
        (report.recIds[0], report.recIds[1]) = (7, 8);
        (report.recAmounts[0], report.recAmounts[1]) = (1, 1);
        // Both months' RECs count: 2 MWh matched of 2 MWh used.
        vm.expectEmit();
        emit IComputeMarket.DeliveryRecorded(crossing, big, 2_000, 2_000, 2_000_000, 0, 2_000_000, 10_000);
        vm.prank(operator);
        market.recordDelivery(crossing, report);
    }

    // --- the redemption cap ---

    /// Redeeming every unused credit one second before the end (issue 18, case 1) is rejected: nothing can run in a
    /// second, so the credits expire instead of turning into refunds from the bond.
    function test_redeem_revertsForCreditsThatCanNoLongerBeServed() public {
        _buy(alice, 8);
        uint64 end = start + 7200;
        vm.warp(end - 1);
        assertEq(market.redeemableNow(id), 0, "nothing servable");
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeRedemptionExceedsServable.selector, id, 8, 0, end - 1)
        );
        market.redeem(alice, id, 8, bytes32(0));
        vm.warp(end + 7 days + 1);
        market.lapseDelivery(id);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeNothingToRefund.selector, id, alice));
        market.claimRefund(id, alice);
        assertEq(market.getCluster(clusterId).bondFree, 1_000e6, "the bond pays nothing");
        assertEq(market.expiredCredits(id), 8, "expired");
    }

    function test_redeem_capsByWholeHoursLeftCountingEarlierRedemptions() public {
        _buy(alice, 6);
        _buy(bob, 2);
        assertEq(market.redeemableNow(id), 8, "before the start: the whole window");
        vm.warp(start + 1); // one whole hour left: 4 GPU-hours
        assertEq(market.redeemableNow(id), 4, "one hour left");
        _redeem(alice, 3);
        assertEq(market.redeemableNow(id), 1, "one GPU-hour left to schedule");
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeRedemptionExceedsServable.selector, id, 2, 1, start + 1)
        );
        market.redeem(bob, id, 2, bytes32(0));
        _redeem(bob, 1);
        assertEq(market.redeemableNow(id), 0, "the last hour is full");
        assertEq(market.getWindow(id).redeemed, 4, "redeemed");
    }

    function test_redeem_earlierHoursDoNotBlockLaterOnes() public {
        _buy(alice, 4);
        _buy(bob, 4);
        vm.warp(start);
        _redeem(alice, 4); // runs in the first hour
        vm.warp(start + 3600);
        assertEq(market.redeemableNow(id), 4, "the second hour is free");
        _redeem(bob, 4);
        assertEq(market.redeemableNow(id), 0, "full");
    }

    /// Property (issue 18): around the window's start and end (t-1, t, t+1), redeeming later never earns a larger
    /// refund than redeeming in good time, and the bond never refunds a GPU-hour that could not be served.
    function testFuzz_redeem_noGainFromRedeemingLate(uint8 edge, uint64 gpuHours, uint64 delivered) public {
        gpuHours = uint64(bound(gpuHours, 1, 8));
        uint256[6] memory times = [
            uint256(start) - 1,
            start,
            uint256(start) + 1,
            uint256(start) + 7199,
            uint256(start) + 7200,
            uint256(start) + 7201
        ];
        uint256 late = times[edge % 6];
        uint256 inGoodTime = _refundRedeemingAt(start - 1, gpuHours, delivered);
        uint256 atLate = _refundRedeemingAt(late, gpuHours, delivered);
        assertLe(atLate, inGoodTime, "late redemption refunded more");
        // Whatever was redeemed could be served: GPU count x whole hours left at the redemption time.
        uint256 hoursLeft =
            late < start
                ? 2
                : late >= start + 7200
                    ? 0
                    : (start + 7200 - late) / 3600;
        assertLe(atLate, uint256(4 * hoursLeft) * PRICE, "refund for hours that could not be served");
    }

    /// @dev On a fresh deployment, redeems `gpuHours` of 8 credits at `t` (if the market lets it), settles with
    /// `deliveredSeed` of them delivered and returns the refund.
    function _refundRedeemingAt(uint256 t, uint64 gpuHours, uint64 deliveredSeed) private returns (uint256 refund) {
        setUp();
        _buy(alice, 8);
        vm.warp(t);
        vm.prank(alice);
        try market.redeem(alice, id, gpuHours, bytes32(0)) {} catch {}
        vm.warp(start + 7200);
        uint64 redeemed = market.getWindow(id).redeemed;
        uint64 delivered = uint64(deliveredSeed % (uint256(redeemed) + 1));
        vm.prank(operator);
        market.recordDelivery(id, _report(delivered, uint256(delivered) * 600));
        refund = market.refundOf(id, alice);
        if (refund != 0) assertEq(market.claimRefund(id, alice), refund, "claimed");
    }

    // --- fee-on-transfer stablecoins ---

    function test_postBondAndBuy_revertWhenLessArrivesThanWasPaid() public {
        SwitchableFeeToken fee = new SwitchableFeeToken();
        ComputeMarket feeMarket = new ComputeMarket(
            IERC20(address(fee)),
            IMeteredEnergy(address(kwh)),
            IRenewableCertificates(address(recs))
        );
        vm.startPrank(provider);
        uint256 a = feeMarket.registerCluster(_registration());
        uint256 b = feeMarket.registerCluster(_registration());
        fee.approve(address(feeMarket), type(uint256).max);
        fee.mint(provider, 2_000e6);
        feeMarket.postBond(a, 1_000e6); // no fee yet: credited in full
        uint256 windowB = feeMarket.offerWindow(b, start, 2, PRICE);
        fee.setFeeBps(100); // the token starts charging 1% mid-life
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeTransferShortfall.selector, 1_000e6, 990e6));
        feeMarket.postBond(b, 1_000e6);
        vm.stopPrank();
        fee.mint(alice, 100e6);
        vm.startPrank(alice);
        fee.approve(address(feeMarket), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeBondInsufficient.selector, b, 0, 3e6));
        feeMarket.buy(windowB, 1, alice);
        vm.stopPrank();
        vm.prank(provider);
        uint256 windowA = feeMarket.offerWindow(a, start, 2, PRICE);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeTransferShortfall.selector, 3e6, 2_970_000));
        feeMarket.buy(windowA, 1, alice);
        // The books still match the balance: cluster a's bond is all there, cluster b has none.
        assertEq(fee.balanceOf(address(feeMarket)), 1_000e6, "balance");
        assertEq(feeMarket.getCluster(a).bondFree, 1_000e6, "a");
        assertEq(feeMarket.getCluster(b).bondFree, 0, "b");
    }

    // --- proceeds accrue; a payee that reverts blocks only itself ---

    function test_buy_succeedsWhileThePayeeRefusesRevenue() public {
        RefusingIntake refusing = new RefusingIntake(address(usd));
        vm.prank(provider);
        market.setPayout(clusterId, address(refusing), true);
        _buy(alice, 2); // the sale does not touch the payee
        assertEq(market.balanceOf(alice, id), 2, "credits");
        vm.expectRevert(RefusingIntake.RefusingIntakeClosed.selector);
        market.pushProceeds(address(refusing));
        (, uint256 owed) = market.proceedsOf(address(refusing));
        assertEq(owed, 6e6, "still owed");

        // Another payee is unaffected.
        vm.prank(provider);
        market.setPayout(clusterId, payout, false);
        _buy(bob, 1);
        assertEq(market.pushProceeds(payout), 3e6, "other payee paid");
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeNothingToClaim.selector, payout));
        market.pushProceeds(payout);

        // The refusing payee can still take its money out itself.
        vm.prank(address(refusing));
        assertEq(market.claimProceeds(address(0xCAFE)), 6e6, "pulled");
        assertEq(usd.balanceOf(address(0xCAFE)), 6e6, "received");
        vm.prank(address(refusing));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeNothingToClaim.selector, address(refusing)));
        market.claimProceeds(address(refusing));
    }

    function test_pushProceeds_revertsWhenTheIntakeTakesLessThanItIsPaid() public {
        HalfPullIntake half = new HalfPullIntake(address(usd));
        vm.prank(provider);
        market.setPayout(clusterId, address(half), true);
        _buy(alice, 2);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeTransferShortfall.selector, 6e6, 3e6));
        market.pushProceeds(address(half));
        (, uint256 owed) = market.proceedsOf(address(half));
        assertEq(owed, 6e6, "still owed");
    }
}
