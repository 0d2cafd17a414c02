// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IFlexibilityMarket} from "../../contracts/interfaces/IFlexibilityMarket.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {Edges} from "../utils/Edges.sol";
import {Test} from "../utils/Test.sol";
import {FlexibilitySetup} from "./FlexibilityMarket.t.sol";

/// @notice Every clock edge of the flexibility market at t - 1, t and t + 1, each second from the same state. The
/// request's window is [windowStart, windowEnd) two hours long, 3 hours ahead; commitDeadline = windowStart - 30
/// minutes; settlementDeadline = windowStart + 1 day. One commitment is open on it.
///
///   rule (contract's own)                                  t                    t - 1    t        t + 1
///   openRequest: the window must start after now           windowStart          ok       revert   revert
///   commit: open until the commit deadline, inclusive      commitDeadline       ok       ok       revert
///   returnEscrow: only after the commit deadline           commitDeadline       revert   revert   ok
///   settle: only once the window is over                   windowEnd            revert   ok       ok
///   settle: until the settlement deadline, inclusive       settlementDeadline   ok       ok       revert
///   expire: only after the settlement deadline             settlementDeadline   revert   revert   ok
contract FlexibilityMarketBoundariesTest is Edges, FlexibilitySetup {
    uint256 private constant VERIFIER_KEY = 0x7E41F1;

    IFlexibilityMarket.RequestTerms private terms;
    IFlexibilityMarket.RequestTerms private laterTerms;
    uint256 private requestId;
    uint256 private emptyRequestId;
    uint256 private commitmentId;
    IFlexibilityMarket.DeliveryAttestation private attestation;
    bytes private attestationSignature;

    function setUp() public {
        _deploy();
        terms = _terms(3, 2 * BATTERY_W);
        terms.direction = IFlexibilityMarket.Direction.ConsumeLess;
        laterTerms = _terms(5, BATTERY_W);
        vm.startPrank(buyer);
        requestId = market.openRequest(terms);
        emptyRequestId = market.openRequest(terms);
        vm.stopPrank();
        vm.prank(providers[0]);
        commitmentId = market.commit(requestId, batteries[0], BATTERY_W, payee);
        market.grantRole(market.VERIFIER_ROLE(), vm.addr(VERIFIER_KEY));
        attestation = IFlexibilityMarket.DeliveryAttestation(commitmentId, 1_000, vm.addr(VERIFIER_KEY));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(VERIFIER_KEY, market.attestationDigest(attestation));
        attestationSignature = abi.encodePacked(r, s, v);
    }

    function _open() private {
        vm.prank(buyer);
        market.openRequest(laterTerms);
    }

    function _commitSecond() private {
        vm.prank(providers[1]);
        market.commit(requestId, batteries[1], BATTERY_W, payee);
    }

    function _returnEscrow() private {
        market.returnEscrow(emptyRequestId);
    }

    function _attest() private {
        market.settleWithAttestation(attestation, attestationSignature);
    }

    function _expire() private {
        market.expire(commitmentId);
    }

    function test_openRequest_windowMustStartAfterNow() public {
        uint64 t = laterTerms.windowStart;
        bytes4 e = IFlexibilityMarket.FlexibilityWindowInPast.selector;
        _at(t - 1, _open, _ok());
        _at(t, _open, abi.encodeWithSelector(e, t, t));
        _at(t + 1, _open, abi.encodeWithSelector(e, t, t + 1));
    }

    function test_commit_openUntilTheCommitDeadlineInclusive() public {
        uint64 t = terms.commitDeadline;
        _at(t - 1, _commitSecond, _ok());
        _at(t, _commitSecond, _ok());
        bytes4 e = IFlexibilityMarket.FlexibilityCommitmentClosed.selector;
        _at(t + 1, _commitSecond, abi.encodeWithSelector(e, requestId, t, t + 1));
    }

    function test_returnEscrow_onlyAfterTheCommitDeadline() public {
        uint64 t = terms.commitDeadline;
        bytes memory notFinished = abi.encodeWithSelector(
            IFlexibilityMarket.FlexibilityRequestNotFinished.selector,
            emptyRequestId,
            0,
            t
        );
        _at(t - 1, _returnEscrow, notFinished);
        _at(t, _returnEscrow, notFinished);
        _at(t + 1, _returnEscrow, _ok());
    }

    function test_settle_onlyOnceTheWindowIsOver() public {
        uint64 t = terms.windowEnd;
        bytes4 e = IFlexibilityMarket.FlexibilityWindowNotOver.selector;
        _at(t - 1, _attest, abi.encodeWithSelector(e, commitmentId, t, t - 1));
        _at(t, _attest, _ok());
        _at(t + 1, _attest, _ok());
    }

    function test_settle_untilTheSettlementDeadlineInclusive() public {
        uint64 t = terms.settlementDeadline;
        _at(t - 1, _attest, _ok());
        _at(t, _attest, _ok());
        bytes4 e = IFlexibilityMarket.FlexibilitySettlementDeadlinePassed.selector;
        _at(t + 1, _attest, abi.encodeWithSelector(e, commitmentId, t, t + 1));
    }

    function test_expire_onlyAfterTheSettlementDeadline() public {
        uint64 t = terms.settlementDeadline;
        bytes4 e = IFlexibilityMarket.FlexibilityNotExpired.selector;
        _at(t - 1, _expire, abi.encodeWithSelector(e, commitmentId, t, t - 1));
        _at(t, _expire, abi.encodeWithSelector(e, commitmentId, t, t));
        _at(t + 1, _expire, _ok());
    }
}

