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
import {ComputeRevenueSink} from "../../contracts/mocks/ComputeRevenueSink.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {MockKwh, MockRecs} from "./ComputeMocks.sol";

/// @notice Shared deployment: a market over mock kWh and REC tokens, one 4-GPU cluster with 1,000 USD of bond and a
/// two-hour window two hours from now at 3 USD per GPU-hour.
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
            IRenewableCertificates(address(recs)),
            ""
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
                whPerGpuHour: 700,
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
        r.whPerGpuHour = 0;
        vm.expectRevert(IComputeMarket.ComputeZeroEnergyPerGpuHour.selector);
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
        assertEq(market.clusterCount(), 1, "count");
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
        assertEq(sink.received(IRevenueIntake.RevenueSource.Compute), 6e6, "tagged revenue");
        assertEq(usd.balanceOf(address(sink)), 6e6, "sink balance");
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
        assertEq(usd.balanceOf(address(market)), 6e6, "held");
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

    function test_buy_paysThePayoutAndLocksBond() public {
        _buy(alice, 3);
        assertEq(usd.balanceOf(payout), 9e6, "payout");
        assertEq(usd.balanceOf(alice), 91e6, "alice");
        assertEq(market.balanceOf(alice, id), 3, "credits");
        assertEq(market.getWindow(id).bondHeld, 9e6, "bond held");
        assertEq(market.getCluster(clusterId).bondFree, 991e6, "bond free");
    }

    function test_buy_revertsWhenOversold() public {
        _buy(alice, 6);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowOversold.selector, id, 8, 6, 3));
        market.buy(id, 3, bob);
        assertEq(usd.balanceOf(bob), 100e6, "bob paid nothing");
        assertEq(market.getWindow(id).sold, 6, "sold");
    }

    function test_buy_revertsAfterTheWindowStarts() public {
        vm.warp(start);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeWindowStarted.selector, id, start, start));
        market.buy(id, 1, alice);
        assertEq(usd.balanceOf(alice), 100e6, "alice paid nothing");
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
        assertEq(usd.balanceOf(alice), 100e6, "alice paid nothing");
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
        assertEq(market.balanceOf(alice, id), 3, "untouched");
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
        assertEq(market.balanceOf(alice, id), 3, "untouched");
    }

    // --- recordDelivery ---

    function test_recordDelivery_burnsKwhRetiresRecsAndSettles() public {
        _buy(alice, 4);
        _redeem(alice, 4);
        kwh.mint(provider, _batch(0), 2_000_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        recs.mint(provider, 7, 1);
        vm.warp(start + 7200);
        // 4 GPUs at 700 Wh can draw at most 2,800 Wh in an hour: that is the most one hour's kWh can match.
        IComputeMarket.DeliveryReport memory r = _withKwh(_report(3, 4_000_000), _batch(0), 2_800);
        r.recIds = new uint256[](1);
        r.recAmounts = new uint256[](1);
        r.recIds[0] = 7;
        r.recAmounts[0] = 1;
        vm.prank(operator);
        market.recordDelivery(id, r);

        IComputeMarket.DeliveryLot memory lot = market.getDeliveryLot(id);
        assertEq(lot.whHourlyMatched, 2_800, "hourly");
        assertEq(lot.whRecMatched, 1_000_000, "recs");
        assertEq(lot.carbonFreeBps, 2507, "share"); // 1,002,800 / 4,000,000, rounded down
        assertEq(kwh.balanceOf(provider, _batch(0)), 1_997_200, "kwh left");
        assertEq(recs.totalRetired(), 1, "retired");
        assertEq(market.refundOf(id, alice), 3e6, "refund of one GPU-hour");
        assertEq(market.getCluster(clusterId).bondFree, 997e6, "bond released");
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
        assertFalse(market.getWindow(id).settled, "settled");
    }

    function test_recordDelivery_revertsOnBadReports() public {
        _buy(alice, 2);
        _redeem(alice, 2);
        kwh.mint(provider, _batch(0), 1_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        kwh.mint(provider, _batch(2), 1_000, ZONE, IDeviceRegistry.DeviceKind.Solar);
        uint256 otherZone = (uint256(2) << 64) | (start / 3600);
        kwh.mint(provider, otherZone, 1_000, "CAISO", IDeviceRegistry.DeviceKind.Solar);
        uint256 fossil = (uint256(3) << 64) | (start / 3600);
        kwh.mint(provider, fossil, 1_000, ZONE, IDeviceRegistry.DeviceKind.Fossil);
        vm.warp(start + 7200);
        vm.startPrank(operator);

        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeDeliveryExceedsRedeemed.selector, id, 2, 3));
        market.recordDelivery(id, _report(3, 0));
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeAttributionExceedsUsage.selector, id, 999, 1_000));
        market.recordDelivery(id, _withKwh(_report(2, 999), _batch(0), 1_000));
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeKwhZoneMismatch.selector, otherZone, ZONE, bytes32("CAISO"))
        );
        market.recordDelivery(id, _withKwh(_report(2, 5_000), otherZone, 1_000));
        vm.expectRevert(
            abi.encodeWithSelector(
                IComputeMarket.ComputeKwhOutsideWindow.selector,
                _batch(2),
                uint256(start) + 7200,
                start,
                start + 7200
            )
        );
        market.recordDelivery(id, _withKwh(_report(2, 5_000), _batch(2), 1_000));
        vm.expectRevert(
            abi.encodeWithSelector(
                IComputeMarket.ComputeKwhNotCarbonFree.selector,
                fossil,
                IDeviceRegistry.DeviceKind.Fossil
            )
        );
        market.recordDelivery(id, _withKwh(_report(2, 5_000), fossil, 1_000));
        vm.stopPrank();

        assertFalse(market.getWindow(id).settled, "settled");
        assertEq(kwh.totalConsumedWh(), 0, "nothing burned");
    }

    function test_recordDelivery_capsEachHourAtTheClusterDraw() public {
        _buy(alice, 2);
        _redeem(alice, 2);
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
        market.recordDelivery(id, _withKwh(_report(2, 10_000), _batch(0), 2_801));

        // Two devices' batches of the same hour add up.
        IComputeMarket.DeliveryReport memory sameHour = _report(2, 10_000);
        sameHour.kwhBatchIds = new uint256[](2);
        sameHour.kwhAmountsWh = new uint256[](2);
        (sameHour.kwhBatchIds[0], sameHour.kwhBatchIds[1]) = (_batch(0), otherDevice);
        (sameHour.kwhAmountsWh[0], sameHour.kwhAmountsWh[1]) = (2_000, 1_000);
        vm.expectRevert(
            abi.encodeWithSelector(IComputeMarket.ComputeKwhExceedsHourlyDraw.selector, uint256(start), 3_000, 2_800)
        );
        market.recordDelivery(id, sameHour);

        // Hours must come in order, or one hour's energy could be counted against another's cap.
        IComputeMarket.DeliveryReport memory unordered = _report(2, 10_000);
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
        market.recordDelivery(id, _withKwh(_report(2, 5_000), _batch(0), 0));
        IComputeMarket.DeliveryReport memory r = _withKwh(_report(2, 5_000), _batch(0), 1_000);
        r.kwhAmountsWh = new uint256[](2);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeAttributionLengthMismatch.selector, 1, 2));
        market.recordDelivery(id, r);
        r = _report(2, 5_000);
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
        market.recordDelivery(id, _report(2, 0));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IComputeMarket.ComputeDeliveryAlreadyRecorded.selector, id));
        market.recordDelivery(id, _report(1, 0));
        assertEq(market.getDeliveryLot(id).gpuHoursDelivered, 2, "first record stands");

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

    function test_claimRefund_returnsRoundingDustToTheBond() public {
        vm.prank(provider);
        id = market.offerWindow(clusterId, start + 7200, 1, 1_000_001);
        _buy(alice, 1);
        _buy(bob, 2);
        _redeem(alice, 1);
        _redeem(bob, 2);
        vm.warp(start + 3 * 3600);
        vm.prank(operator);
        market.recordDelivery(id, _report(2, 0)); // one of three hours undelivered: 1,000,001 split 1:2
        market.claimRefund(id, alice);
        assertEq(market.getWindow(id).bondHeld, 666_668, "held for bob");
        market.claimRefund(id, bob);
        assertEq(usd.balanceOf(alice), 100e6 - 1_000_001 + 333_333, "alice");
        assertEq(usd.balanceOf(bob), 100e6 - 2_000_002 + 666_667, "bob");
        assertEq(market.getWindow(id).bondHeld, 0, "dust released");
        assertEq(usd.balanceOf(address(market)), market.getCluster(clusterId).bondFree, "solvent");
    }
}
