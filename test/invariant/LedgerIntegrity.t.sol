// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {FlexibilityMarket} from "../../contracts/flexibility/FlexibilityMarket.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IFlexibilityMarket} from "../../contracts/interfaces/IFlexibilityMarket.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the kWh ledger and the flexibility market the way issue 12's attacker would, next to honest
/// actors: two battery meters sign genuine readings (on hour boundaries, inside hours, or after an outage), an honest
/// relayer submits them, the owners start and resume metering, a registrar suspends and reactivates devices, a buyer
/// opens flexibility requests that the owners commit to, and a third party replays any genuine reading it has seen
/// (through `submitReading`, `submitReadings` and `resumeMetering`) and tries to settle commitments with any pair of
/// genuine readings. The handler keeps its own account of what each accepted reading minted, in which hour, and what
/// each settlement proved, so the invariants can compare the contracts with it.
// solhint-disable-next-line max-states-count
contract LedgerHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 public constant DEVICES = 2;
    uint256 public constant CAPACITY_W = 2_000_000;
    uint256 private constant HOUR = 3600;
    address public constant ATTACKER = address(0xA77AC4);
    address public constant BUYER = address(0xB0E5);

    struct Genuine {
        uint64 timestamp;
        uint256 cumulativeWh;
    }

    DeviceRegistry public immutable registry;
    MeteredEnergy public immutable energy;
    FlexibilityMarket public immutable market;
    TestStablecoin public immutable token;

    address[DEVICES] public owners = [address(0x0A1), address(0x0A2)];
    uint256[DEVICES] private _keys = [uint256(0xD1), 0xD2];
    uint256 public clock;
    mapping(uint256 deviceId => Genuine[]) private _genuine;

    // the handler's own account
    mapping(uint256 deviceId => bool) public ghostStarted;
    mapping(uint256 deviceId => uint256) public ghostBaselineWh;
    mapping(uint256 deviceId => uint256) public ghostGapWh;
    mapping(uint256 deviceId => uint256) public ghostMintedWh;
    mapping(uint256 deviceId => mapping(uint64 hourIndex => uint256)) public ghostMintedInHour;
    mapping(uint256 deviceId => uint64[]) private _mintedHours;
    mapping(uint256 deviceId => mapping(uint64 hourIndex => bool)) private _knownHour;
    mapping(uint256 deviceId => uint64) public ghostActiveSince;
    mapping(uint256 deviceId => bool) public ghostSuspended;
    mapping(uint256 deviceId => mapping(uint256 hourIndex => uint256 commitmentId)) public ghostProvenBy;
    uint256 public ghostMintedOutsideActive;
    uint256 public ghostMintedAcrossHours;
    uint256 public ghostThirdPartyLossWh;
    uint256 public ghostThirdPartyStarts;
    uint256 public ghostDoubleProofs;
    uint256 public ghostProofsOutsideWindow;
    uint256 public ghostRelayed;
    uint256 public ghostResumes;
    uint256 public ghostSettlements;

    constructor(uint256 start) {
        clock = start;
        token = new TestStablecoin(address(this));
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        market = new FlexibilityMarket(IERC20(address(token)), energy, address(this));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(this));
        market.grantRole(market.BUYER_ROLE(), BUYER);
        for (uint256 d; d < DEVICES; ++d) {
            registry.registerDevice(
                IDeviceRegistry.DeviceRegistration({
                    signer: VM.addr(_keys[d]),
                    owner: owners[d],
                    kind: IDeviceRegistry.DeviceKind.Battery,
                    capacityW: uint96(CAPACITY_W),
                    gridZone: "ERCOT-NORTH",
                    commissionedAt: uint64(start),
                    metadataURI: ""
                })
            );
            ghostActiveSince[d + 1] = uint64(start);
            token.mint(owners[d], 1e18);
            VM.prank(owners[d]);
            token.approve(address(market), type(uint256).max);
        }
        token.mint(BUYER, 1e18);
        VM.prank(BUYER);
        token.approve(address(market), type(uint256).max);
    }

    // --- the physical world and honest actors

    /// @notice A meter signs its next reading: on the next hour boundary, inside the hour, or after an outage (hours
    /// later), with at most what its capacity allows.
    function read(uint256 deviceSeed, uint256 stepSeed, uint256 energySeed) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        Genuine[] storage readings = _genuine[deviceId];
        if (readings.length == 0) {
            readings.push(Genuine(uint64(clock), 1_000 * deviceId));
            return;
        }
        Genuine memory last = readings[readings.length - 1];
        uint256 boundary = (last.timestamp / HOUR + 1) * HOUR;
        uint256 timestamp;
        uint256 mode = stepSeed % 4;
        if (mode < 2) timestamp = boundary;
        else if (mode == 2) timestamp = last.timestamp + 1 + ((stepSeed >> 8) % (boundary - last.timestamp));
        else timestamp = boundary + 1 + ((stepSeed >> 8) % (3 * HOUR));
        uint256 maxWh = (CAPACITY_W * (timestamp - last.timestamp)) / HOUR;
        readings.push(Genuine(uint64(timestamp), last.cumulativeWh + (energySeed % (maxWh + 1))));
        if (timestamp > clock) {
            clock = timestamp;
            VM.warp(clock);
        }
    }

    /// @notice The honest relayer submits, in one batch, every pending reading of a device up to the first one it
    /// cannot relay (one whose interval crosses an hour boundary).
    function relay(uint256 deviceSeed) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        if (state.timestamp == 0) return;
        (uint256 from, uint256 count) = _relayable(deviceId, state.timestamp);
        if (count == 0) return;
        IMeteredEnergy.MeterReading[] memory batch = new IMeteredEnergy.MeterReading[](count);
        bytes[] memory signatures = new bytes[](count);
        for (uint256 i; i < count; ++i) (batch[i], signatures[i]) = _signed(deviceId, from + i);
        try energy.submitReadings(batch, signatures) {
            _book(deviceId, state, batch);
            ++ghostRelayed;
        } catch {}
    }

    /// @notice The owner starts metering (with the earliest reading since the device became active) or resumes it
    /// (with the next pending reading); the call fails harmlessly when a relay could bridge the interval.
    function ownerResume(uint256 deviceSeed) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        Genuine[] storage readings = _genuine[deviceId];
        uint256 index = readings.length;
        for (uint256 i; i < readings.length; ++i) {
            if (readings[i].timestamp > state.timestamp && readings[i].timestamp >= ghostActiveSince[deviceId]) {
                index = i;
                break;
            }
        }
        if (index == readings.length) return;
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(deviceId, index);
        VM.prank(owners[deviceId - 1]);
        try energy.resumeMetering(reading, signature) {
            if (ghostSuspended[deviceId] || reading.timestamp < ghostActiveSince[deviceId]) ++ghostMintedOutsideActive;
            if (state.timestamp == 0) {
                ghostStarted[deviceId] = true;
                ghostBaselineWh[deviceId] = reading.cumulativeWh;
            } else {
                ghostGapWh[deviceId] += reading.cumulativeWh - state.cumulativeWh;
                ++ghostResumes;
            }
        } catch {}
    }

    /// @notice The owner tries to start metering from a genuine-looking reading taken before the device's active
    /// interval began (before commissioning or before its reactivation); it must never be accepted.
    function ownerStartsEarly(uint256 deviceSeed, uint256 earlierBy) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        uint64 activeSince = ghostActiveSince[deviceId];
        uint64 timestamp = uint64(activeSince - 1 - (earlierBy % HOUR));
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, 0, timestamp);
        bytes memory signature = _sign(deviceId, reading);
        VM.prank(owners[deviceId - 1]);
        try energy.resumeMetering(reading, signature) {
            ++ghostMintedOutsideActive;
        } catch {}
    }

    function suspend(uint256 deviceSeed) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        if (ghostSuspended[deviceId]) return;
        registry.suspendDevice(deviceId, "audit");
        ghostSuspended[deviceId] = true;
    }

    function reactivate(uint256 deviceSeed) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        if (!ghostSuspended[deviceId]) return;
        registry.reactivateDevice(deviceId, "cleared");
        ghostSuspended[deviceId] = false;
        ghostActiveSince[deviceId] = uint64(block.timestamp);
    }

    function warp(uint256 seconds_) external {
        clock += 1 + (seconds_ % (6 * HOUR));
        VM.warp(clock);
    }

    // --- flexibility

    /// @notice The buyer opens a 1- or 2-hour export window a few hours ahead, with a random tolerance, and the
    /// device's owner commits to it (unless the device already holds one of those hours).
    function openAndCommit(uint256 deviceSeed, uint256 hoursAhead, uint256 termsSeed) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        if (ghostSuspended[deviceId]) return;
        uint64 windowStart = uint64((clock / HOUR + 1 + (hoursAhead % 6)) * HOUR);
        uint32[3] memory tolerances = [uint32(0), 900, 3600];
        IFlexibilityMarket.RequestTerms memory terms = IFlexibilityMarket.RequestTerms({
            gridZone: "ERCOT-NORTH",
            direction: IFlexibilityMarket.Direction.Export,
            windowStart: windowStart,
            windowEnd: windowStart + uint64(HOUR * (1 + (termsSeed % 2))),
            commitDeadline: windowStart,
            settlementDeadline: windowStart + 3 days,
            capacityW: uint96(CAPACITY_W),
            pricePerWh: 1,
            stakeBps: 5_000,
            readingTolerance: tolerances[(termsSeed >> 8) % 3]
        });
        VM.prank(BUYER);
        uint256 requestId = market.openRequest(terms);
        VM.prank(owners[deviceId - 1]);
        try market.commit(requestId, deviceId, uint96(CAPACITY_W), owners[deviceId - 1]) {} catch {}
    }

    /// @notice Anyone (here the third party) settles a commitment with a pair of genuine readings of its device:
    /// the best pair inside the window, or any pair at all (wide pairs spanning adjacent windows included).
    function settle(uint256 commitmentSeed, uint256 pairSeed) external {
        uint256 count = market.commitmentCount();
        if (count == 0) return;
        uint256 commitmentId = 1 + (commitmentSeed % count);
        IFlexibilityMarket.Commitment memory commitment = market.getCommitment(commitmentId);
        if (commitment.settled) return;
        Genuine[] storage readings = _genuine[commitment.deviceId];
        if (readings.length < 2) return;
        IFlexibilityMarket.Request memory request = market.getRequest(commitment.requestId);
        (uint256 first, uint256 second) = pairSeed % 2 == 0
            ? _insideWindow(readings, request)
            : ((pairSeed >> 8) % readings.length, (pairSeed >> 16) % readings.length);
        if (first >= second || second >= readings.length) return;
        (IMeteredEnergy.MeterReading memory start, bytes memory startSignature) = _signed(commitment.deviceId, first);
        (IMeteredEnergy.MeterReading memory end, bytes memory endSignature) = _signed(commitment.deviceId, second);
        VM.prank(ATTACKER);
        try market.settleWithReadings(commitmentId, start, startSignature, end, endSignature) {
            ++ghostSettlements;
            if (start.timestamp < request.windowStart || end.timestamp > request.windowEnd) ++ghostProofsOutsideWindow;
            // The device-hours the proof's interval (start, end] measured.
            for (uint256 h = start.timestamp / HOUR; h <= (end.timestamp - 1) / HOUR; ++h) {
                if (ghostProvenBy[commitment.deviceId][h] != 0) ++ghostDoubleProofs;
                ghostProvenBy[commitment.deviceId][h] = commitmentId;
            }
        } catch {}
    }

    // --- the third party

    /// @notice The third party copies any genuine reading it has seen and submits it alone, in a batch behind
    /// another copy, or as a resume. Whatever it does, what the owner can mint must not shrink, and it must never
    /// start or resume a device's metering.
    function replay(uint256 deviceSeed, uint256 indexSeed, uint256 otherSeed, uint8 mode) external {
        uint256 deviceId = 1 + (deviceSeed % DEVICES);
        Genuine[] storage readings = _genuine[deviceId];
        if (readings.length == 0) return;
        IMeteredEnergy.MeterState memory before = energy.meterState(deviceId);
        uint256 mintableBefore = _mintable(deviceId);
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(
            deviceId,
            indexSeed % readings.length
        );
        VM.startPrank(ATTACKER);
        if (mode % 3 == 0) {
            try energy.submitReading(reading, signature) {
                _bookOne(deviceId, before, reading);
            } catch {}
        } else if (mode % 3 == 1) {
            IMeteredEnergy.MeterReading[] memory batch = new IMeteredEnergy.MeterReading[](2);
            bytes[] memory signatures = new bytes[](2);
            (batch[0], signatures[0]) = _signed(deviceId, otherSeed % readings.length);
            (batch[1], signatures[1]) = (reading, signature);
            try energy.submitReadings(batch, signatures) {
                _book(deviceId, before, batch);
            } catch {}
        } else {
            try energy.resumeMetering(reading, signature) {
                ++ghostThirdPartyStarts;
            } catch {}
        }
        VM.stopPrank();
        if (before.timestamp == 0 && energy.meterState(deviceId).timestamp != 0) ++ghostThirdPartyStarts;
        uint256 mintableAfter = _mintable(deviceId);
        if (mintableAfter < mintableBefore) ghostThirdPartyLossWh += mintableBefore - mintableAfter;
    }

    // --- views for the invariants

    function mintedHourCount(uint256 deviceId) external view returns (uint256) {
        return _mintedHours[deviceId].length;
    }

    function mintedHour(uint256 deviceId, uint256 i) external view returns (uint64) {
        return _mintedHours[deviceId][i];
    }

    // --- internals

    /// @dev What the owner has minted plus what relaying the pending genuine readings would still mint.
    function _mintable(uint256 deviceId) private view returns (uint256) {
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        if (state.timestamp == 0) return 0;
        (uint256 from, uint256 count) = _relayable(deviceId, state.timestamp);
        uint256 pending = count == 0 ? 0 : _genuine[deviceId][from + count - 1].cumulativeWh - state.cumulativeWh;
        return energy.mintedWh(deviceId) + pending;
    }

    /// @dev The run of genuine readings after `lastTimestamp` that a relayer can submit, each inside the clock hour
    /// of the previous one.
    function _relayable(uint256 deviceId, uint64 lastTimestamp) private view returns (uint256 from, uint256 count) {
        Genuine[] storage readings = _genuine[deviceId];
        from = readings.length;
        for (uint256 i; i < readings.length; ++i) {
            if (readings[i].timestamp > lastTimestamp) {
                from = i;
                break;
            }
        }
        uint64 last = lastTimestamp;
        for (uint256 i = from; i < readings.length; ++i) {
            if (readings[i].timestamp > (last / HOUR + 1) * HOUR) break;
            last = readings[i].timestamp;
            ++count;
        }
    }

    /// @dev The first genuine reading at or after the window start and the last at or before its end.
    function _insideWindow(
        Genuine[] storage readings,
        IFlexibilityMarket.Request memory request
    ) private view returns (uint256 first, uint256 second) {
        first = type(uint256).max;
        for (uint256 i; i < readings.length; ++i) {
            uint64 timestamp = readings[i].timestamp;
            if (timestamp >= request.windowStart && first == type(uint256).max) first = i;
            if (timestamp <= request.windowEnd) second = i;
        }
    }

    /// @dev Books the readings of a batch that the ledger applied (those newer than the state before it).
    function _book(
        uint256 deviceId,
        IMeteredEnergy.MeterState memory before,
        IMeteredEnergy.MeterReading[] memory batch
    ) private {
        IMeteredEnergy.MeterState memory state = IMeteredEnergy.MeterState(
            before.cumulativeWh,
            before.timestamp,
            before.baselineWh
        );
        for (uint256 i; i < batch.length; ++i) {
            if (batch[i].timestamp <= state.timestamp) continue;
            _bookOne(deviceId, state, batch[i]);
            state.timestamp = batch[i].timestamp;
            state.cumulativeWh = uint128(batch[i].cumulativeWh);
        }
    }

    /// @dev Books one applied reading: its interval must lie in one clock hour of the active interval.
    function _bookOne(
        uint256 deviceId,
        IMeteredEnergy.MeterState memory previous,
        IMeteredEnergy.MeterReading memory reading
    ) private {
        uint64 hourIndex = uint64(previous.timestamp / HOUR);
        if ((reading.timestamp - 1) / HOUR != hourIndex) ++ghostMintedAcrossHours;
        if (ghostSuspended[deviceId] || previous.timestamp < ghostActiveSince[deviceId]) ++ghostMintedOutsideActive;
        uint256 deltaWh = reading.cumulativeWh - previous.cumulativeWh;
        ghostMintedWh[deviceId] += deltaWh;
        ghostMintedInHour[deviceId][hourIndex] += deltaWh;
        if (!_knownHour[deviceId][hourIndex]) {
            _knownHour[deviceId][hourIndex] = true;
            _mintedHours[deviceId].push(hourIndex);
        }
    }

    function _signed(
        uint256 deviceId,
        uint256 index
    ) private view returns (IMeteredEnergy.MeterReading memory reading, bytes memory signature) {
        Genuine memory genuine = _genuine[deviceId][index];
        reading = IMeteredEnergy.MeterReading(deviceId, genuine.cumulativeWh, genuine.timestamp);
        signature = _sign(deviceId, reading);
    }

    function _sign(uint256 deviceId, IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(_keys[deviceId - 1], energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }
}

