// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ComputeMarket} from "../../contracts/compute/ComputeMarket.sol";
import {IComputeMarket} from "../../contracts/interfaces/IComputeMarket.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../../contracts/interfaces/IRenewableCertificates.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";
import {MockKwh, MockRecs} from "./ComputeMocks.sol";

/// @notice Drives one 8-GPU cluster through offers, sales, transfers, redemptions, deliveries with kWh and RECs,
/// lapses and refunds, with bounded inputs, and keeps the ghost totals the invariants compare against.
contract ComputeMarketHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 private constant ZONE = "ERCOT-NORTH";

    ComputeMarket public immutable market;
    TestStablecoin public immutable usd;
    MockKwh public immutable kwh;
    MockRecs public immutable recs;
    uint256 public immutable clusterId;
    address public constant PROVIDER = address(0xB0);
    address public constant PAYOUT = address(0xFA);
    address[3] public buyers = [address(0x1001), address(0x1002), address(0x1003)];
    uint256[] public windows;

    uint256 public ghostBondPosted;
    uint256 public ghostBondWithdrawn;
    uint256 public ghostRefundsPaid;
    uint256 public ghostSalesValue;
    uint256 public ghostWhHourly;
    uint256 public ghostWhRec;

    constructor(ComputeMarket market_, TestStablecoin usd_, MockKwh kwh_, MockRecs recs_, uint256 clusterId_) {
        market = market_;
        usd = usd_;
        kwh = kwh_;
        recs = recs_;
        clusterId = clusterId_;
        for (uint256 i; i < 3; ++i) {
            VM.prank(buyers[i]);
            usd.approve(address(market), type(uint256).max);
        }
        VM.startPrank(PROVIDER);
        usd.approve(address(market), type(uint256).max);
        kwh.setApprovalForAll(address(market), true);
        recs.setApprovalForAll(address(market), true);
        market.postBond(clusterId, 1e12);
        VM.stopPrank();
        ghostBondPosted = 1e12;
        offer(0, 3e6);
        offer(2, 2e6);
    }

    function windowCount() external view returns (uint256) {
        return windows.length;
    }

    function postBond(uint256 amount) external {
        amount = 1 + (amount % 1e9);
        VM.prank(PROVIDER);
        market.postBond(clusterId, amount);
        ghostBondPosted += amount;
    }

    function withdrawBond(uint256 amount) external {
        uint256 free = market.getCluster(clusterId).bondFree;
        if (free == 0) return;
        amount = 1 + (amount % free);
        VM.prank(PROVIDER);
        market.withdrawBond(clusterId, amount, PROVIDER);
        ghostBondWithdrawn += amount;
    }

    function offer(uint256 hoursSeed, uint256 priceSeed) public {
        if (windows.length >= 8) return;
        uint64 start = uint64((block.timestamp / 3600 + 1) * 3600);
        uint64 offeredUntil = market.getCluster(clusterId).offeredUntil;
        if (start < offeredUntil) start = offeredUntil;
        VM.prank(PROVIDER);
        windows.push(market.offerWindow(clusterId, start, uint64(1 + (hoursSeed % 3)), uint128(1 + (priceSeed % 5e6))));
    }

    function buy(uint256 buyerSeed, uint256 windowSeed, uint256 amount) external {
        if (windows.length == 0) return;
        uint256 id = windows[windowSeed % windows.length];
        IComputeMarket.Window memory window = market.getWindow(id);
        if (block.timestamp >= window.start || window.sold == window.capacity) return;
        uint256 affordable = market.getCluster(clusterId).bondFree / window.pricePerGpuHour;
        uint256 room = window.capacity - window.sold;
        if (affordable < room) room = affordable;
        if (room == 0) return;
        amount = 1 + (amount % room);
        address buyer = buyers[buyerSeed % 3];
        VM.prank(buyer);
        ghostSalesValue += market.buy(id, uint64(amount), buyer);
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 windowSeed, uint256 amount) external {
        if (windows.length == 0) return;
        uint256 id = windows[windowSeed % windows.length];
        address from = buyers[fromSeed % 3];
        uint256 balance = market.balanceOf(from, id);
        if (balance == 0 || block.timestamp >= market.getWindow(id).end) return;
        VM.prank(from);
        market.safeTransferFrom(from, buyers[toSeed % 3], id, 1 + (amount % balance), "");
    }

    function redeem(uint256 holderSeed, uint256 windowSeed, uint256 amount) external {
        if (windows.length == 0) return;
        uint256 id = windows[windowSeed % windows.length];
        address holder = buyers[holderSeed % 3];
        uint256 balance = market.balanceOf(holder, id);
        if (balance == 0 || block.timestamp >= market.getWindow(id).end) return;
        VM.prank(holder);
        market.redeem(holder, id, uint64(1 + (amount % balance)), bytes32(amount));
    }

    function warp(uint256 seconds_) external {
        // Mostly short steps through the windows; now and then past the delivery period.
        seconds_ = seconds_ % 16 == 0 ? 8 days : seconds_ % 1 hours;
        VM.warp(block.timestamp + seconds_);
    }

    function deliver(
        uint256 windowSeed,
        uint256 deliveredSeed,
        uint256 kwhSeed,
        uint256 recSeed,
        uint256 extra
    ) external {
        if (windows.length == 0) return;
        uint256 id = windows[windowSeed % windows.length];
        IComputeMarket.Window memory window = market.getWindow(id);
        if (window.settled || block.timestamp > window.end + 7 days) return;
        if (block.timestamp < window.end) VM.warp(window.end); // the provider waits for the window to end
        IComputeMarket.DeliveryReport memory report;
        report.gpuHoursDelivered = uint64(deliveredSeed % (uint256(window.redeemed) + 1));
        uint256 whKwh = kwhSeed % 3e6;
        uint256 recCount = recSeed % 3;
        if (whKwh != 0) {
            uint256 batch = (uint256(1) << 64) | (window.start / 3600);
            kwh.mint(PROVIDER, batch, whKwh, ZONE, IDeviceRegistry.DeviceKind.Solar);
            report.kwhBatchIds = new uint256[](1);
            report.kwhAmountsWh = new uint256[](1);
            report.kwhBatchIds[0] = batch;
            report.kwhAmountsWh[0] = whKwh;
        }
        if (recCount != 0) {
            recs.mint(PROVIDER, 7, recCount);
            report.recIds = new uint256[](1);
            report.recAmounts = new uint256[](1);
            report.recIds[0] = 7;
            report.recAmounts[0] = recCount;
        }
        report.whUsed = whKwh + recCount * 1e6 + (extra % 1e6);
        VM.prank(PROVIDER);
        market.recordDelivery(id, report);
        ghostWhHourly += whKwh;
        ghostWhRec += recCount * 1e6;
    }

    function lapse(uint256 windowSeed) external {
        if (windows.length == 0) return;
        uint256 id = windows[windowSeed % windows.length];
        IComputeMarket.Window memory window = market.getWindow(id);
        if (window.settled || block.timestamp <= window.end + 7 days) return;
        market.lapseDelivery(id);
    }

    function claim(uint256 windowSeed) external {
        if (windows.length == 0) return;
        uint256 id = windows[windowSeed % windows.length];
        for (uint256 i; i < 3; ++i) {
            if (market.refundOf(id, buyers[i]) != 0) ghostRefundsPaid += market.claimRefund(id, buyers[i]);
        }
    }
}