/// @notice The reading-tolerance edges of the flexibility market, second by second, each case from the same state.
/// Three export requests share one two-hour window [windowStart, windowEnd), each with one commitment of its own
/// battery: tolerance 15 minutes (settlementDeadline = windowStart + 1 day), tolerance 0 (settlementDeadline =
/// windowEnd, the earliest its terms allow) and tolerance MAX_READING_TOLERANCE = 1 hour (settlementDeadline =
/// windowEnd + 1 hour). The kWh ledger holds hourly readings of each battery over the window, and the clock is at
/// windowEnd. A reading case settles with a start and an end reading at the given seconds, the other reading on its
/// window edge; a refusal is `FlexibilityReadingsDoNotBracket(start, end, windowStart, windowEnd)`.
///
///   rule (contract's own)                                        e                       e - 1    e        e + 1
///   settleWithReadings: start reading at or after windowStart    windowStart             revert   ok       ok
///   settleWithReadings: start reading within the tolerance       windowStart + tol       ok       ok       revert
///   settleWithReadings: end reading within the tolerance         windowEnd - tol         revert   ok       ok
///   settleWithReadings: end reading at or before windowEnd       windowEnd               ok       ok       revert
///   settleWithReadings: start before end (tol = MAX, 2 h window) end = windowStart + MAX ok       revert   revert
///   settle: tol 0 with settlementDeadline = windowEnd            windowEnd               revert   ok       revert
///   settle: tol MAX with settlementDeadline = windowEnd + MAX    windowEnd + MAX         ok       ok       revert
///   openRequest: settlementDeadline >= windowEnd + tol           windowEnd + tol         revert   ok       ok
///   openRequest: readingTolerance <= MAX_READING_TOLERANCE       MAX                     ok       ok       revert
///
/// The reading rows run for tol = 15 minutes, 0 (both readings exactly on the window's edges) and MAX; the
/// settlement-deadline row of openRequest for the same three tolerances.
contract FlexibilityReadingToleranceBoundariesTest is Edges, FlexibilitySetup {
    uint64 private constant QUARTER = 15 minutes;
    uint64 private constant MAX = 1 hours;
    uint256 private constant START_WH = 5_000; // where `_meterWindow` starts a fresh meter
    uint256 private constant DELIVERED_WH = 1_500_000;

    uint64 private windowStart;
    uint64 private windowEnd;
    uint256 private quarterCommitment;
    uint256 private zeroCommitment;
    uint256 private maxCommitment;
    // Edge-to-edge readings of the three batteries, for the clock cases.
    IMeteredEnergy.MeterReading[3] private startReadings;
    IMeteredEnergy.MeterReading[3] private endReadings;
    bytes[3] private startSignatures;
    bytes[3] private endSignatures;

    function setUp() public {
        _deploy();
        quarterCommitment = _openAndCommit(QUARTER, 0, 0);
        zeroCommitment = _openAndCommit(0, 0, 1);
        maxCommitment = _openAndCommit(MAX, MAX, 2);
        vm.warp(windowEnd);
        for (uint256 i; i < 3; ++i) {
            _meterWindow(batteries[i], windowStart, windowEnd, DELIVERED_WH);
            (startReadings[i], startSignatures[i]) = _reading(batteries[i], START_WH, windowStart);
            (endReadings[i], endSignatures[i]) = _reading(batteries[i], START_WH + DELIVERED_WH, windowEnd);
        }
    }

    /// @dev Opens an export request over the shared window with `tolerance`, its settlement deadline `afterEnd`
    /// seconds after the window's end (or a day after its start when zero and the tolerance is not), and commits
    /// battery `index` to it.
    function _openAndCommit(uint64 tolerance, uint64 afterEnd, uint256 index) private returns (uint256) {
        IFlexibilityMarket.RequestTerms memory terms = _terms(3, BATTERY_W);
        terms.readingTolerance = uint32(tolerance);
        if (tolerance != QUARTER) terms.settlementDeadline = terms.windowEnd + afterEnd;
        (windowStart, windowEnd) = (terms.windowStart, terms.windowEnd);
        vm.prank(buyer);
        uint256 requestId = market.openRequest(terms);
        vm.prank(providers[index]);
        return market.commit(requestId, batteries[index], BATTERY_W, payee);
    }

    // --- reading edges

    /// @dev Settles `commitmentId` with readings at `startAt` and `endAt` (the start counter at START_WH, the end one
    /// at what the ledger holds at the window's end) and expects `err`, or success; then undoes it.
    function _readingsAt(uint256 commitmentId, uint64 startAt, uint64 endAt, bytes memory err) private {
        uint256 snapshot = vm.snapshotState();
        uint256 deviceId = market.getCommitment(commitmentId).deviceId;
        (IMeteredEnergy.MeterReading memory a, bytes memory sa) = _reading(deviceId, START_WH, startAt);
        (IMeteredEnergy.MeterReading memory b, bytes memory sb) = _reading(deviceId, START_WH + DELIVERED_WH, endAt);
        if (err.length != 0) vm.expectRevert(err);
        market.settleWithReadings(commitmentId, a, sa, b, sb);
        if (err.length == 0) assertTrue(market.getCommitment(commitmentId).settled, "settled");
        vm.revertToState(snapshot);
    }

    function _bracket(uint64 startAt, uint64 endAt) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityReadingsDoNotBracket.selector,
                startAt,
                endAt,
                windowStart,
                windowEnd
            );
    }

    /// @dev The four start-reading and four end-reading rows of the table for a request with tolerance `tol`.
    function _readingEdges(uint256 commitmentId, uint64 tol) private {
        (uint64 ws, uint64 we) = (windowStart, windowEnd);
        // the start reading, the end reading on windowEnd
        _readingsAt(commitmentId, ws - 1, we, _bracket(ws - 1, we));
        _readingsAt(commitmentId, ws, we, _ok());
        _readingsAt(commitmentId, ws + tol, we, _ok());
        _readingsAt(commitmentId, ws + tol + 1, we, _bracket(ws + tol + 1, we));
        // the end reading, the start reading on windowStart
        _readingsAt(commitmentId, ws, we - tol - 1, _bracket(ws, we - tol - 1));
        _readingsAt(commitmentId, ws, we - tol, _ok());
        _readingsAt(commitmentId, ws, we, _ok());
        _readingsAt(commitmentId, ws, we + 1, _bracket(ws, we + 1));
    }

    function test_settleWithReadings_quarterHourTolerance() public {
        _readingEdges(quarterCommitment, QUARTER);
        // The same seconds as literals: 14:59 and 15:00 after the start are in, 15:01 is not.
        (uint64 ws, uint64 we) = (windowStart, windowEnd);
        _readingsAt(quarterCommitment, ws + 900, we - 900, _ok());
        _readingsAt(quarterCommitment, ws + 901, we, _bracket(ws + 901, we));
        _readingsAt(quarterCommitment, ws, we - 901, _bracket(ws, we - 901));
    }

    /// With no tolerance both readings must sit exactly on the window's edges.
    function test_settleWithReadings_zeroToleranceOnlyOnTheEdges() public {
        _readingEdges(zeroCommitment, 0);
        (uint64 ws, uint64 we) = (windowStart, windowEnd);
        _readingsAt(zeroCommitment, ws + 1, we, _bracket(ws + 1, we));
        _readingsAt(zeroCommitment, ws, we - 1, _bracket(ws, we - 1));
        _readingsAt(zeroCommitment, ws + 1, we - 1, _bracket(ws + 1, we - 1));
    }

    function test_settleWithReadings_maxTolerance() public {
        assertEq(market.MAX_READING_TOLERANCE(), 3600, "an hour");
        _readingEdges(maxCommitment, MAX);
    }

    /// A two-hour window with an hour's tolerance lets both readings reach its middle, but they must not meet: the
    /// start reading must come before the end reading.
    function test_settleWithReadings_maxToleranceReadingsMustNotMeet() public {
        uint64 middle = windowStart + MAX;
        assertEq(middle, windowEnd - MAX, "middle");
        _readingsAt(maxCommitment, middle - 1, middle, _ok());
        _readingsAt(maxCommitment, middle, middle, _bracket(middle, middle));
        _readingsAt(maxCommitment, middle + 1, middle, _bracket(middle + 1, middle));
        _readingsAt(maxCommitment, middle, middle + 1, _ok());
    }

    // --- settlement deadlines that the tolerance sets

    function _settleZero() private {
        market.settleWithReadings(
            zeroCommitment,
            startReadings[1],
            startSignatures[1],
            endReadings[1],
            endSignatures[1]
        );
    }

    function _settleMax() private {
        market.settleWithReadings(
            maxCommitment,
            startReadings[2],
            startSignatures[2],
            endReadings[2],
            endSignatures[2]
        );
    }

    /// A tolerance-0 request may set its settlement deadline at the window's end: it is settleable in that second.
    function test_settle_zeroToleranceAtTheEarliestDeadline() public {
        uint64 t = windowEnd;
        _at(
            t - 1,
            _settleZero,
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityWindowNotOver.selector, zeroCommitment, t, t - 1)
        );
        _at(t, _settleZero, _ok());
        bytes4 e = IFlexibilityMarket.FlexibilitySettlementDeadlinePassed.selector;
        _at(t + 1, _settleZero, abi.encodeWithSelector(e, zeroCommitment, t, t + 1));
    }

    function test_settle_maxToleranceUntilItsDeadlineInclusive() public {
        uint64 t = windowEnd + MAX;
        _at(t - 1, _settleMax, _ok());
        _at(t, _settleMax, _ok());
        bytes4 e = IFlexibilityMarket.FlexibilitySettlementDeadlinePassed.selector;
        _at(t + 1, _settleMax, abi.encodeWithSelector(e, maxCommitment, t, t + 1));
    }

    // --- terms

    /// @dev Opens a request with `terms` and expects `err`, or success (the request is then on the books with the
    /// given tolerance and deadline); then undoes it.
    function _openWith(IFlexibilityMarket.RequestTerms memory terms, bytes memory err) private {
        uint256 snapshot = vm.snapshotState();
        vm.prank(buyer);
        if (err.length != 0) vm.expectRevert(err);
        uint256 requestId = market.openRequest(terms);
        if (err.length == 0) {
            IFlexibilityMarket.Request memory request = market.getRequest(requestId);
            assertEq(request.readingTolerance, terms.readingTolerance, "tolerance");
            assertEq(request.settlementDeadline, terms.settlementDeadline, "deadline");
        }
        vm.revertToState(snapshot);
    }

    function _deadlineEdges(uint32 tol) private {
        IFlexibilityMarket.RequestTerms memory terms = _terms(5, BATTERY_W);
        terms.readingTolerance = tol;
        uint64 edge = terms.windowEnd + tol;
        terms.settlementDeadline = edge - 1;
        _openWith(
            terms,
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityInvalidDeadlines.selector,
                terms.commitDeadline,
                edge - 1
            )
        );
        terms.settlementDeadline = edge;
        _openWith(terms, _ok());
        terms.settlementDeadline = edge + 1;
        _openWith(terms, _ok());
    }

    function test_openRequest_settlementDeadlineAtLeastWindowEndPlusTolerance() public {
        _deadlineEdges(uint32(QUARTER));
        _deadlineEdges(0);
        _deadlineEdges(uint32(MAX));
    }

    function test_openRequest_toleranceAtMostMax() public {
        IFlexibilityMarket.RequestTerms memory terms = _terms(5, BATTERY_W);
        terms.settlementDeadline = terms.windowEnd + MAX + 1;
        terms.readingTolerance = uint32(MAX - 1);
        _openWith(terms, _ok());
        terms.readingTolerance = uint32(MAX);
        _openWith(terms, _ok());
        terms.readingTolerance = uint32(MAX + 1);
        _openWith(
            terms,
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityInvalidTerms.selector, BATTERY_W, 100, 5_000, MAX + 1)
        );
        // The deadline is checked first: one second short of windowEnd + MAX + 1 reports the deadline.
        terms.settlementDeadline = terms.windowEnd + MAX;
        _openWith(
            terms,
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityInvalidDeadlines.selector,
                terms.commitDeadline,
                terms.windowEnd + MAX
            )
        );
    }
}