/// @notice The ledger's integrity laws under {LedgerHandler}: exactly once and in the right hour, only inside the
/// active interval, never reduced by a third party, and each device-hour proving at most one flexibility commitment.
contract LedgerIntegrityInvariants is Test {
    uint256 private constant START = 1_750_000_000; // not on the hour: the first hour is a partial one

    LedgerHandler private handler;

    function setUp() public {
        vm.warp(START);
        handler = new LedgerHandler(START);
        targetContract(address(handler));
    }

    /// Σ minted Wh per device = the counter's advance since the baseline − the gaps the owner reported, and the
    /// token agrees with the handler's own sum of accepted deltas.
    function invariant_mintedEqualsCounterAdvanceMinusGaps() public view {
        MeteredEnergy energy = handler.energy();
        for (uint256 deviceId = 1; deviceId <= handler.DEVICES(); ++deviceId) {
            IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
            assertEq(energy.mintedWh(deviceId), handler.ghostMintedWh(deviceId), "minted = accepted deltas");
            if (!handler.ghostStarted(deviceId)) {
                assertEq(state.timestamp, 0, "only the owner starts metering");
                continue;
            }
            assertEq(
                handler.ghostMintedWh(deviceId),
                state.cumulativeWh - handler.ghostBaselineWh(deviceId) - handler.ghostGapWh(deviceId),
                "counter advance - gaps"
            );
            assertEq(state.baselineWh, handler.ghostBaselineWh(deviceId) + handler.ghostGapWh(deviceId), "baseline");
        }
    }

    /// Every minted Wh sits in the batch of the clock hour its interval lies in, held by the owner.
    function invariant_everyWhInItsHour() public view {
        MeteredEnergy energy = handler.energy();
        for (uint256 deviceId = 1; deviceId <= handler.DEVICES(); ++deviceId) {
            uint256 sum;
            for (uint256 i; i < handler.mintedHourCount(deviceId); ++i) {
                uint64 hourIndex = handler.mintedHour(deviceId, i);
                uint256 balance = energy.balanceOf(
                    handler.owners(deviceId - 1),
                    EnergyIds.batchId(deviceId, hourIndex)
                );
                assertEq(balance, handler.ghostMintedInHour(deviceId, hourIndex), "hour batch");
                sum += balance;
            }
            assertEq(sum, energy.mintedWh(deviceId), "no Wh outside the booked hours");
        }
        assertEq(handler.ghostMintedAcrossHours(), 0, "an interval across an hour boundary minted");
    }

    /// Nothing is minted (or started) outside a device's active interval: before commissioning, while suspended, or
    /// over an interval that began before a reactivation.
    function invariant_nothingMintedOutsideTheActiveInterval() public view {
        assertEq(handler.ghostMintedOutsideActive(), 0, "minted outside the active interval");
    }

    /// A third party replaying copied readings never reduces what the owner can mint, and never starts or resumes
    /// metering.
    function invariant_thirdPartyNeverReducesWhatTheOwnerCanMint() public view {
        assertEq(handler.ghostThirdPartyLossWh(), 0, "energy lost to a third party");
        assertEq(handler.ghostThirdPartyStarts(), 0, "a third party started or resumed metering");
    }

    /// No device-hour proves two flexibility commitments, and no proof measures outside its window.
    function invariant_noDeviceHourProvesTwoCommitments() public view {
        assertEq(handler.ghostDoubleProofs(), 0, "a device-hour proved two commitments");
        assertEq(handler.ghostProofsOutsideWindow(), 0, "a proof measured outside its window");
    }

    /// The handler reaches the states the invariants speak about: relayed mints, a resume after an outage, a
    /// third party's replays and a settled commitment.
    function test_handler_reachesMintsResumesReplaysAndSettlements() public {
        handler.read(0, 0, 0); // device 1's first reading: the baseline candidate
        handler.ownerResume(0);
        handler.openAndCommit(0, 0, 0); // a 1-hour window starting at the next hour boundary, tolerance 0
        handler.read(0, 0, 1_000_000); // on the boundary: the window start
        handler.read(0, 0, 1_500_000); // on the next boundary: the window end
        handler.replay(0, 2, 0, 0); // the third party copies the latest reading: it crosses an hour, refused
        handler.relay(0);
        assertEq(handler.ghostRelayed(), 1, "relayed");
        handler.settle(0, 0);
        assertEq(handler.ghostSettlements(), 1, "settled");
        handler.read(0, 3, 7); // an outage: the next reading crosses an hour boundary
        handler.replay(0, 3, 0, 2); // the third party tries to resume from it
        handler.relay(0); // the relayer cannot bridge it
        handler.ownerResume(0);
        assertEq(handler.ghostResumes(), 1, "resumed");
        assertGe(handler.ghostMintedWh(1), 1, "minted");
        invariant_mintedEqualsCounterAdvanceMinusGaps();
        invariant_everyWhInItsHour();
        invariant_nothingMintedOutsideTheActiveInterval();
        invariant_thirdPartyNeverReducesWhatTheOwnerCanMint();
        invariant_noDeviceHourProvesTwoCommitments();
    }
}