contract ComputeMarketInvariantTest is Test {
    ComputeMarket private market;
    TestStablecoin private usd;
    MockKwh private kwh;
    MockRecs private recs;
    ComputeMarketHandler private handler;

    function setUp() public {
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
        address provider = address(0xB0);
        vm.prank(provider);
        uint256 clusterId = market.registerCluster(
            IComputeMarket.ClusterRegistration({
                gpuClass: "H100-SXM",
                gpuCount: 8,
                gridZone: "ERCOT-NORTH",
                whPerGpuHour: 700,
                operator: provider,
                payout: address(0xFA),
                payoutIsIntake: false
            })
        );
        usd.mint(provider, 1e15);
        for (uint160 i = 0x1001; i <= 0x1003; ++i) usd.mint(address(i), 1e15);
        handler = new ComputeMarketHandler(market, usd, kwh, recs, clusterId);
        targetContract(address(handler));
    }

    function invariant_creditsSoldNeverExceedCapacity() public view {
        for (uint256 i; i < handler.windowCount(); ++i) {
            IComputeMarket.Window memory window = market.getWindow(handler.windows(i));
            assertLe(window.sold, window.capacity, "sold > capacity");
        }
    }

    function invariant_redeemedPlusExpiredPlusHeldEqualsSold() public view {
        for (uint256 i; i < handler.windowCount(); ++i) {
            uint256 id = handler.windows(i);
            IComputeMarket.Window memory window = market.getWindow(id);
            uint256 expired = market.expiredCredits(id);
            uint256 held = block.timestamp < window.end ? market.totalSupply(id) : 0;
            uint256 heldByBuyers;
            for (uint256 b; b < 3; ++b) heldByBuyers += market.balanceOf(handler.buyers(b), id);
            assertEq(uint256(window.redeemed) + expired + held, window.sold, "redeemed + expired + held != sold");
            assertEq(heldByBuyers, market.totalSupply(id), "supply outside the buyers");
        }
    }

    function invariant_attributedEnergyWasBurnedOrRetiredOnce() public view {
        uint256 whHourly;
        uint256 whRec;
        for (uint256 i; i < handler.windowCount(); ++i) {
            IComputeMarket.DeliveryLot memory lot = market.getDeliveryLot(handler.windows(i));
            assertLe(lot.whHourlyMatched + lot.whRecMatched, lot.whUsed, "attributed > used");
            whHourly += lot.whHourlyMatched;
            whRec += lot.whRecMatched;
        }
        assertEq(whHourly, kwh.totalConsumedWh(), "hourly Wh != kWh burned");
        assertEq(whHourly, handler.ghostWhHourly(), "hourly Wh != kWh attributed");
        assertEq(whRec, recs.totalRetired() * 1e6, "REC Wh != RECs retired");
        assertEq(whRec, handler.ghostWhRec(), "REC Wh != RECs attributed");
    }

    function invariant_bondPaidOutNeverExceedsBondPosted() public view {
        uint256 held;
        for (uint256 i; i < handler.windowCount(); ++i) held += market.getWindow(handler.windows(i)).bondHeld;
        uint256 free = market.getCluster(handler.clusterId()).bondFree;
        assertLe(handler.ghostRefundsPaid() + handler.ghostBondWithdrawn(), handler.ghostBondPosted(), "paid > posted");
        assertEq(
            handler.ghostBondPosted() - handler.ghostRefundsPaid() - handler.ghostBondWithdrawn(),
            free + held,
            "bond not conserved"
        );
        assertEq(usd.balanceOf(address(market)), free + held, "market balance != bond");
    }

    function invariant_salesArePaidOutInFull() public view {
        assertEq(usd.balanceOf(handler.PAYOUT()), handler.ghostSalesValue(), "payout != sales");
    }
}

