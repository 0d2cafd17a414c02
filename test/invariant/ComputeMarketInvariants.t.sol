// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ComputeMarket} from "../../contracts/compute/ComputeMarket.sol";
import {IComputeMarket} from "../../contracts/interfaces/IComputeMarket.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../../contracts/interfaces/IRenewableCertificates.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {ReentrantReceiver} from "../../contracts/mocks/ReentrantReceiver.sol";
import {SwitchableFeeToken} from "../../contracts/mocks/SwitchableFeeToken.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";
import {MockKwh, MockRecs, ToggleIntake} from "../compute/ComputeMocks.sol";

/// @notice Drives two clusters through offers, sales (approve and permit paths), transfers, redemptions at the
/// windows' edges, deliveries with kWh and RECs, lapses, refunds and proceeds, over a stablecoin whose transfer fee
/// can be switched on mid-life and a payee that can close its revenue intake. A third party calls every permissionless
/// function and tries every guarded one; each attempt that must fail is made with `try`, and a success is counted in
/// `ghostForbidden`, which must stay zero. A contract buyer re-enters the market from its ERC-1155 receipt hook, and a
/// purchase for a contract without the hook must fail. Money ghosts are the balance changes measured on each party
/// (payer's decrease in; recipient's increase plus the fee burned out), never the market's return values; a call the
/// handler only makes when it must succeed counts a failure in `ghostStuck`, which must stay zero. `successes`
/// counts what each action achieved, for the reachability checks.
// solhint-disable-next-line max-states-count
contract ComputeMarketHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 public constant ZONE = "ERCOT-NORTH";
    address public constant PAYOUT = address(0xFA);
    address public constant ADVERSARY = address(0xBAD);
    uint256 public constant DELIVERY_PERIOD = 7 days;

    ComputeMarket public immutable market;
    SwitchableFeeToken public immutable usd;
    MockKwh public immutable kwh;
    MockRecs public immutable recs;
    ToggleIntake public immutable intake;
    address[2] public providers = [address(0xB0), address(0xB2)];
    uint256[2] public clusterIds;
    address[3] public buyers = [address(0x1001), address(0x1002), address(0x1003)];
    uint256[] public windows;

    // ghosts
    mapping(uint256 clusterId => uint256) public ghostBondPosted;
    mapping(uint256 clusterId => uint256) public ghostBondWithdrawn;
    mapping(uint256 clusterId => uint256) public ghostRefundsPaid;
    mapping(uint256 creditId => uint256) public ghostWindowRefunds;
    uint256 public ghostSalesValue;
    uint256 public ghostProceedsPaid;
    uint256 public ghostWhHourly;
    uint256 public ghostWhRec;
    /// @notice Each window's delivery lot as its accepted report stated it (the lot lives in its event).
    mapping(uint256 creditId => Lot) public lots;

    struct Lot {
        uint64 gpuHoursDelivered;
        uint256 whUsed;
        uint256 whHourlyMatched;
        uint256 whRecMatched;
    }
    /// @notice Successes of calls that must fail. Must stay zero.
    uint256 public ghostForbidden;
    string public lastForbidden;
    /// @notice Failures of calls whose conditions were all met. Must stay zero.
    uint256 public ghostStuck;
    string public lastStuck;
    mapping(string action => uint256) public successes;
    /// @notice The price each window was offered at, from the handler's own input.
    mapping(uint256 creditId => uint256) public offeredPrice;
    /// @notice A buyer that is a contract and re-enters `buy` from its ERC-1155 receipt hook.
    ReentrantReceiver public immutable contractBuyer = new ReentrantReceiver();

    constructor(
        ComputeMarket market_,
        SwitchableFeeToken usd_,
        MockKwh kwh_,
        MockRecs recs_,
        ToggleIntake intake_,
        uint256[2] memory clusterIds_
    ) {
        market = market_;
        usd = usd_;
        kwh = kwh_;
        recs = recs_;
        intake = intake_;
        clusterIds = clusterIds_;
        for (uint256 i; i < 3; ++i) {
            VM.prank(buyers[i]);
            usd.approve(address(market), type(uint256).max);
        }
        VM.prank(ADVERSARY);
        usd.approve(address(market), type(uint256).max);
        contractBuyer.execute(address(usd), abi.encodeCall(usd.approve, (address(market), type(uint256).max)));
        for (uint256 c; c < 2; ++c) {
            VM.startPrank(providers[c]);
            usd.approve(address(market), type(uint256).max);
            kwh.setApprovalForAll(address(market), true);
            recs.setApprovalForAll(address(market), true);
            market.postBond(clusterIds[c], 1e13);
            VM.stopPrank();
            ghostBondPosted[clusterIds[c]] = 1e13;
        }
        offer(0, 2, 3e6);
        offer(1, 1, 2e6);
    }

    function windowCount() external view returns (uint256) {
        return windows.length;
    }

    // --- bond ---

    /// The provider or a third party tops up a bond. Once the fee is on, every deposit must fail.
    function postBond(uint256 clusterSeed, uint256 amount, bool byThirdParty) external {
        uint256 clusterId = clusterIds[clusterSeed % 2];
        amount = 1 + (amount % 1e10);
        address from = byThirdParty ? ADVERSARY : providers[clusterSeed % 2];
        uint256 before = usd.balanceOf(from);
        VM.prank(from);
        try market.postBond(clusterId, amount) {
            if (_feeOf(amount) != 0) _forbidden("bond credited though less arrived");
            if (before - usd.balanceOf(from) != amount) _forbidden("bond took other than the amount");
            ghostBondPosted[clusterId] += before - usd.balanceOf(from);
            ++successes["postBond"];
        } catch {
            if (_feeOf(amount) == 0) _stuck("postBond");
        }
    }

    function withdrawBond(uint256 clusterSeed, uint256 amount) external {
        uint256 clusterId = clusterIds[clusterSeed % 2];
        uint256 free = market.getCluster(clusterId).bondFree;
        if (free == 0) return;
        amount = 1 + (amount % free);
        VM.prank(ADVERSARY);
        try market.withdrawBond(clusterId, amount, ADVERSARY) {
            _forbidden("a third party withdrew bond");
        } catch {}
        address provider = providers[clusterSeed % 2];
        (uint256 gained, uint256 burned) = (usd.balanceOf(provider), usd.totalSupply());
        VM.prank(provider);
        try market.withdrawBond(clusterId, amount, provider) {
            (gained, burned) = (usd.balanceOf(provider) - gained, burned - usd.totalSupply());
            if (gained + burned != amount) _forbidden("bond paid other than the amount");
            ghostBondWithdrawn[clusterId] += gained + burned;
            ++successes["withdrawBond"];
        } catch {
            _stuck("withdrawBond");
        }
    }

    // --- windows and credits ---

    function offer(uint256 clusterSeed, uint256 hoursSeed, uint256 priceSeed) public {
        if (windows.length >= 64) return;
        uint256 clusterId = clusterIds[clusterSeed % 2];
        uint64 start = uint64((block.timestamp / 3600 + 1 + (priceSeed % 12)) * 3600);
        uint64 offeredUntil = market.getCluster(clusterId).offeredUntil;
        if (start < offeredUntil) start = offeredUntil;
        VM.prank(ADVERSARY);
        try market.offerWindow(clusterId, start, 1, 1) {
            _forbidden("a third party offered a window");
        } catch {}
        uint128 price = uint128(1 + (priceSeed % 5e6));
        VM.prank(providers[clusterSeed % 2]);
        try market.offerWindow(clusterId, start, uint64(1 + (hoursSeed % 3)), price) returns (uint256 id) {
            windows.push(id);
            offeredPrice[id] = price;
            ++successes["offer"];
        } catch {
            _stuck("offer");
        }
    }

    function buy(uint256 buyerSeed, uint256 windowSeed, uint256 amount, bool withPermit) external {
        if (windows.length == 0) return;
        // Mostly a window still on sale; now and then any window, to try buying one that has started.
        uint256 id = amount % 8 == 0 ? windows[windowSeed % windows.length] : _pick(windowSeed, _ON_SALE, address(0));
        IComputeMarket.Window memory window = market.getWindow(id);
        address buyer = buyerSeed % 4 == 3 ? ADVERSARY : buyers[buyerSeed % 3];
        if (block.timestamp >= window.start) {
            VM.prank(buyer);
            try market.buy(id, 1, buyer) {
                _forbidden("bought after the window started");
            } catch {}
            return;
        }
        uint256 affordable = market.getCluster(id >> 64).bondFree / window.pricePerGpuHour;
        uint256 room = window.capacity - window.sold;
        if (affordable < room) room = affordable;
        if (room == 0) return;
        amount = 1 + (amount % room);
        uint256 cost = amount * offeredPrice[id];
        uint256 before = usd.balanceOf(buyer);
        VM.prank(buyer);
        if (withPermit) {
            // An empty permit fails inside the market, which then uses the buyer's allowance.
            try market.buyWithPermit(id, uint64(amount), buyer, block.timestamp, 0, 0, 0) {
                _sold(cost, before - usd.balanceOf(buyer), "buyWithPermit");
            } catch {
                if (_feeOf(cost) == 0) _stuck("buyWithPermit");
            }
        } else {
            try market.buy(id, uint64(amount), buyer) {
                _sold(cost, before - usd.balanceOf(buyer), "buy");
            } catch {
                if (_feeOf(cost) == 0) _stuck("buy");
            }
        }
        // Credits for a contract that cannot take ERC-1155 tokens must not be sold.
        VM.prank(buyer);
        try market.buy(id, 1, address(intake)) {
            _forbidden("sold credits to a contract without the receipt hook");
        } catch {}
    }

    /// A contract buyer whose receipt hook buys one more credit of the same window while the first purchase is
    /// being delivered: it pays the window price for every credit it holds, no more and no less.
    function buyReentrant(uint256 windowSeed, uint256 amount) external {
        if (windows.length == 0) return;
        uint256 id = _pick(windowSeed, _ON_SALE, address(0));
        IComputeMarket.Window memory window = market.getWindow(id);
        if (block.timestamp >= window.start) return;
        uint256 room = _min(window.capacity - window.sold, market.getCluster(id >> 64).bondFree / offeredPrice[id]);
        if (room < 2) return;
        amount = 1 + (amount % (room - 1));
        address self = address(contractBuyer);
        usd.mint(self, (amount + 1) * offeredPrice[id]);
        uint256 before = usd.balanceOf(self);
        uint256 heldBefore = market.balanceOf(self, id);
        uint256 reentered = contractBuyer.successes();
        contractBuyer.arm(address(market), abi.encodeCall(market.buy, (id, 1, self)));
        try contractBuyer.execute(address(market), abi.encodeCall(market.buy, (id, uint64(amount), self))) {
            uint256 bought = market.balanceOf(self, id) - heldBefore;
            if (bought != amount + contractBuyer.successes() - reentered) _forbidden("credits without a sale");
            _sold(bought * offeredPrice[id], before - usd.balanceOf(self), "buyReentrant");
        } catch {
            if (_feeOf(amount * offeredPrice[id]) == 0) _stuck("buyReentrant");
        }
    }

    /// @dev `cost` is what the handler expects from its inputs, `paid` the buyer's measured decrease.
    function _sold(uint256 cost, uint256 paid, string memory action) private {
        if (_feeOf(cost) != 0) _forbidden("sale credited though less arrived");
        if (paid != cost) _forbidden("charged other than price x amount");
        ghostSalesValue += paid;
        ++successes[action];
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 windowSeed, uint256 amount) external {
        if (windows.length == 0) return;
        address from = buyers[fromSeed % 3];
        uint256 id = _pick(windowSeed, _HELD, from);
        uint256 balance = market.balanceOf(from, id);
        if (balance == 0) return;
        amount = 1 + (amount % balance);
        VM.prank(ADVERSARY);
        try market.safeTransferFrom(from, ADVERSARY, id, amount, "") {
            _forbidden("a third party moved someone's credits");
        } catch {}
        VM.prank(from);
        try market.safeTransferFrom(from, buyers[toSeed % 3], id, amount, "") {
            if (block.timestamp >= market.getWindow(id).end) _forbidden("moved expired credits");
            ++successes["transfer"];
        } catch {}
    }

    /// Redeems up to the holder's balance, sometimes more than the cluster can still serve: the market must cap it.
    function redeem(uint256 holderSeed, uint256 windowSeed, uint256 amount) external {
        if (windows.length == 0) return;
        address holder = buyers[holderSeed % 3];
        uint256 id = _pick(windowSeed, _HELD, holder);
        uint256 balance = market.balanceOf(holder, id);
        if (balance == 0) return;
        uint256 servable = _servableByClock(id);
        uint256 cap = market.redeemableNow(id);
        // Mostly within the cap, now and then anything the holder has.
        amount = amount % 4 == 0 || cap == 0 ? 1 + (amount % balance) : 1 + (amount % _min(balance, cap));
        VM.prank(ADVERSARY);
        try market.redeem(holder, id, 1, bytes32(0)) {
            _forbidden("a third party redeemed someone's credits");
        } catch {}
        VM.prank(holder);
        try market.redeem(holder, id, uint64(amount), bytes32(amount)) {
            if (amount > servable || amount > cap) _forbidden("redeemed more than can be served");
            ++successes["redeem"];
        } catch {}
    }

    // --- the clock ---

    /// Mostly to the next window edge (a start, an end or a delivery deadline, -1, 0 or +1 second), sometimes a short
    /// step or past a delivery period.
    function warp(uint256 seed) external {
        uint256 mode = seed % 16;
        uint256 next = type(uint256).max;
        for (uint256 i; i < windows.length; ++i) {
            IComputeMarket.Window memory window = market.getWindow(windows[i]);
            uint256 edge =
                mode % 3 == 0
                    ? window.start
                    : mode % 3 == 1
                        ? window.end
                        : window.end + DELIVERY_PERIOD;
            uint256 target = edge - 1 + ((seed >> 16) % 3);
            if (target > block.timestamp && target < next) next = target;
        }
        if (mode == 0) VM.warp(block.timestamp + DELIVERY_PERIOD + 1 hours);
        else if (mode < 4 || next == type(uint256).max) VM.warp(block.timestamp + ((seed >> 8) % 1 hours));
        else VM.warp(next);
        ++successes["warp"];
    }

    // --- delivery and refunds ---

    /// A physically plausible report: energy between the cluster's bounds, kWh of the window's first hour within the
    /// hourly draw, RECs of the cluster's zone and the window's vintage for at most the rest. A third party's report
    /// and a report with a REC of another zone must fail.
    function deliver(uint256 windowSeed, uint256 deliveredSeed, uint256 energySeed, uint256 kwhSeed) external {
        if (windows.length == 0) return;
        uint256 id = _pick(windowSeed, _DELIVERABLE, address(0));
        IComputeMarket.Window memory window = market.getWindow(id);
        if (window.settled || block.timestamp > window.end + DELIVERY_PERIOD) return;
        bool early = block.timestamp < window.end; // then the provider tries one second early, and waits
        if (early) VM.warp(window.end - 1);
        IComputeMarket.Cluster memory cluster = market.getCluster(id >> 64);
        IComputeMarket.DeliveryReport memory report;
        report.gpuHoursDelivered = uint64(deliveredSeed % (uint256(window.redeemed) + 1));
        uint256 minWh = uint256(report.gpuHoursDelivered) * cluster.minWhPerGpuHour;
        uint256 maxWh = uint256(report.gpuHoursDelivered) * cluster.maxWhPerGpuHour;
        report.whUsed = minWh + (energySeed % (maxWh - minWh + 1));
        uint256 whKwh = _min(kwhSeed % (uint256(cluster.gpuCount) * cluster.maxWhPerGpuHour + 1), report.whUsed);
        uint256 recCount = (report.whUsed - whKwh) / 1e6;
        if (whKwh != 0) {
            uint256 batch = (uint256(1) << 64) | (window.start / 3600);
            kwh.mint(providers[_clusterIndex(id)], batch, whKwh, ZONE, IDeviceRegistry.DeviceKind.Solar);
            report.kwhBatchIds = new uint256[](1);
            report.kwhAmountsWh = new uint256[](1);
            report.kwhBatchIds[0] = batch;
            report.kwhAmountsWh[0] = whKwh;
        }
        if (recCount != 0) {
            uint64 vintage = EnergyIds.vintageOfHour(window.start / 3600);
            uint256 recId = (uint256(2) << 64) | vintage;
            recs.mint(providers[_clusterIndex(id)], recId, recCount, ZONE, vintage);
            recs.mint(providers[_clusterIndex(id)], recId + 1, 1, "CAISO", vintage);
            report.recIds = new uint256[](1);
            report.recAmounts = new uint256[](1);
            report.recIds[0] = recId + 1;
            report.recAmounts[0] = 1;
            VM.prank(providers[_clusterIndex(id)]);
            try market.recordDelivery(id, report) {
                _forbidden("a REC of another zone was accepted");
            } catch {}
            report.recIds[0] = recId;
            report.recAmounts[0] = recCount;
        }
        _tryForbiddenReports(id, window.end, early, report);
        if (block.timestamp == window.end + DELIVERY_PERIOD) _tryOneSecondLate(id, window.end, report);
        VM.prank(providers[_clusterIndex(id)]);
        try market.recordDelivery(id, report) {
            lots[id] = Lot(report.gpuHoursDelivered, report.whUsed, whKwh, recCount * 1e6);
            ghostWhHourly += whKwh;
            ghostWhRec += recCount * 1e6;
            ++successes["deliver"];
        } catch {
            _stuck("deliver");
        }
    }

    /// @dev A third party's report must fail, and so must the provider's one second before the window ends (then the
    /// clock moves to the end, where the report is in time).
    function _tryForbiddenReports(
        uint256 id,
        uint64 end,
        bool early,
        IComputeMarket.DeliveryReport memory report
    ) private {
        VM.prank(ADVERSARY);
        try market.recordDelivery(id, report) {
            _forbidden("a third party recorded delivery");
        } catch {}
        if (!early) return;
        VM.prank(providers[_clusterIndex(id)]);
        try market.recordDelivery(id, report) {
            _forbidden("delivery recorded before the window ended");
        } catch {}
        VM.warp(end);
    }

    /// @dev At the last second of the delivery period the report is still in time; one second later it must fail.
    function _tryOneSecondLate(uint256 id, uint64 end, IComputeMarket.DeliveryReport memory report) private {
        VM.warp(end + DELIVERY_PERIOD + 1);
        VM.prank(providers[_clusterIndex(id)]);
        try market.recordDelivery(id, report) {
            _forbidden("delivery recorded after the delivery period");
        } catch {}
        VM.warp(end + DELIVERY_PERIOD);
    }

    function lapse(uint256 windowSeed) external {
        if (windows.length == 0) return;
        uint256 id = _pick(windowSeed, _UNSETTLED, address(0));
        IComputeMarket.Window memory window = market.getWindow(id);
        if (window.settled) return;
        VM.prank(ADVERSARY);
        try market.lapseDelivery(id) {
            if (block.timestamp <= window.end + DELIVERY_PERIOD) _forbidden("lapsed inside the delivery period");
            ++successes["lapse"];
        } catch {}
    }

    /// The third party claims refunds on the redeemers' behalf; the money always goes to the redeemer.
    function claim(uint256 windowSeed) external {
        if (windows.length == 0) return;
        uint256 id = _pick(windowSeed, _SETTLED, address(0));
        for (uint256 i; i < 3; ++i) {
            (uint256 gained, uint256 burned) = (usd.balanceOf(buyers[i]), usd.totalSupply());
            uint256 adversaryBefore = usd.balanceOf(ADVERSARY);
            VM.prank(ADVERSARY);
            try market.claimRefund(id, buyers[i]) {
                (gained, burned) = (usd.balanceOf(buyers[i]) - gained, burned - usd.totalSupply());
                if (usd.balanceOf(ADVERSARY) != adversaryBefore) _forbidden("a refund paid the caller");
                ghostRefundsPaid[id >> 64] += gained + burned;
                ghostWindowRefunds[id] += gained + burned;
                ++successes["claimRefund"];
            } catch {}
        }
    }

    // --- proceeds ---

    function pushProceeds(bool toIntake) external {
        uint256 before = _payeesAndBurned();
        VM.prank(ADVERSARY);
        try market.pushProceeds(toIntake ? address(intake) : PAYOUT) {
            ghostProceedsPaid += _payeesAndBurned() - before;
            ++successes["pushProceeds"];
        } catch {}
    }

    function claimProceeds() external {
        VM.prank(ADVERSARY);
        try market.claimProceeds(ADVERSARY) {
            _forbidden("a third party claimed proceeds");
        } catch {}
        uint256 before = _payeesAndBurned();
        VM.prank(PAYOUT);
        try market.claimProceeds(PAYOUT) {
            ghostProceedsPaid += _payeesAndBurned() - before;
            ++successes["claimProceeds"];
        } catch {}
    }

    // --- the world changes ---

    function switchFee(bool on) external {
        usd.setFeeBps(on ? 100 : 0);
        ++successes["switchFee"];
    }

    function closeIntake(bool closed) external {
        intake.setClosed(closed);
        ++successes["closeIntake"];
    }

    function setPayout(uint256 clusterSeed, bool toIntake) external {
        uint256 clusterId = clusterIds[clusterSeed % 2];
        VM.prank(ADVERSARY);
        try market.setPayout(clusterId, ADVERSARY, false) {
            _forbidden("a third party redirected proceeds");
        } catch {}
        VM.prank(providers[clusterSeed % 2]);
        try market.setPayout(clusterId, toIntake ? address(intake) : PAYOUT, toIntake) {
            ++successes["setPayout"];
        } catch {
            _stuck("setPayout");
        }
    }

    // --- helpers ---

    uint256 private constant _ON_SALE = 0;
    uint256 private constant _HELD = 1;
    uint256 private constant _DELIVERABLE = 2;
    uint256 private constant _UNSETTLED = 3;
    uint256 private constant _SETTLED = 4;

    /// @dev The first window from `seed` on (round robin) in the wanted state, else the one at `seed`.
    function _pick(uint256 seed, uint256 wanted, address holder) private view returns (uint256) {
        uint256 count = windows.length;
        for (uint256 k; k < count; ++k) {
            uint256 id = windows[(seed + k) % count];
            IComputeMarket.Window memory w = market.getWindow(id);
            bool fits;
            if (wanted == _ON_SALE) fits = block.timestamp < w.start && w.sold < w.capacity;
            else if (wanted == _HELD) fits = market.balanceOf(holder, id) != 0 && block.timestamp < w.end;
            else if (wanted == _DELIVERABLE) fits = !w.settled && block.timestamp <= w.end + DELIVERY_PERIOD;
            else if (wanted == _UNSETTLED) fits = !w.settled;
            else fits = w.settled && w.bondHeld != 0;
            if (fits) return id;
        }
        return windows[seed % count];
    }

    function payees() external view returns (address[2] memory) {
        return [PAYOUT, address(intake)];
    }

    function _servableByClock(uint256 id) private view returns (uint256) {
        IComputeMarket.Window memory window = market.getWindow(id);
        if (block.timestamp >= window.end) return 0;
        uint256 from = block.timestamp > window.start ? block.timestamp : window.start;
        return uint256(market.getCluster(id >> 64).gpuCount) * ((window.end - from) / 3600);
    }

    function _clusterIndex(uint256 id) private view returns (uint256) {
        return (id >> 64) == clusterIds[0] ? 0 : 1;
    }

    function _feeOf(uint256 amount) private view returns (uint256) {
        return (amount * usd.feeBps()) / 10_000;
    }

    /// @dev What the payees hold plus what the fee burned: a payout's measured size.
    function _payeesAndBurned() private view returns (uint256) {
        return usd.balanceOf(PAYOUT) + usd.balanceOf(address(intake)) + (type(uint128).max - usd.totalSupply());
    }

    function _stuck(string memory what) private {
        ++ghostStuck;
        lastStuck = what;
    }

    function _forbidden(string memory what) private {
        ++ghostForbidden;
        lastForbidden = what;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}

