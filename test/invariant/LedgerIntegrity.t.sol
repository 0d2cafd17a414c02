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
import {SwitchableReceiver} from "../../contracts/mocks/SwitchableReceiver.sol";
import {TestStablecoin} from "../../contracts/tokens/TestStablecoin.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the kWh ledger and the flexibility market the way issue 12's attacker would, next to honest
/// actors: two battery meters sign genuine readings (at an hour edge's t - 1, t and t + 1, inside hours, or after an
/// outage) with the key in force when they read, an honest relayer submits them, the owners start and resume
/// metering and rotate their meters' keys, a registrar suspends and reactivates devices, a buyer opens flexibility
/// requests that the owners commit to. Device 2 belongs to a contract whose ERC-1155 hook can reject every receipt or
/// re-enter the ledger. Adversaries: a front-runner replays any genuine reading it has seen (alone, behind another
/// copy, as a resume, after a rotation, while suspended) and forges variants of it (another device, another hour,
/// another second, another counter, a retired key, one second in the future); a third party calls every
/// permissionless function and every owner-only one; anyone settles commitments with any pair of genuine readings.
/// The handler keeps its own account of what each accepted reading minted, in which hour, and what each settlement
/// proved. `ghostForbidden` counts successes of calls that must fail, `ghostStuck` failures of calls whose conditions
/// were all met, and `successes` each action's successes for the reachability test.
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
        uint256 key;
    }

    IDeviceRegistry public immutable registry;
    IMeteredEnergy public immutable energy;
    IFlexibilityMarket public immutable market;
    IERC20 public immutable token;
    SwitchableReceiver public immutable receiver;

    address[DEVICES] public owners;
    uint256[DEVICES] private _keys = [uint256(0xD1), 0xD2];
    uint256[DEVICES] public retiredKey;
    uint256 private _keyNonce;
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
    uint256 public ghostForbidden;
    string public lastForbidden;
    uint256 public ghostStuck;
    string public lastStuck;
    mapping(string action => uint256) public successes;

    constructor(uint256 start) {
        clock = start;
        TestStablecoin coin = new TestStablecoin(address(this));
        DeviceRegistry deviceRegistry = new DeviceRegistry(address(this));
        registry = deviceRegistry;
        energy = new MeteredEnergy(deviceRegistry, address(this));
        FlexibilityMarket flexibility = new FlexibilityMarket(IERC20(address(coin)), energy, address(this));
        market = flexibility;
        token = IERC20(address(coin));
        receiver = new SwitchableReceiver();
        owners = [address(0x0A1), address(receiver)];
        deviceRegistry.grantRole(deviceRegistry.REGISTRAR_ROLE(), address(this));
        flexibility.grantRole(flexibility.BUYER_ROLE(), BUYER);
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
            coin.mint(owners[d], 1e18);
        }
        VM.prank(owners[0]);
        token.approve(address(market), type(uint256).max);
        receiver.execute(address(token), abi.encodeCall(IERC20.approve, (address(market), type(uint256).max)));
        coin.mint(BUYER, 1e18);
        VM.prank(BUYER);
        token.approve(address(market), type(uint256).max);
    }

    // --- the physical world and honest actors

    /// @notice Both meters read at the same moment and sign with the key in force: at the next hour edge after now
    /// (t), one second before it (t - 1), one second after it (t + 1: no relay can bridge the interval from a reading
    /// before the edge), inside the hour, or after an outage (hours later), each with at most what its capacity
    /// allows since its own last reading.
    function read(uint256 stepSeed, uint256 energySeed) external {
        uint256 boundary = _boundary(clock);
        uint256 mode = stepSeed % 8;
        uint256 timestamp;
        if (mode < 3) timestamp = boundary;
        else if (mode == 3) timestamp = boundary - 1;
        else if (mode < 6) timestamp = clock + 1 + ((stepSeed >> 8) % (boundary - clock));
        else if (mode == 6) timestamp = boundary + 1;
        else timestamp = boundary + 1 + ((stepSeed >> 8) % (3 * HOUR));
        if (timestamp <= clock) timestamp = boundary;
        for (uint256 deviceId = 1; deviceId <= DEVICES; ++deviceId) {
            Genuine[] storage readings = _genuine[deviceId];
            if (readings.length == 0) {
                readings.push(Genuine(uint64(clock), 1_000 * deviceId, _keys[deviceId - 1]));
                continue;
            }
            Genuine memory last = readings[readings.length - 1];
            uint256 maxWh = (CAPACITY_W * (timestamp - last.timestamp)) / HOUR;
            uint256 deltaWh = uint256(keccak256(abi.encode(energySeed, deviceId))) % (maxWh + 1);
            readings.push(Genuine(uint64(timestamp), last.cumulativeWh + deltaWh, _keys[deviceId - 1]));
        }
        clock = timestamp;
        VM.warp(clock);
        ++successes["read"];
    }

    /// @notice The honest relayer submits, in one batch, every pending reading of a device signed by its current key
    /// up to the first one it cannot relay (one whose interval crosses an hour boundary). It must succeed exactly when
    /// the device is active, its interval began inside the active interval, and the owner accepts what it mints.
    function relay(uint256 deviceSeed) public {
        uint256 deviceId = _device(deviceSeed);
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        if (state.timestamp == 0) return;
        uint256[] memory indices = _relayable(deviceId, state.timestamp);
        if (indices.length == 0) return;
        uint256 count = indices.length;
        IMeteredEnergy.MeterReading[] memory batch = new IMeteredEnergy.MeterReading[](count);
        bytes[] memory signatures = new bytes[](count);
        for (uint256 i; i < count; ++i) (batch[i], signatures[i]) = _signed(deviceId, indices[i]);
        bool mints = batch[count - 1].cumulativeWh > state.cumulativeWh;
        bool expected =
            !ghostSuspended[deviceId] &&
                state.timestamp >= ghostActiveSince[deviceId] &&
                !(deviceId == 2 && receiver.rejecting() && mints);
        (uint256 attempts, uint256 reentries) = (receiver.attempts(), receiver.successes());
        try energy.submitReadings(batch, signatures) {
            if (!expected) _forbidden("relay to an inactive device or a rejecting owner");
            _book(deviceId, state, batch);
            ++successes["relay"];
        } catch {
            if (expected) _stuck("relay");
        }
        _checkReentry(attempts, reentries);
    }

    /// @notice The owner starts metering (with the earliest current-key reading since the device became active) or
    /// resumes it (with the next one); a resume must fail exactly when a relay could bridge the interval.
    function ownerResume(uint256 deviceSeed) external {
        uint256 deviceId = _device(deviceSeed);
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        Genuine[] storage readings = _genuine[deviceId];
        uint256 index = readings.length;
        for (uint256 i; i < readings.length; ++i) {
            Genuine storage genuine = readings[i];
            if (
                genuine.timestamp > state.timestamp &&
                genuine.timestamp >= ghostActiveSince[deviceId] &&
                genuine.key == _keys[deviceId - 1]
            ) {
                index = i;
                break;
            }
        }
        if (index == readings.length) return;
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(deviceId, index);
        bool expected =
            !ghostSuspended[deviceId] &&
                (state.timestamp == 0 ||
                    reading.timestamp > _boundary(state.timestamp) ||
                    state.timestamp < ghostActiveSince[deviceId]);
        VM.prank(owners[deviceId - 1]);
        try energy.resumeMetering(reading, signature) {
            if (!expected) _forbidden("resume over a bridgeable interval or while suspended");
            if (state.timestamp == 0) {
                ghostStarted[deviceId] = true;
                ghostBaselineWh[deviceId] = reading.cumulativeWh;
            } else {
                ghostGapWh[deviceId] += reading.cumulativeWh - state.cumulativeWh;
            }
            ++successes["ownerResume"];
        } catch {
            if (expected) _stuck("ownerResume");
        }
    }

    /// @notice The owner tries to start metering from a genuine-looking reading taken before the device's active
    /// interval began (before commissioning or before its reactivation); it must never be accepted.
    function ownerStartsEarly(uint256 deviceSeed, uint256 earlierBy) external {
        uint256 deviceId = _device(deviceSeed);
        uint64 activeSince = ghostActiveSince[deviceId];
        uint64 timestamp = uint64(activeSince - 1 - (earlierBy % HOUR));
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, 0, timestamp);
        bytes memory signature = _sign(_keys[deviceId - 1], reading);
        VM.prank(owners[deviceId - 1]);
        try energy.resumeMetering(reading, signature) {
            ++ghostMintedOutsideActive;
        } catch {
            ++successes["ownerStartsEarly"];
        }
    }

    /// @notice The owner rotates the meter's key to a fresh one; readings signed by the old key are never accepted
    /// again (the relayer skips them, the front-runner keeps trying them).
    function rotate(uint256 deviceSeed) external {
        uint256 deviceId = _device(deviceSeed);
        uint256 newKey = 0xE000 + ++_keyNonce;
        VM.prank(owners[deviceId - 1]);
        try registry.rotateSigner(deviceId, VM.addr(newKey)) {
            retiredKey[deviceId - 1] = _keys[deviceId - 1];
            _keys[deviceId - 1] = newKey;
            ++successes["rotate"];
        } catch {
            _stuck("rotate");
        }
    }

    function suspend(uint256 deviceSeed) external {
        uint256 deviceId = _device(deviceSeed);
        if (ghostSuspended[deviceId]) return;
        registry.suspendDevice(deviceId, "audit");
        ghostSuspended[deviceId] = true;
        ++successes["suspend"];
    }

    function reactivate(uint256 deviceSeed) external {
        uint256 deviceId = _device(deviceSeed);
        if (!ghostSuspended[deviceId]) return;
        registry.reactivateDevice(deviceId, "cleared");
        ghostSuspended[deviceId] = false;
        ghostActiveSince[deviceId] = uint64(block.timestamp);
        ++successes["reactivate"];
    }

    /// @notice Device 2's owner contract accepts receipts, rejects them all, or arms a re-entry into the ledger (a
    /// relay of device 1's pending readings) for its next receipt; the re-entry must never succeed.
    function setReceiver(uint8 mode) external {
        mode %= 4;
        receiver.setRejecting(mode == 2);
        if (mode == 3) {
            IMeteredEnergy.MeterState memory state = energy.meterState(1);
            uint256[] memory indices = state.timestamp == 0 ? new uint256[](0) : _relayable(1, state.timestamp);
            IMeteredEnergy.MeterReading[] memory batch = new IMeteredEnergy.MeterReading[](indices.length);
            bytes[] memory signatures = new bytes[](indices.length);
            for (uint256 i; i < indices.length; ++i) (batch[i], signatures[i]) = _signed(1, indices[i]);
            receiver.arm(address(energy), abi.encodeCall(IMeteredEnergy.submitReadings, (batch, signatures)));
        }
        ++successes["setReceiver"];
    }

    function warp(uint256 seconds_) external {
        clock += 1 + (seconds_ % (6 * HOUR));
        VM.warp(clock);
        ++successes["warp"];
    }

    // --- flexibility

    /// @notice The buyer opens a 1- or 2-hour export window a few hours ahead, with a random tolerance, and the
    /// device's owner commits to it (unless the device already holds one of those hours).
    function openAndCommit(uint256 deviceSeed, uint256 hoursAhead, uint256 termsSeed) external {
        uint256 deviceId = _device(deviceSeed);
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
        // The commitment token is an ERC-1155 receipt too; an armed re-entry there is outside any ledger call.
        if (deviceId == 2) receiver.disarm();
        VM.prank(owners[deviceId - 1]);
        try market.commit(requestId, deviceId, uint96(CAPACITY_W), owners[deviceId - 1]) {
            ++successes["commit"];
        } catch {}
    }

    /// @notice Anyone (here the third party) settles a commitment with a pair of genuine readings of its device:
    /// the best pair inside the window, or any pair at all (wide pairs spanning adjacent windows included).
    function settle(uint256 commitmentSeed, uint256 pairSeed) external {
        uint256 count = market.commitmentCount();
        if (count == 0) return;
        // The newest unsettled commitment whose window is over (older ones are mostly past their deadline); the
        // seed may skip one.
        uint256 commitmentId;
        uint256 skip = commitmentSeed % 2;
        for (uint256 id = count; id != 0 && id + 8 > count; --id) {
            IFlexibilityMarket.Commitment memory candidate = market.getCommitment(id);
            if (candidate.settled || market.getRequest(candidate.requestId).windowEnd > block.timestamp) continue;
            commitmentId = id;
            if (skip == 0) break;
            --skip;
        }
        if (commitmentId == 0) return;
        IFlexibilityMarket.Commitment memory commitment = market.getCommitment(commitmentId);
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
            ++successes["settle"];
            if (start.timestamp < request.windowStart || end.timestamp > request.windowEnd) ++ghostProofsOutsideWindow;
            // The device-hours the proof's interval (start, end] measured.
            for (uint256 h = start.timestamp / HOUR; h <= (end.timestamp - 1) / HOUR; ++h) {
                if (ghostProvenBy[commitment.deviceId][h] != 0) ++ghostDoubleProofs;
                ghostProvenBy[commitment.deviceId][h] = commitmentId;
            }
        } catch {}
    }

    // --- the front-runner and the third party

    /// @notice The front-runner copies any genuine reading it has seen (including ones signed by a retired key, and
    /// while the device is suspended) and submits it alone, in a batch behind another copy, or as a resume. Whatever
    /// it does, what the owner can mint must not shrink, and it must never start or resume a device's metering.
    function replay(uint256 deviceSeed, uint256 indexSeed, uint256 otherSeed, uint8 mode) external {
        uint256 deviceId = _device(deviceSeed);
        uint256 length = _genuine[deviceId].length;
        if (length == 0) return;
        IMeteredEnergy.MeterState memory before = energy.meterState(deviceId);
        uint256 mintableBefore = _mintable(deviceId);
        (uint256 attempts, uint256 reentries) = (receiver.attempts(), receiver.successes());
        VM.startPrank(ATTACKER);
        _replay(deviceId, before, indexSeed % length, otherSeed % length, mode % 3);
        VM.stopPrank();
        _checkReentry(attempts, reentries);
        ++successes["replay"];
        if (before.timestamp == 0 && energy.meterState(deviceId).timestamp != 0) ++ghostThirdPartyStarts;
        uint256 mintableAfter = _mintable(deviceId);
        if (mintableAfter < mintableBefore) ghostThirdPartyLossWh += mintableBefore - mintableAfter;
    }

    function _replay(
        uint256 deviceId,
        IMeteredEnergy.MeterState memory before,
        uint256 index,
        uint256 otherIndex,
        uint256 mode
    ) private {
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(deviceId, index);
        if (mode == 0) {
            try energy.submitReading(reading, signature) {
                if (_genuine[deviceId][index].key != _keys[deviceId - 1] || ghostSuspended[deviceId]) {
                    _forbidden("replay signed by a retired key or while suspended");
                }
                _bookOne(deviceId, before, reading);
            } catch {}
        } else if (mode == 1) {
            IMeteredEnergy.MeterReading[] memory batch = new IMeteredEnergy.MeterReading[](2);
            bytes[] memory signatures = new bytes[](2);
            (batch[0], signatures[0]) = _signed(deviceId, otherIndex);
            (batch[1], signatures[1]) = (reading, signature);
            // A batch of stale copies applies nothing and succeeds even while suspended; `_book` catches a mint.
            try energy.submitReadings(batch, signatures) {
                _book(deviceId, before, batch);
            } catch {}
        } else {
            try energy.resumeMetering(reading, signature) {
                ++ghostThirdPartyStarts;
            } catch {}
        }
    }

    /// @notice The front-runner submits a variant of a genuine reading under its original signature (for another
    /// device, another hour, one second later, one more Wh), the next plausible reading signed by a retired key, or
    /// one signed by the current key one second in the future. Every variant must fail.
    function forge(uint256 deviceSeed, uint256 indexSeed, uint8 mode) external {
        uint256 deviceId = _device(deviceSeed);
        Genuine[] storage readings = _genuine[deviceId];
        if (readings.length == 0) return;
        (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(
            deviceId,
            indexSeed % readings.length
        );
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        mode %= 6;
        if (mode == 0) reading.deviceId = 3 - deviceId;
        else if (mode == 1) reading.timestamp += uint64(HOUR);
        else if (mode == 2) reading.timestamp += 1;
        else if (mode == 3) reading.cumulativeWh += 1;
        else if (mode == 4) {
            if (retiredKey[deviceId - 1] == 0 || state.timestamp == 0) return;
            uint64 next = state.timestamp + 1 > clock ? uint64(clock) : state.timestamp + 1;
            reading = IMeteredEnergy.MeterReading(deviceId, state.cumulativeWh, next);
            signature = _sign(retiredKey[deviceId - 1], reading);
        } else {
            reading = IMeteredEnergy.MeterReading(deviceId, state.cumulativeWh, uint64(block.timestamp + 1));
            signature = _sign(_keys[deviceId - 1], reading);
        }
        VM.prank(ATTACKER);
        try energy.submitReading(reading, signature) {
            _forbidden("forged reading accepted");
        } catch {
            ++successes["forge"];
        }
    }

    /// @notice A third party calls the owner's, registrar's and pauser's functions: start metering with a genuine
    /// reading, burn or move the owner's kWh, pause the ledger, rotate the meter's key, take the device, suspend it.
    /// Every call must fail.
    // solhint-disable-next-line function-max-lines
    function thirdParty(uint256 deviceSeed, uint8 which) external {
        uint256 deviceId = _device(deviceSeed);
        address owner = owners[deviceId - 1];
        which %= 6;
        bool ok;
        VM.startPrank(ATTACKER);
        if (which == 0) {
            if (_genuine[deviceId].length == 0) {
                VM.stopPrank();
                return;
            }
            (IMeteredEnergy.MeterReading memory reading, bytes memory signature) = _signed(
                deviceId,
                _genuine[deviceId].length - 1
            );
            try energy.resumeMetering(reading, signature) {
                ok = true;
            } catch {}
        } else if (which <= 2) {
            if (_mintedHours[deviceId].length == 0) {
                VM.stopPrank();
                return;
            }
            uint256 id = EnergyIds.batchId(deviceId, _mintedHours[deviceId][0]);
            if (energy.balanceOf(owner, id) == 0) {
                VM.stopPrank();
                return;
            }
            if (which == 1) {
                try energy.consume(owner, _one(id), _one(1), "theft") {
                    ok = true;
                } catch {}
            } else {
                try energy.safeTransferFrom(owner, ATTACKER, id, 1, "") {
                    ok = true;
                } catch {}
            }
        } else if (which == 3) {
            try energy.pause() {
                ok = true;
            } catch {}
        } else if (which == 4) {
            try registry.rotateSigner(deviceId, ATTACKER) {
                ok = true;
            } catch {}
        } else {
            try registry.setOwner(deviceId, ATTACKER) {
                ok = true;
            } catch {}
            try registry.suspendDevice(deviceId, "grief") {
                ok = true;
            } catch {}
        }
        VM.stopPrank();
        if (ok) _forbidden("third party called a guarded function");
        else ++successes["thirdParty"];
    }

    /// @notice The end of a run: the owner contract accepts receipts again and the relayer submits everything it can.
    function finish() external {
        receiver.setRejecting(false);
        for (uint256 d = 1; d <= DEVICES; ++d) relay(d - 1);
    }

    // --- views for the invariants

    function mintedHourCount(uint256 deviceId) external view returns (uint256) {
        return _mintedHours[deviceId].length;
    }

    function mintedHour(uint256 deviceId, uint256 i) external view returns (uint64) {
        return _mintedHours[deviceId][i];
    }

    /// @notice The Wh a relayer could still mint for the device from the genuine readings it holds.
    function pendingWh(uint256 deviceId) external view returns (uint256) {
        return _mintable(deviceId) - energy.mintedWh(deviceId);
    }

    // --- internals

    function _device(uint256 seed) private pure returns (uint256) {
        return 1 + (seed % DEVICES);
    }

    function _boundary(uint256 timestamp) private pure returns (uint256) {
        return (timestamp / HOUR + 1) * HOUR;
    }

    /// @dev What the owner has minted plus what relaying the pending genuine readings would still mint.
    function _mintable(uint256 deviceId) private view returns (uint256) {
        IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
        if (state.timestamp == 0) return 0;
        uint256[] memory indices = _relayable(deviceId, state.timestamp);
        uint256 pending =
            indices.length == 0 ? 0 : _genuine[deviceId][indices[indices.length - 1]].cumulativeWh - state.cumulativeWh;
        return energy.mintedWh(deviceId) + pending;
    }

    /// @dev The genuine readings after `lastTimestamp`, signed by the current key, that a relayer can submit in a
    /// row, each inside the clock hour of the previous one.
    function _relayable(uint256 deviceId, uint64 lastTimestamp) private view returns (uint256[] memory indices) {
        Genuine[] storage readings = _genuine[deviceId];
        indices = new uint256[](readings.length);
        uint256 count;
        uint64 last = lastTimestamp;
        uint256 key = _keys[deviceId - 1];
        for (uint256 i; i < readings.length; ++i) {
            Genuine storage genuine = readings[i];
            if (genuine.timestamp <= last || genuine.key != key) continue;
            if (genuine.timestamp > _boundary(last)) break;
            last = genuine.timestamp;
            indices[count++] = i;
        }
        assembly ("memory-safe") {
            mstore(indices, count)
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
        signature = _sign(genuine.key, reading);
    }

    function _sign(uint256 key, IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }

    function _one(uint256 value) private pure returns (uint256[] memory array) {
        array = new uint256[](1);
        array[0] = value;
    }

    /// @dev A re-entry fired by a receipt hook during a ledger call must have failed.
    function _checkReentry(uint256 attemptsBefore, uint256 successesBefore) private {
        if (receiver.successes() != successesBefore) _forbidden("a receipt hook re-entered the ledger");
        else if (receiver.attempts() != attemptsBefore) ++successes["reentryRefused"];
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

abstract contract LedgerWorld is Test {
    uint256 internal constant START = 1_750_000_000; // not on the hour: the first hour is a partial one

    LedgerHandler internal handler;

    function _deploy() internal {
        vm.warp(START);
        handler = new LedgerHandler(START);
    }

    /// Σ minted Wh per device = the counter's advance since the baseline − the gaps the owner reported, and the
    /// token agrees with the handler's own sum of accepted deltas.
    function _checkMintedEqualsCounterAdvanceMinusGaps() internal view {
        IMeteredEnergy energy = handler.energy();
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
    function _checkEveryWhInItsHour() internal view {
        IMeteredEnergy energy = handler.energy();
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

    function _checkAdversariesGainedNothing() internal view {
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
        assertEq(handler.ghostMintedOutsideActive(), 0, "minted outside the active interval");
        assertEq(handler.ghostThirdPartyLossWh(), 0, "energy lost to a third party");
        assertEq(handler.ghostThirdPartyStarts(), 0, "a third party started or resumed metering");
        assertEq(handler.ghostDoubleProofs(), 0, "a device-hour proved two commitments");
        assertEq(handler.ghostProofsOutsideWindow(), 0, "a proof measured outside its window");
    }

    /// From wherever a run stopped, the relayer can still mint every genuine Wh of every active device.
    function _finish() internal {
        handler.finish();
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
        IMeteredEnergy energy = handler.energy();
        for (uint256 deviceId = 1; deviceId <= handler.DEVICES(); ++deviceId) {
            IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
            if (handler.ghostSuspended(deviceId) || state.timestamp < handler.ghostActiveSince(deviceId)) continue;
            assertEq(handler.pendingWh(deviceId), 0, "a relayable Wh was left unminted");
        }
        _checkMintedEqualsCounterAdvanceMinusGaps();
        _checkEveryWhInItsHour();
    }
}

/// @notice The ledger's integrity laws under {LedgerHandler}: exactly once and in the right hour, only inside the
/// active interval, never reduced by a third party, each device-hour proving at most one flexibility commitment, and
/// no forged, replayed or re-entered call ever succeeding.
contract LedgerIntegrityInvariants is LedgerWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    /// After every run the relayer mints everything still relayable.
    function afterInvariant() public {
        _finish();
    }

    function invariant_mintedEqualsCounterAdvanceMinusGaps() public view {
        _checkMintedEqualsCounterAdvanceMinusGaps();
    }

    function invariant_everyWhInItsHour() public view {
        _checkEveryWhInItsHour();
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

    /// No forged, replayed, early or third-party call succeeded, no re-entry from a receipt hook succeeded, and no
    /// call whose conditions were all met (relay, resume, rotation) failed.
    function invariant_forbiddenNeverSucceedsAndNothingIsStuck() public view {
        _checkAdversariesGainedNothing();
    }
}

/// @notice The handler, driven by a fixed pseudo-random sequence, reaches every action (each succeeds at least
/// `MIN_SUCCESSES` times) with no forbidden success and no stuck call, and the relayer then mints every genuine Wh.
contract LedgerIntegrityReachabilityTest is LedgerWorld {
    uint256 private constant STEPS = 700;
    uint256 private constant MIN_SUCCESSES = 2;

    function setUp() public {
        _deploy();
    }

    function test_handler_reachesEveryActionAndMintsEveryGenuineWh() public {
        uint256 seed = 0x1ed9e5;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 a = seed >> 8;
            uint256 b = seed >> 72;
            uint256 c = seed >> 136;
            uint256 action = seed % 40;
            if (action < 6) handler.read(b, c);
            else if (action < 12 || action >= 37) handler.relay(a);
            else if (action < 16) handler.ownerResume(a);
            else if (action == 16) handler.ownerStartsEarly(a, b);
            else if (action == 17 && b % 3 == 0) handler.rotate(a);
            else if (action == 18 && b % 4 == 0) handler.suspend(a);
            else if (action == 19 || action == 20) handler.reactivate(a);
            else if (action == 21) handler.setReceiver(uint8(b));
            else if (action == 22) handler.warp(b);
            else if (action < 25) handler.openAndCommit(a, b, c);
            else if (action < 30) handler.settle(a, b);
            else if (action < 33) handler.replay(a, b, c, uint8(c >> 64));
            else if (action < 35) handler.forge(a, b, uint8(c));
            else if (action < 37) handler.thirdParty(a, uint8(b));
        }
        string[15] memory actions = [
            "read",
            "relay",
            "ownerResume",
            "ownerStartsEarly",
            "rotate",
            "suspend",
            "reactivate",
            "setReceiver",
            "warp",
            "commit",
            "settle",
            "replay",
            "forge",
            "thirdParty",
            "reentryRefused"
        ];
        for (uint256 i; i < actions.length; ++i) {
            // A settlement needs readings bracketing a window that the ledger has passed: the rarest state.
            assertGe(handler.successes(actions[i]), i == 10 ? 1 : MIN_SUCCESSES, actions[i]);
        }
        _checkAdversariesGainedNothing();
        _finish();
    }
}