contract ComputeMarketHandlerTest is Test {
    /// @dev The handler can walk a sale all the way to a refund, so the invariant runs can reach it too.
    function test_handler_walksASaleToARefund() public {
        vm.warp(1_750_000_000);
        TestStablecoin usd = new TestStablecoin(address(this));
        MockKwh kwh = new MockKwh();
        MockRecs recs = new MockRecs();
        ComputeMarket market = new ComputeMarket(
            IERC20(address(usd)),
            IMeteredEnergy(address(kwh)),
            IRenewableCertificates(address(recs)),
            ""
        );
        vm.prank(address(0xB0));
        uint256 clusterId = market.registerCluster(
            IComputeMarket.ClusterRegistration({
                gpuClass: "H100-SXM",
                gpuCount: 8,
                gridZone: "ERCOT-NORTH",
                whPerGpuHour: 700,
                operator: address(0xB0),
                payout: address(0xFA),
                payoutIsIntake: false
            })
        );
        usd.mint(address(0xB0), 1e15);
        for (uint160 i = 0x1001; i <= 0x1003; ++i) usd.mint(address(i), 1e15);
        ComputeMarketHandler h = new ComputeMarketHandler(market, usd, kwh, recs, clusterId);
        h.buy(0, 0, 5);
        h.redeem(0, 0, 3);
        h.deliver(0, 0, 0, 0, 0);
        h.claim(0);
        assertGe(h.ghostRefundsPaid(), 1, "refunds");
    }
}