/// @notice Deploys the market over a switchable-fee stablecoin with two clusters: 1,000 GPUs at 500 to 1,000 Wh (paid
/// to an account) and 8 GPUs at 600 to 900 Wh (paid to a revenue intake that can close).
abstract contract ComputeMarketWorld is Test {
    ComputeMarket internal market;
    SwitchableFeeToken internal usd;
    MockKwh internal kwh;
    MockRecs internal recs;
    ToggleIntake internal intake;
    ComputeMarketHandler internal handler;

    function _deploy() internal {
        vm.warp(1_750_000_000);
        usd = new SwitchableFeeToken();
        kwh = new MockKwh();
        recs = new MockRecs();
        market = new ComputeMarket(
            IERC20(address(usd)),
            IMeteredEnergy(address(kwh)),
            IRenewableCertificates(address(recs))
        );
        intake = new ToggleIntake(address(usd));
        uint256[2] memory ids;
        ids[0] = _register(address(0xB0), 1_000, 500, 1_000, address(0xFA), false);
        ids[1] = _register(address(0xB2), 8, 600, 900, address(intake), true);
        usd.mint(address(0xB0), 1e16);
        usd.mint(address(0xB2), 1e16);
        usd.mint(address(0xBAD), 1e16);
        for (uint160 i = 0x1001; i <= 0x1003; ++i) usd.mint(address(i), 1e16);
        handler = new ComputeMarketHandler(market, usd, kwh, recs, intake, ids);
    }

    function _register(
        address provider,
        uint32 gpus,
        uint32 minWh,
        uint32 maxWh,
        address payout,
        bool isIntake
    ) private returns (uint256) {
        vm.prank(provider);
        return
            market.registerCluster(
                IComputeMarket.ClusterRegistration({
                    gpuClass: "H100-SXM",
                    gpuCount: gpus,
                    gridZone: "ERCOT-NORTH",
                    minWhPerGpuHour: minWh,
                    maxWhPerGpuHour: maxWh,
                    operator: provider,
                    payout: payout,
                    payoutIsIntake: isIntake
                })
            );
    }

    /// Every terminal or stuck state has a way out: past every delivery period anyone lapses the windows and claims
    /// every refund, proceeds are pushed (or pulled by the payee while its intake refuses), and the providers withdraw
    /// their free bonds. Afterwards the market holds nothing.
    function _drainEverything() internal {
        vm.warp(block.timestamp + 40 days);
        for (uint256 i; i < handler.windowCount(); ++i) {
            uint256 id = handler.windows(i);
            if (!market.getWindow(id).settled) market.lapseDelivery(id);
            for (uint256 b; b < 3; ++b) {
                address holder = handler.buyers(b);
                if (market.redeemedBy(id, holder) != 0 && market.getWindow(id).unclaimedRedeemed != 0) {
                    market.claimRefund(id, holder);
                }
            }
            assertEq(market.getWindow(id).bondHeld, 0, "bond left in a window");
        }
        address[2] memory payees = handler.payees();
        for (uint256 p; p < 2; ++p) {
            (uint256 direct, uint256 viaIntake) = market.proceedsOf(payees[p]);
            if (direct + viaIntake == 0) continue;
            // A closed intake, or one paid in a coin that burns a fee, cannot take its share: the payee pulls it.
            if ((intake.closed() || usd.feeBps() != 0) && viaIntake != 0) {
                vm.prank(payees[p]);
                market.claimProceeds(payees[p]);
            } else {
                market.pushProceeds(payees[p]);
            }
        }
        for (uint256 c; c < 2; ++c) {
            uint256 clusterId = handler.clusterIds(c);
            uint256 free = market.getCluster(clusterId).bondFree;
            address provider = handler.providers(c);
            vm.prank(provider);
            if (free != 0) market.withdrawBond(clusterId, free, provider);
        }
        assertEq(usd.balanceOf(address(market)), 0, "the market kept something");
    }

    /// @dev What the market owes: free bonds, bond held for windows, accrued proceeds.
    function _owed() internal view returns (uint256 owed) {
        for (uint256 c; c < 2; ++c) owed += market.getCluster(handler.clusterIds(c)).bondFree;
        for (uint256 i; i < handler.windowCount(); ++i) owed += market.getWindow(handler.windows(i)).bondHeld;
        address[2] memory payees = handler.payees();
        for (uint256 p; p < 2; ++p) {
            (uint256 direct, uint256 viaIntake) = market.proceedsOf(payees[p]);
            owed += direct + viaIntake;
        }
    }
}

