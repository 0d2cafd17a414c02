// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {FlexibilityMarket} from "../../contracts/flexibility/FlexibilityMarket.sol";
import {IFlexibilityMarket} from "../../contracts/interfaces/IFlexibilityMarket.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {FlexibilitySetup} from "../flexibility/FlexibilityMarket.t.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the market through requests, commitments (some over the request's capacity, some at the commit
/// deadline's t and t + 1), settlements from signed readings, expiries, escrow returns and claims, while a front-runner
/// replays every signed reading it has seen (an understating pair from inside the window, a settled commitment's pair,
/// another device's pair) and a third party calls every permissionless function at each deadline's t - 1, t and t + 1.
/// Every commitment pays a payee of its own request, so "paid <= escrow" is measured per request. Money ghosts are
/// balance changes measured on each party, checked against what the handler's inputs say they must be; `ghostForbidden`
/// counts successes of calls that must fail and `ghostStuck` failures of calls whose conditions were all met.
// solhint-disable-next-line max-states-count
contract FlexibilityMarketHandler is Test, FlexibilitySetup {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address public constant ADVERSARY = address(0xBAD);
    uint256 private constant WINDOW_HOURS = 2;
    uint256 private constant PRICE_PER_WH = 100;

    uint256[] public requestIds;
    uint256[] public commitmentIds;
    /// @notice The buyer's measured decrease when the request opened, per request.
    mapping(uint256 requestId => uint256) public ghostEscrow;
    /// @notice The providers' measured decreases for commitments, per request.
    mapping(uint256 requestId => uint256) public ghostStakes;
    /// @notice What the request's payee has received, measured on its balance.
    mapping(uint256 requestId => uint256) public ghostPaidToPayee;
    uint256 public ghostIn;
    uint256 public ghostOut;
    uint256 public ghostForbidden;
    string public lastForbidden;
    uint256 public ghostStuck;
    string public lastStuck;
    mapping(string action => uint256) public successes;

    // the last pair of readings the front-runner saw settle a commitment
    uint256 private _seenCommitment;
    IMeteredEnergy.MeterReading private _seenStart;
    bytes private _seenStartSignature;
    IMeteredEnergy.MeterReading private _seenEnd;
    bytes private _seenEndSignature;

    constructor() {
        _deploy();
    }

    function marketAddress() external view returns (address) {
        return address(market);
    }

    function requestCount() external view returns (uint256) {
        return requestIds.length;
    }

    function commitmentCount() external view returns (uint256) {
        return commitmentIds.length;
    }

    /// @notice Each request's payee: an account of its own, so that what it receives is that request's payout.
    function payeeOf(uint256 requestId) public pure returns (address) {
        return address(uint160(0xFA0000 + requestId));
    }

    function open(uint256 hoursAhead, uint96 capacityW) external {
        if (requestIds.length >= 12) return;
        IFlexibilityMarket.RequestTerms memory terms = _terms(
            bound(hoursAhead, 1, 48),
            uint96(bound(capacityW, 1, 3 * uint256(BATTERY_W)))
        );
        VM.prank(ADVERSARY);
        try market.openRequest(terms) {
            _forbidden("a third party opened a request");
        } catch {}
        uint256 before = token.balanceOf(buyer);
        VM.prank(buyer);
        try market.openRequest(terms) returns (uint256 requestId) {
            uint256 paid = before - token.balanceOf(buyer);
            if (paid != uint256(terms.capacityW) * WINDOW_HOURS * PRICE_PER_WH) _forbidden("escrow != max payout");
            requestIds.push(requestId);
            ghostEscrow[requestId] = paid;
            ghostIn += paid;
            ++successes["open"];
        } catch {
            _stuck("open");
        }
    }

    /// Commits a free battery; now and then asks for more than the request has left, which must fail.
    function commit(uint256 requestSeed, uint256 providerSeed, uint96 capacityW) external {
        if (requestIds.length == 0) return;
        uint256 requestId = requestIds[requestSeed % requestIds.length];
        uint256 index = providerSeed % 3;
        IFlexibilityMarket.Request memory request = market.getRequest(requestId);
        uint256 remaining = request.capacityW - request.committedW;
        for (uint256 h = request.windowStart; h < request.windowEnd; h += 1 hours) {
            if (market.deviceHourBooked(batteries[index], h / 1 hours)) return;
        }
        if (remaining < BATTERY_W && capacityW % 4 == 0) {
            VM.prank(providers[index]);
            try market.commit(requestId, batteries[index], uint96(remaining + 1), payeeOf(requestId)) {
                _forbidden("committed more than the request has left");
            } catch {}
        }
        if (remaining == 0) return;
        capacityW = uint96(bound(capacityW, 1, remaining < BATTERY_W ? remaining : BATTERY_W));
        VM.prank(ADVERSARY);
        try market.commit(requestId, batteries[index], capacityW, ADVERSARY) {
            _forbidden("a third party committed someone's device");
        } catch {}
        bool open_ = block.timestamp <= request.commitDeadline;
        uint256 before = token.balanceOf(providers[index]);
        VM.prank(providers[index]);
        try market.commit(requestId, batteries[index], capacityW, payeeOf(requestId)) returns (uint256 id) {
            if (!open_) _forbidden("committed after the commit deadline");
            uint256 staked = before - token.balanceOf(providers[index]);
            uint256 maxPayout = uint256(capacityW) * WINDOW_HOURS * PRICE_PER_WH;
            if (staked != (maxPayout + 1) / 2) _forbidden("stake != half the max payout, rounded up");
            commitmentIds.push(id);
            ghostStakes[requestId] += staked;
            ghostIn += staked;
            ++successes["commit"];
        } catch {
            if (open_) _stuck("commit");
        }
    }

    /// Settles from signed readings at the window's edges. First the front-runner tries the start reading with the
    /// window's mid-hour reading (on the ledger, so validly signed, but understating delivery), then the last pair it
    /// saw settle another commitment; after the settlement it replays the pair on the same commitment.
    function settle(uint256 commitmentSeed, uint256 deliveredWh) external {
        if (commitmentIds.length == 0) return;
        uint256 commitmentId = commitmentIds[commitmentSeed % commitmentIds.length];
        IFlexibilityMarket.Commitment memory commitment = market.getCommitment(commitmentId);
        IFlexibilityMarket.Request memory request = market.getRequest(commitment.requestId);
        if (commitment.settled || block.timestamp > request.settlementDeadline) return;
        // The ledger only moves forward, so it must not have passed the window yet.
        if (energy.meterState(commitment.deviceId).timestamp > request.windowStart) return;
        if (block.timestamp < request.windowEnd) VM.warp(request.windowEnd);
        uint256 maxWh = 3 * uint256(commitment.capacityW);
        if (maxWh > 2 * uint256(BATTERY_W)) maxWh = 2 * uint256(BATTERY_W);
        deliveredWh = bound(deliveredWh, 0, maxWh);
        uint256 startWh = _meterWindow(commitment.deviceId, request.windowStart, request.windowEnd, deliveredWh);
        (IMeteredEnergy.MeterReading memory a, bytes memory sa) = _reading(
            commitment.deviceId,
            startWh,
            request.windowStart
        );
        (IMeteredEnergy.MeterReading memory m, bytes memory sm) = _reading(
            commitment.deviceId,
            startWh + deliveredWh / 2,
            request.windowStart + 1 hours
        );
        (IMeteredEnergy.MeterReading memory b, bytes memory sb) = _reading(
            commitment.deviceId,
            startWh + deliveredWh,
            request.windowEnd
        );
        _frontRun(commitmentId, a, sa, m, sm);
        VM.prank(ADVERSARY); // settlement is permissionless: the third party submits the provider's readings
        try market.settleWithReadings(commitmentId, a, sa, b, sb) {
            ++successes["settle"];
        } catch {
            _stuck("settle");
        }
        VM.prank(ADVERSARY);
        try market.settleWithReadings(commitmentId, a, sa, b, sb) {
            _forbidden("a settled commitment settled again");
        } catch {}
        (_seenCommitment, _seenStart, _seenStartSignature, _seenEnd, _seenEndSignature) = (commitmentId, a, sa, b, sb);
    }

    function _frontRun(
        uint256 commitmentId,
        IMeteredEnergy.MeterReading memory a,
        bytes memory sa,
        IMeteredEnergy.MeterReading memory m,
        bytes memory sm
    ) private {
        VM.prank(ADVERSARY);
        try market.settleWithReadings(commitmentId, a, sa, m, sm) {
            _forbidden("settled from readings that do not bracket the window");
        } catch {}
        if (_seenCommitment == 0) return;
        VM.prank(ADVERSARY);
        try market.settleWithReadings(commitmentId, _seenStart, _seenStartSignature, _seenEnd, _seenEndSignature) {
            _forbidden("settled from another commitment's readings");
        } catch {}
    }

    /// The third party expires a commitment at t - 1, t or t + 1 of its settlement deadline: only after t.
    function expire(uint256 commitmentSeed, uint256 offset) external {
        if (commitmentIds.length == 0) return;
        uint256 commitmentId = commitmentIds[commitmentSeed % commitmentIds.length];
        IFlexibilityMarket.Commitment memory commitment = market.getCommitment(commitmentId);
        if (commitment.settled) return;
        uint256 deadline = market.getRequest(commitment.requestId).settlementDeadline;
        uint256 target = deadline - 1 + (offset % 3);
        if (block.timestamp < target) VM.warp(target);
        bool allowed = block.timestamp > deadline;
        VM.prank(ADVERSARY);
        try market.expire(commitmentId) {
            if (!allowed) _forbidden("expired before the settlement deadline passed");
            ++successes["expire"];
        } catch {
            if (allowed) _stuck("expire");
        }
    }

    /// The third party returns a request's unused escrow at t - 1, t or t + 1 of its commit deadline: only after t.
    function returnEscrow(uint256 requestSeed, uint256 offset) external {
        if (requestIds.length == 0) return;
        uint256 requestId = requestIds[requestSeed % requestIds.length];
        IFlexibilityMarket.Request memory request = market.getRequest(requestId);
        if (request.escrowReturned) return;
        uint256 target = request.commitDeadline - 1 + (offset % 3);
        if (block.timestamp < target && request.unsettled == 0) VM.warp(target);
        bool allowed = request.unsettled == 0 && block.timestamp > request.commitDeadline;
        VM.prank(ADVERSARY);
        try market.returnEscrow(requestId) {
            if (!allowed) _forbidden("escrow returned early");
            ++successes["returnEscrow"];
        } catch {
            if (allowed) _stuck("returnEscrow");
        }
    }

    /// Someone claims what was credited to them (the third party, who is owed nothing, must fail).
    function claim(uint256 accountSeed) external {
        VM.prank(ADVERSARY);
        try market.claim(ADVERSARY) {
            _forbidden("the third party claimed");
        } catch {}
        uint256 n = 4 + requestIds.length;
        address who = _account(accountSeed % n);
        uint256 before = token.balanceOf(who);
        VM.prank(who);
        try market.claim(who) {
            uint256 gained = token.balanceOf(who) - before;
            if (gained == 0) _forbidden("a claim paid nothing");
            ghostOut += gained;
            if (accountSeed % n >= 4) ghostPaidToPayee[requestIds[(accountSeed % n) - 4]] += gained;
            ++successes["claim"];
        } catch {}
    }

    /// Mostly to the next deadline edge of some request (commit deadline, window end, settlement deadline; t - 1, t
    /// or t + 1), sometimes a short step.
    function warp(uint256 seed) external {
        if (requestIds.length == 0 || seed % 4 == 0) {
            VM.warp(block.timestamp + bound(seed >> 8, 1, 6 hours));
        } else {
            IFlexibilityMarket.Request memory r = market.getRequest(requestIds[(seed >> 8) % requestIds.length]);
            uint256 kind = (seed >> 16) % 3;
            uint256 edge =
                kind == 0
                    ? r.commitDeadline
                    : kind == 1
                        ? r.windowEnd
                        : r.settlementDeadline;
            uint256 target = edge - 1 + ((seed >> 24) % 3);
            if (target > block.timestamp) VM.warp(target);
        }
        ++successes["warp"];
    }

    /// @notice Account `i`: the buyer, the three providers, then each request's payee.
    function accountCount() external view returns (uint256) {
        return 4 + requestIds.length;
    }

    function account(uint256 i) external view returns (address) {
        return _account(i);
    }

    function _account(uint256 i) private view returns (address) {
        if (i == 0) return buyer;
        if (i < 4) return providers[i - 1];
        return payeeOf(requestIds[i - 4]);
    }

    function _forbidden(string memory what) private {
        ++ghostForbidden;
        lastForbidden = what;
    }

    function _stuck(string memory what) private {
        ++ghostStuck;
        lastStuck = what;
    }
}

abstract contract FlexibilityMarketWorld is Test {
    FlexibilityMarketHandler internal handler;

    function _market() internal view returns (FlexibilityMarket) {
        return FlexibilityMarket(handler.marketAddress());
    }

    function _token() internal view returns (IERC20) {
        return IERC20(_market().stablecoin());
    }

    /// Every state has a way out: past every deadline anyone expires what was not settled and returns every escrow,
    /// and every party claims. The market is then empty, each payee received at most its request's escrow, and what
    /// came in (escrows and stakes) is exactly what went out.
    function _drain() internal {
        FlexibilityMarket market = _market();
        vm.warp(block.timestamp + 4 days);
        for (uint256 i; i < handler.commitmentCount(); ++i) {
            uint256 id = handler.commitmentIds(i);
            if (!market.getCommitment(id).settled) market.expire(id);
        }
        for (uint256 i; i < handler.requestCount(); ++i) {
            uint256 requestId = handler.requestIds(i);
            if (!market.getRequest(requestId).escrowReturned) market.returnEscrow(requestId);
        }
        uint256 out = handler.ghostOut();
        for (uint256 i; i < handler.accountCount(); ++i) {
            address account = handler.account(i);
            uint256 before = _token().balanceOf(account);
            vm.startPrank(account);
            if (market.claimable(account) != 0) market.claim(account);
            vm.stopPrank();
            uint256 gained = _token().balanceOf(account) - before;
            out += gained;
            if (i >= 4) {
                uint256 requestId = handler.requestIds(i - 4);
                assertLe(handler.ghostPaidToPayee(requestId) + gained, handler.ghostEscrow(requestId), "paid > escrow");
            }
        }
        assertEq(_token().balanceOf(address(market)), 0, "the market kept something");
        assertEq(out, handler.ghostIn(), "out != in");
    }
}

contract FlexibilityMarketInvariantTest is FlexibilityMarketWorld {
    function setUp() public {
        handler = new FlexibilityMarketHandler();
        targetContract(address(handler));
    }

    /// After every run, from wherever it stopped, every unit reaches its owner.
    function afterInvariant() public {
        _drain();
    }

    /// No call that must fail succeeded (front-run or replayed readings, third parties, early expiries and returns,
    /// late or oversized commitments), and no call whose conditions were all met failed.
    function invariant_forbiddenNeverSucceedsAndNothingIsStuck() public view {
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
    }

    /// The market holds what the parties paid in less what they took out, and that is exactly what is locked in
    /// requests plus what is credited and not yet claimed.
    function invariant_heldIsInMinusOutAndEveryUnitIsOwed() public view {
        FlexibilityMarket market = _market();
        uint256 locked;
        for (uint256 i; i < handler.requestCount(); ++i) {
            IFlexibilityMarket.Request memory request = market.getRequest(handler.requestIds(i));
            locked += request.escrowLocked + request.stakeLocked;
        }
        uint256 held = _token().balanceOf(address(market));
        assertEq(held, handler.ghostIn() - handler.ghostOut(), "held != in - out");
        assertEq(held, locked + market.totalClaimable(), "held != locked + credited");
    }

    /// A request's payee never receives more than the request escrowed, and a request never has more committed than
    /// it sought (the handler tries to overcommit).
    function invariant_paidWithinEscrowAndCommittedWithinSought() public view {
        FlexibilityMarket market = _market();
        for (uint256 i; i < handler.requestCount(); ++i) {
            uint256 requestId = handler.requestIds(i);
            IFlexibilityMarket.Request memory request = market.getRequest(requestId);
            uint256 owed = market.claimable(handler.payeeOf(requestId));
            assertLe(handler.ghostPaidToPayee(requestId) + owed, handler.ghostEscrow(requestId), "paid > escrow");
            assertLe(request.committedW, request.capacityW, "committed > sought");
        }
    }
}

/// @notice The handler, driven by a fixed pseudo-random sequence, reaches every action many times with no forbidden
/// success and no stuck call, and from wherever it ends every unit reaches its owner.
contract FlexibilityMarketReachabilityTest is FlexibilityMarketWorld {
    uint256 private constant STEPS = 500;
    uint256 private constant MIN_SUCCESSES = 3;

    function setUp() public {
        handler = new FlexibilityMarketHandler();
    }

    function test_handler_reachesEveryActionAndEveryUnitHasAWayOut() public {
        uint256 seed = 0xf1e8;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 a = seed >> 8;
            uint256 b = seed >> 72;
            uint256 c = seed >> 136;
            uint256 action = seed % 16;
            if (action <= 1) handler.open(a, uint96(b));
            else if (action <= 6) handler.commit(a, b, uint96(c));
            else if (action <= 9) handler.settle(a, b);
            else if (action == 10) handler.expire(a, b);
            else if (action == 11) handler.returnEscrow(a, b);
            else if (action <= 13) handler.claim(a);
            else if (action == 14 || a % 4 == 0) handler.warp(a);
        }
        string[7] memory actions = ["open", "commit", "settle", "expire", "returnEscrow", "claim", "warp"];
        for (uint256 i; i < actions.length; ++i) {
            assertGe(handler.successes(actions[i]), MIN_SUCCESSES, actions[i]);
        }
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
        _drain();
    }
}
