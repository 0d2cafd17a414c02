// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {SwitchableReceiver} from "../../contracts/mocks/SwitchableReceiver.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the device registry, and the kWh ledger on top of it, the way its users and attackers would. The
/// handler is a registrar; a second registrar's role is granted and revoked by the admin. Three owners (the second a
/// contract whose receipt hook can reject every mint or try to re-enter the ledger) rotate their meters' keys (to
/// fresh keys and back to keys they retired, on devices in any status) and hand devices to each other; registrars
/// register, suspend, reactivate, decommission devices and change their metadata. Meters read at the current time
/// with the key in force, owners start and resume metering. Adversaries: a stranger, a previous owner and the other
/// owners call every owner-only and registrar-only function and change roles; a front-runner signs or replays
/// readings with retired keys, with the current key at times before its `signerSince` (t - 1 of the rotation edge),
/// at the edge itself, one second in the future, across an hour, over capacity.
/// The handler keeps its own model of every device (owner, key, status, `signerSince`, `activeSince`, capacity,
/// metadata) and meter (counter, time), built from its inputs only. Every ledger submission is judged by that model:
/// `ghostForbidden` counts successes the model says must fail, `ghostStuck` failures it says must succeed, and
/// `successes` each action's successes (or, for attacks, refused attempts) for the reachability test.
// solhint-disable-next-line max-states-count
contract RegistryHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 private constant HOUR = 3600;
    uint256 public constant MAX_DEVICES = 6;
    uint256 public constant OWNERS = 3;
    address public constant ADMIN = address(0xAD);
    address public constant STRANGER = address(0xBAD);
    address public constant REGISTRAR2 = address(0x4E6);
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Only the handler itself measures a relay (the fuzzer calls it directly too).
    error RegistryHandlerOnlySelf(address caller);

    struct Model {
        uint256 key;
        bytes32 metadataHash;
        address owner;
        uint96 capacityW;
        uint64 signerSince;
        uint64 activeSince;
        uint64 commissionedAt;
        IDeviceRegistry.DeviceStatus status;
    }

    struct Meter {
        uint64 timestamp;
        uint256 cumulativeWh;
        uint256 mintedWh;
    }

    DeviceRegistry public immutable registry;
    MeteredEnergy public immutable energy;
    SwitchableReceiver public immutable receiver;

    address[OWNERS] public owners;
    uint256 public clock;
    uint256 public deviceCount;
    uint256 private _keyNonce;
    mapping(uint256 deviceId => Model) private _model;
    mapping(uint256 deviceId => Meter) private _meter;
    mapping(uint256 deviceId => uint256[]) private _retiredKeys;
    mapping(uint256 deviceId => uint64[]) private _mintedHours;
    mapping(uint256 deviceId => mapping(uint64 hourIndex => uint256)) public ghostMintedInHour;
    mapping(address account => bool) public ghostIsRegistrar;

    uint256 public ghostForbidden;
    string public lastForbidden;
    uint256 public ghostStuck;
    string public lastStuck;
    uint256 public ghostStaleKeyMints;
    mapping(string action => uint256) public successes;

    constructor(DeviceRegistry registry_, MeteredEnergy energy_, uint256 start) {
        registry = registry_;
        energy = energy_;
        receiver = new SwitchableReceiver();
        owners = [address(0x0A1), address(receiver), address(0x0A3)];
        clock = start;
        ghostIsRegistrar[address(this)] = true;
    }

    // --- registrars

    /// @notice A registrar (the handler, or the second registrar whether or not it holds the role) registers a
    /// device for an owner, commissioned up to a day ago; one time in five the registration is invalid (zero signer,
    /// zero owner, zero capacity, an invalid zone, commissioned one second in the future) and must be refused.
    function register(uint256 ownerSeed, uint256 capacitySeed, uint256 registrarSeed, uint8 mode) external {
        if (deviceCount == MAX_DEVICES) return;
        address registrar = registrarSeed % 3 == 0 ? REGISTRAR2 : address(this);
        uint256 key = _freshKey();
        IDeviceRegistry.DeviceRegistration memory registration = IDeviceRegistry.DeviceRegistration({
            signer: VM.addr(key),
            owner: owners[(ownerSeed % 3 == 0 ? ownerSeed >> 2 : deviceCount) % OWNERS],
            kind: IDeviceRegistry.DeviceKind.Solar,
            capacityW: uint96(1_000 + (capacitySeed % 5_000_000)),
            gridZone: "ERCOT-NORTH",
            commissionedAt: uint64(clock - ((capacitySeed >> 32) % 1 days)),
            metadataURI: "ipfs://device"
        });
        mode %= 10;
        if (mode == 5) registration.signer = address(0);
        else if (mode == 6) registration.owner = address(0);
        else if (mode == 7) registration.capacityW = 0;
        else if (mode == 8) registration.gridZone = "ercot-north";
        else if (mode == 9) registration.commissionedAt = uint64(clock + 1);
        bool expected = mode < 5 && ghostIsRegistrar[registrar];
        VM.prank(registrar);
        try registry.registerDevice(registration) returns (uint256 deviceId) {
            if (!expected) return _forbidden("invalid or unauthorised registration");
            if (deviceId != deviceCount + 1) return _forbidden("device id not sequential");
            deviceCount = deviceId;
            _model[deviceId] = Model({
                key: key,
                metadataHash: keccak256(bytes(registration.metadataURI)),
                owner: registration.owner,
                capacityW: registration.capacityW,
                signerSince: registration.commissionedAt,
                activeSince: registration.commissionedAt,
                commissionedAt: registration.commissionedAt,
                status: IDeviceRegistry.DeviceStatus.Active
            });
            ++successes["register"];
        } catch {
            if (expected) _stuck("register");
            else ++successes["registerRefused"];
        }
    }

    /// @notice A registrar suspends (0-1), reactivates (2-3) or decommissions (4) a device, or changes its metadata
    /// (5-7).
    /// A transition is expected to succeed exactly when the caller holds the role and the model allows it: suspend
    /// from Active, reactivate from Suspended, decommission from anything but Decommissioned.
    function registrarAct(uint256 deviceSeed, uint256 registrarSeed, uint8 action) external {
        if (deviceCount == 0) return;
        uint256 deviceId = _device(deviceSeed);
        Model storage model = _model[deviceId];
        address registrar = registrarSeed % 3 == 0 ? REGISTRAR2 : address(this);
        bool authorised = ghostIsRegistrar[registrar];
        action %= 8;
        IDeviceRegistry.DeviceStatus status = model.status;
        bool ok;
        VM.prank(registrar);
        if (action < 2) {
            try registry.suspendDevice(deviceId, "audit") {
                ok = true;
            } catch {}
            _judge(ok, authorised && status == IDeviceRegistry.DeviceStatus.Active, "suspend");
            if (ok) model.status = IDeviceRegistry.DeviceStatus.Suspended;
        } else if (action < 4) {
            try registry.reactivateDevice(deviceId, "cleared") {
                ok = true;
            } catch {}
            _judge(ok, authorised && status == IDeviceRegistry.DeviceStatus.Suspended, "reactivate");
            if (ok) (model.status, model.activeSince) = (IDeviceRegistry.DeviceStatus.Active, uint64(clock));
        } else if (action == 4) {
            try registry.decommissionDevice(deviceId, "retired") {
                ok = true;
            } catch {}
            _judge(ok, authorised && status != IDeviceRegistry.DeviceStatus.Decommissioned, "decommission");
            if (ok) model.status = IDeviceRegistry.DeviceStatus.Decommissioned;
        } else {
            string memory uri = string.concat("ipfs://v", _digit(registrarSeed >> 8));
            try registry.setMetadataURI(deviceId, uri) {
                ok = true;
            } catch {}
            _judge(ok, authorised, "setMetadata");
            if (ok) model.metadataHash = keccak256(bytes(uri));
        }
    }

    /// @notice The admin grants or revokes the second registrar's role.
    function adminRole(bool grant) external {
        VM.prank(ADMIN);
        if (grant) registry.grantRole(REGISTRAR_ROLE, REGISTRAR2);
        else registry.revokeRole(REGISTRAR_ROLE, REGISTRAR2);
        ghostIsRegistrar[REGISTRAR2] = grant;
        ++successes["adminRole"];
    }

    // --- owners

    /// @notice The owner rotates the meter's key: to a fresh key, back to a key it retired earlier (half the time
    /// when there is one), or to the zero address (refused), up to 15 minutes after the previous action. Allowed in
    /// every status; `signerSince` restarts then.
    function rotate(uint256 deviceSeed, uint256 keySeed, uint8 mode) external {
        if (deviceCount == 0) return;
        uint256 deviceId = _device(deviceSeed);
        Model storage model = _model[deviceId];
        uint256[] storage retired = _retiredKeys[deviceId];
        // Rotations happen a moment after whatever came before, so readings can fall before the new signerSince.
        _warp(clock + 1 + ((keySeed >> 64) % 900));
        mode %= 8;
        bool back = mode >= 4 && retired.length != 0;
        uint256 key = back ? retired[keySeed % retired.length] : _freshKey();
        address signer = mode == 7 ? address(0) : VM.addr(key);
        VM.prank(model.owner);
        try registry.rotateSigner(deviceId, signer) {
            if (signer == address(0)) return _forbidden("rotation to the zero address");
            if (key != model.key) retired.push(model.key);
            (model.key, model.signerSince) = (key, uint64(clock));
            ++successes[back ? "rotateBack" : "rotateFresh"];
            if (model.status == IDeviceRegistry.DeviceStatus.Decommissioned) ++successes["rotateDecommissioned"];
        } catch {
            if (signer != address(0)) _stuck("rotate");
        }
    }

    /// @notice The owner hands the device to another owner (or tries the zero address, which is refused).
    function transferDevice(uint256 deviceSeed, uint256 toSeed) external {
        if (deviceCount == 0) return;
        uint256 deviceId = _device(deviceSeed);
        Model storage model = _model[deviceId];
        address to = toSeed % 5 == 0 ? address(0) : owners[toSeed % OWNERS];
        VM.prank(model.owner);
        try registry.setOwner(deviceId, to) {
            if (to == address(0)) return _forbidden("ownership to the zero address");
            model.owner = to;
            ++successes["setOwner"];
        } catch {
            if (to != address(0)) _stuck("setOwner");
        }
    }

    // --- metering

    /// @notice The device's meter reads now (time moves on inside the hour its last reading opened) with the key in
    /// force, at most what the capacity allows since the last reading (exactly that, one time in four); anyone relays
    /// it. When no reading can bridge the interval (none yet, an hour boundary passed, a reactivation since), the
    /// owner starts or resumes metering instead. The model decides whether each must be accepted.
    function read(uint256 deviceSeed, uint256 elapsedSeed, uint256 energySeed) external {
        if (deviceCount == 0) return;
        uint256 deviceId = _device(deviceSeed);
        Meter storage meter = _meter[deviceId];
        // The owner starts metering, or resumes it when no reading can bridge the interval any more.
        if (
            meter.timestamp == 0 || clock > _boundary(meter.timestamp) || meter.timestamp < _model[deviceId].activeSince
        ) return _resume(deviceId, energySeed);
        uint256 boundary = _boundary(meter.timestamp);
        // Mostly stay inside the hour that the last reading opened, so that a relay can bridge the interval.
        if (clock < boundary) _warp(clock + 1 + (elapsedSeed % (boundary - clock)));
        uint256 maxWh = _maxWh(deviceId, uint64(clock));
        uint256 deltaWh = energySeed % 4 == 0 ? maxWh : uint256(keccak256(abi.encode(energySeed))) % (maxWh + 1);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(
            deviceId,
            meter.cumulativeWh + deltaWh,
            uint64(clock)
        );
        // The owner contract's hook rejects the mint (one time in four) or tries to re-enter the ledger.
        if (_model[deviceId].owner == address(receiver)) {
            uint256 hook = uint256(keccak256(abi.encode(energySeed, "hook"))) % 4;
            receiver.setRejecting(hook == 0);
            if (hook != 0) _armReentry();
        }
        _submit(reading, _model[deviceId].key, "read");
    }

    /// @notice The owner starts metering, or resumes it over a gap no relay can bridge (after an hour boundary, or
    /// after a reactivation), with a reading signed now by the key in force.
    function resume(uint256 deviceSeed, uint256 energySeed) external {
        if (deviceCount == 0) return;
        _resume(_device(deviceSeed), energySeed);
    }

    /// @notice The owner contract accepts receipts (0), rejects them all (1), or arms a re-entry into the ledger (an
    /// empty batch of readings, which only the reentrancy guard refuses) for its next receipt (2-3).
    function setReceiver(uint8 mode) external {
        mode %= 4;
        receiver.setRejecting(mode == 1);
        if (mode >= 2) {
            _armReentry();
        } else {
            receiver.disarm();
        }
        ++successes["setReceiver"];
    }

    /// @notice Time passes: minutes, or hours (an outage the owner must resume over).
    function warp(uint256 seconds_) external {
        _warp(clock + 1 + (seconds_ % (3 * HOUR)));
        ++successes["warp"];
    }

    // --- adversaries

    /// @notice The front-runner signs a reading the ledger must refuse, or relays one the model says is valid:
    /// 0 a retired key's reading at any time; 1 the current key at a time before its `signerSince` (after a
    /// rotation, including back to a retired key); 2 the current key at `signerSince - 1` (the t - 1 edge) and 3 at
    /// `signerSince` itself (t, valid if nothing else forbids it); 4 one second in the future; 5 one second past the
    /// hour the last reading opened; 6 one Wh over capacity; 7 the counter one Wh lower than the last.
    function frontRun(uint256 deviceSeed, uint256 timeSeed, uint8 mode) external {
        if (deviceCount == 0) return;
        uint256 deviceId = _device(deviceSeed);
        Meter storage meter = _meter[deviceId];
        Model storage model = _model[deviceId];
        if (meter.timestamp == 0) return;
        // The rotation edge (modes 1 to 3) twice as often as the rest.
        mode %= 11;
        if (mode >= 8) mode -= 7;
        uint256 key = model.key;
        uint256 last = meter.timestamp;
        uint256 timestamp = last + 1 + (timeSeed % (_boundary(last) - last));
        if (mode == 0) {
            if (_retiredKeys[deviceId].length == 0) return;
            key = _retiredKeys[deviceId][timeSeed % _retiredKeys[deviceId].length];
            if (key == model.key) return;
        } else if (mode == 1) {
            if (model.signerSince <= last + 1) return;
            timestamp = last + 1 + (timeSeed % (model.signerSince - last - 1));
        } else if (mode == 2 || mode == 3) {
            timestamp = model.signerSince - (mode == 2 ? 1 : 0);
            if (timestamp <= last) return;
        } else if (mode == 4) {
            timestamp = clock + 1;
        } else if (mode == 5) {
            timestamp = _boundary(last) + 1;
        }
        if (timestamp > clock + 1) timestamp = clock + 1;
        if (timestamp <= last) return;
        uint256 maxWh = _maxWh(deviceId, uint64(timestamp));
        uint256 cumulativeWh = meter.cumulativeWh + (mode == 6 ? maxWh + 1 : (timeSeed >> 128) % (maxWh + 1));
        if (mode == 7) {
            if (meter.cumulativeWh == 0) return;
            cumulativeWh = meter.cumulativeWh - 1;
        }
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(
            deviceId,
            cumulativeWh,
            uint64(timestamp)
        );
        string[8] memory names = [
            "retiredKey",
            "beforeSignerSince",
            "signerSinceMinus1",
            "atSignerSince",
            "future",
            "crossesHour",
            "overCapacity",
            "counterDecreased"
        ];
        _submit(reading, key, names[mode]);
    }

    /// @notice A stranger, a non-owner owner and the second registrar (while it lacks the role) call what they may
    /// not: the owner's rotation and hand-over, the registrar's functions, metering start, role changes. Every
    /// call must fail.
    // solhint-disable-next-line code-complexity, function-max-lines
    function intrude(uint256 deviceSeed, uint256 actorSeed, uint8 which) external {
        uint256 deviceId = deviceCount == 0 ? 1 : _device(deviceSeed);
        address owner = _model[deviceId].owner;
        address actor = actorSeed % 3 == 0 ? STRANGER : owners[actorSeed % OWNERS];
        if (actor == owner) actor = STRANGER;
        which %= 7;
        if (which >= 2 && which <= 4 && actor != STRANGER && actorSeed % 2 == 0 && !ghostIsRegistrar[REGISTRAR2]) {
            actor = REGISTRAR2;
        }
        bool ok;
        VM.startPrank(actor);
        if (which == 0) {
            try registry.rotateSigner(deviceId, actor) {
                ok = true;
            } catch {}
        } else if (which == 1) {
            try registry.setOwner(deviceId, actor) {
                ok = true;
            } catch {}
        } else if (which == 2) {
            try registry.suspendDevice(deviceId, "grief") {
                ok = true;
            } catch {}
            try registry.reactivateDevice(deviceId, "grief") {
                ok = true;
            } catch {}
        } else if (which == 3) {
            try registry.decommissionDevice(deviceId, "grief") {
                ok = true;
            } catch {}
            try registry.setMetadataURI(deviceId, "ipfs://evil") {
                ok = true;
            } catch {}
        } else if (which == 4) {
            try
                registry.registerDevice(
                    IDeviceRegistry.DeviceRegistration({
                        signer: actor,
                        owner: actor,
                        kind: IDeviceRegistry.DeviceKind.Solar,
                        capacityW: 1e9,
                        gridZone: "ERCOT-NORTH",
                        commissionedAt: uint64(clock),
                        metadataURI: ""
                    })
                )
            {
                ok = true;
            } catch {}
        } else if (which == 5) {
            try registry.grantRole(REGISTRAR_ROLE, actor) {
                ok = true;
            } catch {}
            try registry.revokeRole(REGISTRAR_ROLE, address(this)) {
                ok = true;
            } catch {}
            try registry.grantRole(registry.DEFAULT_ADMIN_ROLE(), actor) {
                ok = true;
            } catch {}
        } else if (deviceCount != 0) {
            // Starting or resuming someone else's metering with a reading signed by the device's current key.
            IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(
                deviceId,
                _meter[deviceId].cumulativeWh,
                uint64(clock)
            );
            bytes memory signature = _sign(_model[deviceId].key, reading);
            try energy.resumeMetering(reading, signature) {
                ok = true;
            } catch {}
        }
        VM.stopPrank();
        if (ok) _forbidden("an intruder called an owner-only, registrar-only or admin-only function");
        else ++successes["intrude"];
    }

    // --- views for the invariants

    function modelOf(uint256 deviceId) external view returns (Model memory) {
        return _model[deviceId];
    }

    function meterOf(uint256 deviceId) external view returns (Meter memory) {
        return _meter[deviceId];
    }

    function mintedHourCount(uint256 deviceId) external view returns (uint256) {
        return _mintedHours[deviceId].length;
    }

    function mintedHour(uint256 deviceId, uint256 i) external view returns (uint64) {
        return _mintedHours[deviceId][i];
    }

    // --- internals

    function _resume(uint256 deviceId, uint256 energySeed) private {
        Meter storage meter_ = _meter[deviceId];
        Model storage model_ = _model[deviceId];
        if (clock <= meter_.timestamp) _warp(meter_.timestamp + 1);
        uint256 counter = meter_.timestamp == 0 ? 1_000 * deviceId : meter_.cumulativeWh + (energySeed % 1e9);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceId, counter, uint64(clock));
        bytes memory signature = _sign(model_.key, reading);
        bool expected =
            model_.status == IDeviceRegistry.DeviceStatus.Active &&
                (meter_.timestamp == 0 || clock > _boundary(meter_.timestamp) || meter_.timestamp < model_.activeSince);
        VM.prank(model_.owner);
        try energy.resumeMetering(reading, signature) {
            if (!expected) return _forbidden("resume over a bridgeable interval or of an inactive device");
            (meter_.timestamp, meter_.cumulativeWh) = (uint64(clock), counter);
            ++successes["resume"];
        } catch {
            if (expected) _stuck("resume");
        }
    }

    /// @dev Submits one signed reading and judges the outcome by the model; a re-entry from the owner contract's
    /// receipt hook must have been refused.
    function _submit(IMeteredEnergy.MeterReading memory reading, uint256 key, string memory action) private {
        (uint256 attempts, uint256 reentries) = (receiver.attempts(), receiver.successes());
        bool expected = _valid(reading, key);
        bool staleKey = key != _model[reading.deviceId].key || reading.timestamp < _model[reading.deviceId].signerSince;
        try this.submitAndMeasure(reading, _sign(key, reading)) returns (uint256 mintedWh) {
            if (staleKey) ++ghostStaleKeyMints;
            if (!expected) return _forbidden(string.concat(action, ": a reading the model refuses was accepted"));
            _book(reading, mintedWh);
            ++successes[action];
        } catch {
            if (expected) _stuck(action);
            else ++successes[string.concat(action, "Refused")];
        }
        if (receiver.successes() != reentries) _forbidden("a receipt hook re-entered the ledger");
        else if (receiver.attempts() != attempts) ++successes["reentryRefused"];
    }

    /// @notice Relays a reading and returns the Wh it minted, measured as the device owner's balance change in the
    /// batch of the hour the interval lies in (reverting with the ledger's error). Only the handler calls it.
    function submitAndMeasure(
        IMeteredEnergy.MeterReading calldata reading,
        bytes calldata signature
    ) external returns (uint256 mintedWh) {
        if (msg.sender != address(this)) revert RegistryHandlerOnlySelf(msg.sender);
        uint256 id = EnergyIds.batchId(reading.deviceId, uint64(_meter[reading.deviceId].timestamp / HOUR));
        address owner = _model[reading.deviceId].owner;
        uint256 before = energy.balanceOf(owner, id);
        energy.submitReading(reading, signature);
        return energy.balanceOf(owner, id) - before;
    }

    /// @dev Books an accepted reading: the meter moves to it, and what it minted lands in its interval's hour.
    function _book(IMeteredEnergy.MeterReading memory reading, uint256 mintedWh) private {
        uint256 deviceId = reading.deviceId;
        Meter storage meter_ = _meter[deviceId];
        if (mintedWh != reading.cumulativeWh - meter_.cumulativeWh) _forbidden("minted other than the delta");
        uint64 hourIndex = uint64(meter_.timestamp / HOUR);
        (meter_.timestamp, meter_.cumulativeWh) = (reading.timestamp, reading.cumulativeWh);
        meter_.mintedWh += mintedWh;
        if (mintedWh != 0 && ghostMintedInHour[deviceId][hourIndex] == 0) _mintedHours[deviceId].push(hourIndex);
        ghostMintedInHour[deviceId][hourIndex] += mintedWh;
    }

    /// @dev Whether the ledger must accept `reading` signed by `key`, by the model alone.
    function _valid(IMeteredEnergy.MeterReading memory reading, uint256 key) private view returns (bool) {
        Meter storage meter_ = _meter[reading.deviceId];
        Model storage model_ = _model[reading.deviceId];
        uint256 last = meter_.timestamp;
        if (last == 0 || reading.timestamp <= last || reading.timestamp > _boundary(last)) return false;
        if (reading.timestamp > clock || model_.status != IDeviceRegistry.DeviceStatus.Active) return false;
        if (last < model_.activeSince || key != model_.key || reading.timestamp < model_.signerSince) return false;
        if (reading.cumulativeWh < meter_.cumulativeWh) return false;
        uint256 deltaWh = reading.cumulativeWh - meter_.cumulativeWh;
        if (deltaWh > _maxWh(reading.deviceId, reading.timestamp)) return false;
        return !(model_.owner == address(receiver) && receiver.rejecting() && deltaWh != 0);
    }

    function _armReentry() private {
        receiver.arm(
            address(energy),
            abi.encodeCall(IMeteredEnergy.submitReadings, (new IMeteredEnergy.MeterReading[](0), new bytes[](0)))
        );
    }

    function _maxWh(uint256 deviceId, uint64 timestamp) private view returns (uint256) {
        return (uint256(_model[deviceId].capacityW) * (timestamp - _meter[deviceId].timestamp)) / HOUR;
    }

    function _device(uint256 seed) private view returns (uint256) {
        return 1 + (seed % deviceCount);
    }

    function _boundary(uint256 timestamp) private pure returns (uint256) {
        return (timestamp / HOUR + 1) * HOUR;
    }

    function _warp(uint256 to) private {
        clock = to;
        VM.warp(to);
    }

    function _freshKey() private returns (uint256) {
        return 0xE000 + ++_keyNonce;
    }

    function _digit(uint256 seed) private pure returns (string memory) {
        bytes memory digit = new bytes(1);
        digit[0] = bytes1(uint8(48 + (seed % 10)));
        return string(digit);
    }

    function _sign(uint256 key, IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }

    function _judge(bool ok, bool expected, string memory action) private {
        if (ok && !expected) return _forbidden(string.concat(action, " succeeded where it must fail"));
        if (!ok && expected) return _stuck(action);
        if (ok) ++successes[action];
        else ++successes[string.concat(action, "Refused")];
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

abstract contract RegistryWorld is Test {
    uint256 internal constant START = 1_750_000_000; // not on the hour

    DeviceRegistry internal registry;
    MeteredEnergy internal energy;
    RegistryHandler internal handler;

    function _deploy() internal {
        vm.warp(START);
        address admin = address(0xAD);
        registry = new DeviceRegistry(admin);
        energy = new MeteredEnergy(registry, admin);
        handler = new RegistryHandler(registry, energy, START);
        bytes32 registrar = registry.REGISTRAR_ROLE();
        vm.prank(admin);
        registry.grantRole(registrar, address(handler));
    }

    /// Every device's registry record, and its metering profile, equals the handler's model of it.
    function _checkRegistryMatchesModel() internal view {
        assertEq(registry.deviceCount(), handler.deviceCount(), "device count");
        for (uint256 deviceId = 1; deviceId <= handler.deviceCount(); ++deviceId) {
            RegistryHandler.Model memory model = handler.modelOf(deviceId);
            IDeviceRegistry.Device memory device = registry.getDevice(deviceId);
            assertEq(device.owner, model.owner, "owner");
            assertEq(device.signer, vm.addr(model.key), "signer");
            assertEq(uint256(device.status), uint256(model.status), "status");
            assertEq(device.signerSince, model.signerSince, "signerSince");
            assertEq(device.activeSince, model.activeSince, "activeSince");
            assertEq(device.commissionedAt, model.commissionedAt, "commissionedAt");
            assertEq(device.capacityW, model.capacityW, "capacity");
            assertEq(keccak256(bytes(device.metadataURI)), model.metadataHash, "metadata");
            assertEq(registry.signerSince(deviceId), model.signerSince, "signerSince view");
            IDeviceRegistry.MeteringProfile memory profile = registry.meteringProfile(deviceId);
            assertEq(profile.owner, model.owner, "profile owner");
            assertEq(profile.signer, device.signer, "profile signer");
            assertEq(uint256(profile.status), uint256(model.status), "profile status");
            assertEq(profile.activeSince, model.activeSince, "profile activeSince");
        }
        uint256 next = handler.deviceCount() + 1;
        assertEq(uint256(registry.meteringProfile(next).status), 0, "an id never handed out is unregistered");
    }

    /// The registrar role is held exactly by those the admin granted it to, and the admin keeps its role.
    function _checkRoles() internal view {
        bytes32 role = registry.REGISTRAR_ROLE();
        assertTrue(registry.hasRole(role, address(handler)), "handler registrar");
        assertTrue(
            registry.hasRole(role, handler.REGISTRAR2()) == handler.ghostIsRegistrar(handler.REGISTRAR2()),
            "second registrar"
        );
        assertFalse(registry.hasRole(role, handler.STRANGER()), "stranger registrar");
        for (uint256 i; i < handler.OWNERS(); ++i) assertFalse(registry.hasRole(role, handler.owners(i)), "owner");
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), handler.ADMIN()), "admin");
        assertFalse(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), handler.STRANGER()), "stranger admin");
    }

    /// The ledger's meters and balances are what the model's accepted readings make them: counter and time, minted
    /// Wh (the owner's measured balance changes) per device and per hour batch.
    function _checkLedgerMatchesModel() internal view {
        for (uint256 deviceId = 1; deviceId <= handler.deviceCount(); ++deviceId) {
            RegistryHandler.Meter memory meter = handler.meterOf(deviceId);
            IMeteredEnergy.MeterState memory state = energy.meterState(deviceId);
            assertEq(state.timestamp, meter.timestamp, "meter time");
            assertEq(state.cumulativeWh, meter.cumulativeWh, "meter counter");
            assertEq(energy.mintedWh(deviceId), meter.mintedWh, "minted");
            uint256 sum;
            for (uint256 i; i < handler.mintedHourCount(deviceId); ++i) {
                uint256 id = EnergyIds.batchId(deviceId, handler.mintedHour(deviceId, i));
                uint256 held;
                for (uint256 o; o < handler.OWNERS(); ++o) held += energy.balanceOf(handler.owners(o), id);
                assertEq(held, handler.ghostMintedInHour(deviceId, handler.mintedHour(deviceId, i)), "hour batch");
                sum += held;
            }
            assertEq(sum, meter.mintedWh, "minted Wh outside the booked hours");
        }
    }

    function _checkNothingForbiddenNothingStuck() internal view {
        assertEq(handler.ghostStaleKeyMints(), 0, "a key not in force at the reading's time minted");
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
    }
}