contract ComputeMarketInvariantTest is ComputeMarketWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    /// No call that must fail ever succeeded (third parties, late or oversized redemptions, short deposits), and no
    /// call whose conditions were all met failed.
    function invariant_forbiddenActionsNeverSucceed() public view {
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
    }

    /// After every run, from wherever it stopped, every unit the market holds reaches its owner.
    function afterInvariant() public {
        _drainEverything();
    }

    /// held == Σ withdrawable: the market's balance is exactly free bonds + bond held + accrued proceeds, and it is
    /// what came in minus what went out.
    function invariant_heldEqualsWhatPartiesCanWithdraw() public view {
        uint256 balance = usd.balanceOf(address(market));
        assertEq(balance, _owed(), "balance != bonds + held + proceeds");
        uint256 posted;
        uint256 out = handler.ghostProceedsPaid();
        for (uint256 c; c < 2; ++c) {
            uint256 clusterId = handler.clusterIds(c);
            posted += handler.ghostBondPosted(clusterId);
            out += handler.ghostBondWithdrawn(clusterId) + handler.ghostRefundsPaid(clusterId);
        }
        assertEq(balance, posted + handler.ghostSalesValue() - out, "balance != in - out");
    }

    /// Each cluster's bond is its own: what was posted less withdrawals and its refunds is its free bond plus what
    /// its windows hold, so no cluster's refunds are paid from another's bond.
    function invariant_bondsArePerCluster() public view {
        for (uint256 c; c < 2; ++c) {
            uint256 clusterId = handler.clusterIds(c);
            uint256 held;
            for (uint256 i; i < handler.windowCount(); ++i) {
                uint256 id = handler.windows(i);
                if (id >> 64 == clusterId) held += market.getWindow(id).bondHeld;
            }
            assertEq(
                handler.ghostBondPosted(clusterId) -
                    handler.ghostBondWithdrawn(clusterId) -
                    handler.ghostRefundsPaid(clusterId),
                market.getCluster(clusterId).bondFree + held,
                "bond not conserved"
            );
        }
    }

    /// Bond held for a window is owed to named redeemers: before settlement it can lapse after the delivery period;
    /// after settlement it is exactly what the redeemers who have not claimed will receive, and refunds never exceed
    /// the undelivered GPU-hours at the window price.
    function invariant_heldBondHasAnOwner() public view {
        for (uint256 i; i < handler.windowCount(); ++i) {
            uint256 id = handler.windows(i);
            IComputeMarket.Window memory window = market.getWindow(id);
            if (!window.settled) {
                assertEq(window.bondHeld, uint256(window.sold) * window.pricePerGpuHour, "held != sold value");
                continue;
            }
            uint256 unclaimed;
            for (uint256 b; b < 3; ++b) unclaimed += market.redeemedBy(id, handler.buyers(b));
            if (window.bondHeld != 0) assertEq(unclaimed, window.unclaimedRedeemed, "held without redeemers");
            uint256 undeliveredValue = uint256(window.redeemed - window.delivered) * window.pricePerGpuHour;
            assertEq(window.bondHeld + handler.ghostWindowRefunds(id), undeliveredValue, "refunds != undelivered");
        }
    }

    function invariant_creditsSoldNeverExceedCapacity() public view {
        for (uint256 i; i < handler.windowCount(); ++i) {
            IComputeMarket.Window memory window = market.getWindow(handler.windows(i));
            assertLe(window.sold, window.capacity, "sold > capacity");
            assertLe(window.redeemed, window.sold, "redeemed > sold");
            assertLe(window.delivered, window.redeemed, "delivered > redeemed");
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
            heldByBuyers += market.balanceOf(handler.ADVERSARY(), id);
            heldByBuyers += market.balanceOf(address(handler.contractBuyer()), id);
            assertEq(uint256(window.redeemed) + expired + held, window.sold, "redeemed + expired + held != sold");
            assertEq(heldByBuyers, market.totalSupply(id), "supply outside the buyers");
        }
    }

    function invariant_attributedEnergyWasBurnedOrRetiredOnce() public view {
        uint256 whHourly;
        uint256 whRec;
        for (uint256 i; i < handler.windowCount(); ++i) {
            uint256 id = handler.windows(i);
            (uint64 gpuHoursDelivered, uint256 whUsed, uint256 whHourlyMatched, uint256 whRecMatched) = handler.lots(
                id
            );
            ComputeMarketHandler.Lot memory lot = ComputeMarketHandler.Lot(
                gpuHoursDelivered,
                whUsed,
                whHourlyMatched,
                whRecMatched
            );
            // The window records the GPU-hours delivered that refunds are computed from.
            if (whUsed != 0) assertEq(market.getWindow(id).delivered, gpuHoursDelivered, "delivered");
            IComputeMarket.Cluster memory cluster = market.getCluster(id >> 64);
            assertLe(lot.whHourlyMatched + lot.whRecMatched, lot.whUsed, "attributed > used");
            assertLe(lot.whUsed, uint256(lot.gpuHoursDelivered) * cluster.maxWhPerGpuHour, "above the physics");
            assertGe(lot.whUsed, uint256(lot.gpuHoursDelivered) * cluster.minWhPerGpuHour, "below the physics");
            whHourly += lot.whHourlyMatched;
            whRec += lot.whRecMatched;
        }
        assertEq(whHourly, kwh.totalConsumedWh(), "hourly Wh != kWh burned");
        assertEq(whHourly, handler.ghostWhHourly(), "hourly Wh != kWh attributed");
        assertEq(whRec, recs.totalRetired() * 1e6, "REC Wh != RECs retired");
        assertEq(whRec, handler.ghostWhRec(), "REC Wh != RECs attributed");
    }

    /// Sales are owed to the payees in full: what accrued is what is still owed plus what was paid out.
    function invariant_salesArePaidOutInFull() public view {
        uint256 owed;
        address[2] memory payees = handler.payees();
        for (uint256 p; p < 2; ++p) {
            (uint256 direct, uint256 viaIntake) = market.proceedsOf(payees[p]);
            owed += direct + viaIntake;
        }
        assertEq(owed + handler.ghostProceedsPaid(), handler.ghostSalesValue(), "proceeds lost");
    }
}