/// @notice Every value limit of the flexibility market at its edge: the largest value accepted and the first one
/// refused (request terms, escrow, ids, commitment sizes), and which device kinds can deliver in each direction.
contract FlexibilityMarketLimitsTest is Test, FlexibilitySetup {
    IFlexibilityMarket.RequestTerms private terms;

    function setUp() public {
        _deploy();
        terms = _terms(3, BATTERY_W);
    }

    /// @dev Opens a request with the given terms and expects success (empty `err`) or exactly `err`.
    function _open(IFlexibilityMarket.RequestTerms memory t, bytes memory err) private returns (uint256 requestId) {
        if (err.length != 0) vm.expectRevert(err);
        vm.prank(buyer);
        requestId = market.openRequest(t);
    }

    function _invalidWindow(IFlexibilityMarket.RequestTerms memory t) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IFlexibilityMarket.FlexibilityInvalidWindow.selector, t.windowStart, t.windowEnd);
    }

    function _invalidTerms(IFlexibilityMarket.RequestTerms memory t) private pure returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityInvalidTerms.selector,
                t.capacityW,
                t.pricePerWh,
                t.stakeBps,
                t.readingTolerance
            );
    }

    function test_openRequest_windowStartsAndEndsOnTheHour() public {
        IFlexibilityMarket.RequestTerms memory t = terms;
        t.windowStart += 1;
        _open(t, _invalidWindow(t));
        t = terms;
        t.windowEnd -= 1;
        _open(t, _invalidWindow(t));
        _open(terms, "");
    }

    function test_openRequest_windowFromOneToTwentyFourHours() public {
        IFlexibilityMarket.RequestTerms memory t = terms;
        t.windowEnd = t.windowStart;
        _open(t, _invalidWindow(t));
        t.windowEnd = t.windowStart + 1 hours;
        assertEq(market.getRequest(_open(t, "")).escrowLocked, uint256(BATTERY_W) * 100, "one hour's escrow");
        t.windowEnd = t.windowStart + 24 hours;
        t.settlementDeadline = t.windowEnd + 1 days;
        assertEq(market.getRequest(_open(t, "")).escrowLocked, 24 * uint256(BATTERY_W) * 100, "a day's escrow");
        t.windowEnd = t.windowStart + 25 hours;
        _open(t, _invalidWindow(t));
    }

    function test_openRequest_commitDeadlineAtTheLatestTheWindowStart() public {
        IFlexibilityMarket.RequestTerms memory t = terms;
        t.commitDeadline = t.windowStart;
        _open(t, "");
        t.commitDeadline = t.windowStart + 1;
        _open(
            t,
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityInvalidDeadlines.selector,
                t.commitDeadline,
                t.settlementDeadline
            )
        );
    }

    function test_openRequest_settlementDeadlineFitsFortyBits() public {
        IFlexibilityMarket.RequestTerms memory t = terms;
        t.settlementDeadline = type(uint40).max;
        assertEq(market.getRequest(_open(t, "")).settlementDeadline, type(uint40).max, "latest deadline");
        t.settlementDeadline = uint64(type(uint40).max) + 1;
        _open(
            t,
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityDeadlineTooLate.selector,
                t.settlementDeadline,
                type(uint40).max
            )
        );
    }

    function test_openRequest_capacityAndPriceFromOne() public {
        IFlexibilityMarket.RequestTerms memory t = terms;
        t.capacityW = 0;
        _open(t, _invalidTerms(t));
        t.capacityW = 1;
        _open(t, "");
        t.pricePerWh = 0;
        _open(t, _invalidTerms(t));
        t.pricePerWh = 1;
        assertEq(market.getRequest(_open(t, "")).escrowLocked, 2, "one watt for two hours at one unit");
    }

    function test_openRequest_stakeUpToTheWholePayout() public {
        IFlexibilityMarket.RequestTerms memory t = terms;
        t.stakeBps = 10_000;
        _open(t, "");
        t.stakeBps = 10_001;
        _open(t, _invalidTerms(t));
    }

    /// One-hour windows: (2^56 + 1) W × (2^56 - 1) per Wh is exactly 2^112 - 1, the largest escrow; 2^56 × 2^56 is
    /// one more.
    function test_openRequest_escrowUpToUint112Max() public {
        token.mint(buyer, 2 ** 113);
        IFlexibilityMarket.RequestTerms memory t = terms;
        t.windowEnd = t.windowStart + 1 hours;
        t.capacityW = 2 ** 56 + 1;
        t.pricePerWh = 2 ** 56 - 1;
        assertEq(market.getRequest(_open(t, "")).escrowLocked, type(uint112).max, "largest escrow");
        t.capacityW = 2 ** 56;
        t.pricePerWh = 2 ** 56;
        _open(
            t,
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityEscrowTooLarge.selector, 2 ** 112, type(uint112).max)
        );
    }

    function _commit(
        uint256 requestId,
        uint256 deviceId,
        uint96 capacityW,
        address to,
        bytes memory err
    ) private returns (uint256 commitmentId) {
        if (err.length != 0) vm.expectRevert(err);
        vm.prank(providers[0]);
        commitmentId = market.commit(requestId, deviceId, capacityW, to);
    }

    /// Ids are checked for size before anything is read: the largest id passes that check (and is then unknown).
    function test_commit_idsUpToFortyAndFortyEightBits() public {
        bytes4 tooLarge = IFlexibilityMarket.FlexibilityIdTooLarge.selector;
        uint256 maxRequest = type(uint40).max;
        uint256 maxDevice = type(uint48).max;
        _commit(maxRequest + 1, batteries[0], 1, payee, abi.encodeWithSelector(tooLarge, maxRequest + 1, maxRequest));
        _commit(
            maxRequest,
            batteries[0],
            1,
            payee,
            abi.encodeWithSelector(IFlexibilityMarket.FlexibilityUnknownRequest.selector, maxRequest)
        );
        uint256 requestId = _open(terms, "");
        _commit(requestId, maxDevice + 1, 1, payee, abi.encodeWithSelector(tooLarge, maxDevice + 1, maxDevice));
        _commit(
            requestId,
            maxDevice,
            1,
            payee,
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryUnknownDevice.selector, maxDevice)
        );
    }

    function test_commit_fromOneWattUpToTheDeviceCapacity() public {
        uint256 requestId = _open(_terms(3, 2 * BATTERY_W), "");
        bytes4 invalid = IFlexibilityMarket.FlexibilityInvalidCommitment.selector;
        _commit(requestId, batteries[0], 0, payee, abi.encodeWithSelector(invalid, 0, payee));
        _commit(requestId, batteries[0], 1, address(0), abi.encodeWithSelector(invalid, 1, address(0)));
        _commit(
            requestId,
            batteries[0],
            BATTERY_W + 1,
            payee,
            abi.encodeWithSelector(
                IFlexibilityMarket.FlexibilityExceedsDeviceCapacity.selector,
                batteries[0],
                BATTERY_W,
                BATTERY_W + 1
            )
        );
        uint256 commitmentId = _commit(requestId, batteries[0], BATTERY_W, payee, "");
        assertEq(market.getCommitment(commitmentId).capacityW, BATTERY_W, "the whole device");
    }

    /// Export needs storage or a dispatchable renewable (battery, hydro, biomass); consuming less needs a load (a
    /// flexible load or a battery). Every kind is tried in both directions, each on a request of its own.
    function test_commit_whichDeviceKindsCanDeliver() public {
        for (uint8 kind; kind <= uint8(IDeviceRegistry.DeviceKind.Fossil); ++kind) {
            uint256 deviceId = _register(providers[0], IDeviceRegistry.DeviceKind(kind));
            bool exports =
                kind == uint8(IDeviceRegistry.DeviceKind.Battery) ||
                    kind == uint8(IDeviceRegistry.DeviceKind.Hydro) ||
                    kind == uint8(IDeviceRegistry.DeviceKind.Biomass);
            bool consumesLess =
                kind == uint8(IDeviceRegistry.DeviceKind.Battery) ||
                    kind == uint8(IDeviceRegistry.DeviceKind.FlexibleLoad);
            for (uint8 direction; direction < 2; ++direction) {
                // A window of its own per direction, so that a battery can commit to both.
                IFlexibilityMarket.RequestTerms memory t = _terms(3 + 2 * direction, BATTERY_W);
                t.direction = IFlexibilityMarket.Direction(direction);
                uint256 requestId = _open(t, "");
                bool can = direction == uint8(IFlexibilityMarket.Direction.Export) ? exports : consumesLess;
                _commit(
                    requestId,
                    deviceId,
                    1,
                    payee,
                    can
                        ? bytes("")
                        : abi.encodeWithSelector(
                            IFlexibilityMarket.FlexibilityWrongDeviceKind.selector,
                            deviceId,
                            kind,
                            t.direction
                        )
                );
            }
        }
    }
}