/// @notice The registry's laws under {RegistryHandler}: its records are exactly the model built from the handler's
/// inputs, only registrars change statuses and metadata, only owners change keys and owners, a decommissioned device
/// never changes status again, and no reading signed by a key at a time before that key's `signerSince` mints.
contract RegistrySafetyInvariants is RegistryWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    function invariant_registryMatchesModel() public view {
        _checkRegistryMatchesModel();
    }

    function invariant_onlyTheAdminChangesRegistrars() public view {
        _checkRoles();
    }

    function invariant_ledgerMatchesModel() public view {
        _checkLedgerMatchesModel();
    }

    /// No key mints a reading timestamped before its current `signerSince` (a retired key, a key rotated back in),
    /// no intruder or invalid call succeeds, and no call the model allows is refused.
    function invariant_staleKeysNeverMintAndNothingForbiddenOrStuck() public view {
        _checkNothingForbiddenNothingStuck();
    }
}

/// @notice The handler, run from a fixed seed, reaches every action (each succeeds, or for attacks is refused, at
/// least `MIN_SUCCESSES` times) with no forbidden success and no stuck call; plus the finding that motivated the
/// ledger's `signerSince` check, step by step.
contract RegistrySafetyReachabilityTest is RegistryWorld {
    uint256 private constant STEPS = 600;
    uint256 private constant MIN_SUCCESSES = 3;

    function setUp() public {
        _deploy();
    }

    // solhint-disable-next-line function-max-lines
    function test_handler_reachesEveryAction() public {
        uint256 seed = 0x4e6157;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 a = seed >> 8;
            uint256 b = seed >> 72;
            uint256 c = seed >> 136;
            uint256 action = seed % 32;
            if (action < 2) handler.register(a, b, c, uint8(c >> 64));
            else if (action < 7) handler.registrarAct(a, b, uint8(c));
            else if (action == 7) handler.adminRole(b % 2 == 0);
            else if (action < 10) handler.rotate(a, b, uint8(c));
            else if (action == 10) handler.transferDevice(a, b);
            else if (action < 18) handler.read(a, b, c);
            else if (action < 20) handler.resume(a, b);
            else if (action == 20) handler.setReceiver(uint8(b));
            else if (action == 21) handler.warp(b);
            else if (action < 28) handler.frontRun(a, b, uint8(c));
            else handler.intrude(a, b, uint8(c));
        }
        string[26] memory actions = [
            "register",
            "registerRefused",
            "suspend",
            "suspendRefused",
            "reactivate",
            "decommission",
            "decommissionRefused",
            "setMetadata",
            "adminRole",
            "rotateFresh",
            "rotateBack",
            "rotateDecommissioned",
            "setOwner",
            "read",
            "readRefused",
            "resume",
            "retiredKeyRefused",
            "beforeSignerSinceRefused",
            "signerSinceMinus1Refused",
            "atSignerSince",
            "futureRefused",
            "crossesHourRefused",
            "overCapacityRefused",
            "counterDecreasedRefused",
            "reentryRefused",
            "intrude"
        ];
        for (uint256 i; i < actions.length; ++i) {
            // A front-run reading at exactly its key's signerSince is valid only when nothing else forbids it.
            assertGe(handler.successes(actions[i]), i == 19 ? 1 : MIN_SUCCESSES, actions[i]);
        }
        _checkNothingForbiddenNothingStuck();
        _checkRegistryMatchesModel();
        _checkRoles();
        _checkLedgerMatchesModel();
    }

    /// A key rotated away and later rotated back in signs (or had signed) a reading timestamped while it was not in
    /// force; the meter has not moved since, so nothing else stops it. The ledger must refuse it: the key's
    /// `signerSince` is after the reading.
    function test_rotatedBackKey_cannotMintAReadingFromBeforeItsSignerSince() public {
        handler.register(0, 1_000_000, 1, 0);
        handler.resume(0, 0);
        RegistryHandler.Model memory model = handler.modelOf(1);
        uint256 oldKey = model.key;
        uint64 last = handler.meterOf(1).timestamp;
        vm.warp(last + 600);
        vm.prank(model.owner);
        registry.rotateSigner(1, vm.addr(0xF00D));
        // While retired, the old key signs a reading at last + 900 (stolen, or a copy never relayed).
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(1, 1_000 + 100, last + 900);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(oldKey, energy.readingDigest(reading));
        bytes memory signature = abi.encodePacked(r, s, v);
        vm.warp(last + 1200);
        vm.prank(model.owner);
        registry.rotateSigner(1, vm.addr(oldKey));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMeteredEnergy.MeteredEnergySignerNotInForce.selector,
                1,
                last + 900,
                uint64(last + 1200)
            )
        );
        energy.submitReading(reading, signature);
        // At its signerSince (t) the same key's reading is accepted.
        reading.timestamp = last + 1200;
        (v, r, s) = vm.sign(oldKey, energy.readingDigest(reading));
        energy.submitReading(reading, abi.encodePacked(r, s, v));
        assertEq(energy.mintedWh(1), 100, "minted at the edge");
    }
}