/// @notice The handler, driven by a fixed pseudo-random sequence, must reach every action many times (a handler
/// whose calls mostly revert tests nothing), and from wherever it ends every unit the market holds must reach its
/// owner: windows lapse, refunds and proceeds are paid, bonds withdrawn, and the market is left with nothing.
contract ComputeMarketReachabilityTest is ComputeMarketWorld {
    uint256 private constant STEPS = 1_000;
    uint256 private constant MIN_SUCCESSES = 6;

    function setUp() public {
        _deploy();
    }

    function test_handler_reachesEveryActionAndEveryUnitHasAWayOut() public {
        uint256 seed = 0x5eed;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            _act(seed);
        }
        string[16] memory actions = [
            "postBond",
            "withdrawBond",
            "offer",
            "buy",
            "buyWithPermit",
            "buyReentrant",
            "transfer",
            "redeem",
            "warp",
            "deliver",
            "lapse",
            "claimRefund",
            "pushProceeds",
            "claimProceeds",
            "switchFee",
            "setPayout"
        ];
        for (uint256 i; i < actions.length; ++i) {
            assertGe(handler.successes(actions[i]), MIN_SUCCESSES, actions[i]);
        }
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
        _drainEverything();
    }

    function _act(uint256 seed) private {
        uint256 a = seed >> 8;
        uint256 b = seed >> 72;
        uint256 c = seed >> 136;
        uint256 action = seed % 20;
        if (action == 0) handler.postBond(a, b, c % 2 == 0);
        else if (action == 1) handler.withdrawBond(a, b);
        else if (action <= 3) handler.offer(a, b, c);
        else if (action <= 5) handler.buy(a, b, c, action == 5);
        else if (action == 6) handler.buyReentrant(a, b);
        else if (action == 7) handler.transfer(a, b, c, seed >> 200);
        else if (action <= 10) handler.redeem(a, b, c);
        else if (action <= 12) handler.warp(a);
        else if (action == 13) handler.deliver(a, b, c, seed >> 200);
        else if (action == 14) handler.lapse(a);
        else if (action == 15) handler.claim(a);
        else if (action == 16) handler.pushProceeds(a % 2 == 0);
        else if (action == 17) handler.claimProceeds();
        else if (action == 18) handler.switchFee(a % 4 == 0);
        else if (a % 2 == 0) handler.setPayout(b, c % 2 == 0);
        else handler.closeIntake(b % 3 == 0);
    }
}
