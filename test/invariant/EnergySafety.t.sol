// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RenewableCertificates} from "../../contracts/certificates/RenewableCertificates.sol";
import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../../contracts/interfaces/IRenewableCertificates.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {SwitchableReceiver} from "../../contracts/mocks/SwitchableReceiver.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the energy layer the way an adversarial world would. Honest actors: two meters whose readings (at
/// most, and sometimes exactly, what capacity allows) a relayer submits in one batch; owners rotating their meters'
/// keys; holders (the third a contract whose receipt hook can reject every receipt, or re-enter the REC token during
/// a certification or rejection) moving, consuming, locking for issuance and retiring their kWh and RECs; an issuer
/// certifying and rejecting; a pauser pausing and unpausing both tokens. Adversaries: a forger submitting readings
/// one Wh over capacity, one second past the hour the last reading opened, with a decreasing counter, one second in
/// the future, signed by a rotated-away key or by the other device's key, and replays of every reading accepted so
/// far (alone, and in a batch); a stranger calling every holder-only, issuer-only and pauser-only function; admins
/// and non-admins changing roles.
/// Ghosts are sums of the handler's inputs, checked against measured balance changes; `ghostForbidden` counts
/// successes of calls that must fail, `ghostStuck` failures of honest calls whose conditions were all met (never one
/// that may fail because a token is paused or the receiver rejects), and `successes` each action's successes (or,
/// for attacks, refused attempts) for the reachability test.
// solhint-disable-next-line max-states-count
contract SafetyHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 public constant WH_PER_REC = 1_000_000;
    uint256 public constant CAPACITY_W = 3_000_000;
    uint256 public constant DEVICES = 2;
    uint256 private constant HOUR = 3600;
    address public constant ADMIN = address(0xAD);
    address public constant STRANGER = address(0xBAD);
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    struct Pending {
        uint256 requestId;
        uint256 batchId;
        address requester;
    }

    struct Move {
        MeteredEnergy token;
        address from;
        address to;
        uint256 id;
        uint256 amount;
        uint256 fromBefore;
        uint256 toBefore;
    }

    struct Accepted {
        uint256 deviceId;
        uint256 cumulativeWh;
        uint64 timestamp;
        uint256 key;
    }

    DeviceRegistry public immutable registry;
    MeteredEnergy public immutable energy;
    RenewableCertificates public immutable certificates;
    SwitchableReceiver public immutable receiver;

    address[3] public holders;
    uint256[DEVICES] public meterKeys = [uint256(0xB1), 0xB2];
    uint256[DEVICES] public retiredKeys;
    uint256[DEVICES] public counters;
    uint256[DEVICES] public lastReadAt;
    uint256[DEVICES] public firstReadingAt;
    uint256 public clock;

    uint256[] public batchIds;
    uint256[] public certificateIds;
    mapping(uint256 id => bool) private _knownBatch;
    mapping(uint256 id => bool) private _knownCertificate;
    Pending[] private _pending;
    Accepted[] private _accepted;

    // ghosts: inputs and measured balance changes
    mapping(uint256 batchId => uint256) public ghostMintedWh;
    mapping(uint256 batchId => uint256) public ghostBurnedWh;
    mapping(uint256 certificateId => uint256) public ghostIssued;
    mapping(uint256 certificateId => uint256) public ghostRetired;
    uint256[DEVICES] public ghostCapacityWh;
    uint256 public ghostMovedWhilePaused;
    uint256 public ghostUnauthorizedBurns;
    uint256 public ghostStaleSignerAccepted;
    uint256 public ghostUnauthorizedRoleChanges;
    mapping(address account => bool) public ghostIsPauser;
    mapping(uint256 id => mapping(address account => uint256)) public energyAtPause;
    mapping(uint256 id => mapping(address account => uint256)) public certificatesAtPause;
    uint256 public ghostForbidden;
    string public lastForbidden;
    uint256 public ghostStuck;
    string public lastStuck;
    mapping(string action => uint256) public successes;

    constructor(DeviceRegistry registry_, MeteredEnergy energy_, RenewableCertificates certificates_, uint256 start) {
        registry = registry_;
        energy = energy_;
        certificates = certificates_;
        receiver = new SwitchableReceiver();
        holders = [address(0x1001), address(0x1002), address(receiver)];
        clock = start;
        for (uint256 i; i < holders.length; ++i) {
            VM.prank(holders[i]);
            energy.setApprovalForAll(address(certificates), true);
        }
    }

    /// @dev Registers the devices (the handler is registrar) and sets their baselines.
    function init() external {
        if (counters[0] != 0) return;
        for (uint256 d; d < DEVICES; ++d) {
            registry.registerDevice(
                IDeviceRegistry.DeviceRegistration({
                    signer: VM.addr(meterKeys[d]),
                    owner: holders[d],
                    kind: IDeviceRegistry.DeviceKind.Solar,
                    capacityW: uint96(CAPACITY_W),
                    gridZone: "ERCOT-NORTH",
                    commissionedAt: uint64(clock),
                    metadataURI: ""
                })
            );
            counters[d] = 100 * (d + 1);
            (firstReadingAt[d], lastReadAt[d]) = (clock, clock);
            IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(d + 1, counters[d], uint64(clock));
            bytes memory signature = _sign(meterKeys[d], reading);
            VM.prank(holders[d]);
            energy.resumeMetering(reading, signature);
        }
    }

    // --- metering

    /// @notice A new reading of every device in one batch, no later than the end of the hour the last reading
    /// opened, each with exactly what capacity allows since its last reading (t), one Wh less (t - 1), or a random
    /// amount below. It must succeed unless the kWh token is paused, and then it must fail.
    function submitReadings(uint256 elapsed, uint256 seed) external {
        uint256 room = _boundary(lastReadAt[0]) - clock;
        // At the boundary already (time passed while paused): read there.
        if (room != 0) _warp(clock + (energy.paused() ? 1 : 1 + (elapsed % room)));
        IMeteredEnergy.MeterReading[] memory readings = new IMeteredEnergy.MeterReading[](DEVICES);
        bytes[] memory signatures = new bytes[](DEVICES);
        uint256[DEVICES] memory deltas;
        uint256[DEVICES] memory before;
        for (uint256 d; d < DEVICES; ++d) {
            uint256 maxWh = _maxWh(d, clock);
            uint256 pick = uint256(keccak256(abi.encode(seed, d)));
            deltas[d] =
                pick % 4 == 0
                    ? maxWh
                    : pick % 4 == 1 && maxWh != 0
                        ? maxWh - 1
                        : (pick >> 8) % (maxWh + 1);
            readings[d] = IMeteredEnergy.MeterReading(d + 1, counters[d] + deltas[d], uint64(clock));
            signatures[d] = _sign(meterKeys[d], readings[d]);
            before[d] = energy.balanceOf(holders[d], _batchOfInterval(d));
        }
        bool paused = energy.paused();
        try energy.submitReadings(readings, signatures) {
            if (paused) {
                ++ghostMovedWhilePaused;
                return _forbidden("readings accepted while paused");
            }
            for (uint256 d; d < DEVICES; ++d) {
                uint256 id = _batchOfInterval(d);
                if (energy.balanceOf(holders[d], id) - before[d] != deltas[d]) _forbidden("minted other than delta");
                _bookReading(d, readings[d], meterKeys[d], deltas[d]);
            }
            ++successes["readings"];
        } catch {
            if (!paused) _stuck("readings");
        }
    }

    /// @notice The forger submits a reading that must fail, while the kWh token is not paused (so that the pause is
    /// not what refuses it): 0 one Wh over what capacity allows since the last reading; 1 one second past the hour
    /// the last reading opened (t + 1 of the hour edge); 2 a counter one Wh below the last; 3 one second in the
    /// future; 4 signed by the key the owner rotated away; 5 signed by the other device's key; 6 a replay of an
    /// accepted reading, alone; 7 the same replay in a batch (skipped there: nothing may change).
    function forgeReading(uint256 deviceSeed, uint8 mode, uint256 seed) external {
        if (energy.paused()) return;
        uint256 d = deviceSeed % DEVICES;
        mode %= 8;
        // A reading needs a later time than the last one; the hour's end is as late as an honest one can be.
        if (clock == lastReadAt[d]) _warp(clock + 1);
        uint256 maxWh = _maxWh(d, clock);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(
            d + 1,
            counters[d] + (seed % (maxWh + 1)),
            uint64(clock)
        );
        uint256 key = meterKeys[d];
        string[8] memory names = [
            "overCapacity",
            "crossesHour",
            "counterDecreased",
            "future",
            "rotatedAwayKey",
            "otherDevicesKey",
            "replay",
            "replayInBatch"
        ];
        if (mode == 0) {
            reading.cumulativeWh = counters[d] + maxWh + 1;
        } else if (mode == 1) {
            // At t + 1 of the hour edge, so that only the hour rule (not the future rule) can refuse it.
            reading.timestamp = uint64(_boundary(lastReadAt[d]) + 1);
            VM.warp(reading.timestamp);
            _tryForged(d, reading, key, false, names[mode]);
            VM.warp(clock);
            return;
        } else if (mode == 2) {
            reading.cumulativeWh = counters[d] - 1;
        } else if (mode == 3) {
            reading.timestamp = uint64(clock + 1);
        } else if (mode == 4) {
            if (retiredKeys[d] == 0) return;
            key = retiredKeys[d];
        } else if (mode == 5) {
            key = meterKeys[1 - d];
        } else {
            if (_accepted.length == 0) return;
            Accepted memory copy = _accepted[seed % _accepted.length];
            (reading, key) = (IMeteredEnergy.MeterReading(copy.deviceId, copy.cumulativeWh, copy.timestamp), copy.key);
            d = copy.deviceId - 1;
        }
        _tryForged(d, reading, key, mode == 7, names[mode]);
    }

    /// @notice The device owner rotates the meter key; the old key is kept to forge readings with.
    function rotateSigner(uint256 deviceSeed, uint256 keySeed) external {
        uint256 d = deviceSeed % DEVICES;
        uint256 newKey = 0xC000 + (keySeed % 1_000);
        if (newKey == meterKeys[d] || newKey == retiredKeys[d]) return;
        VM.prank(holders[d]);
        try registry.rotateSigner(d + 1, VM.addr(newKey)) {
            retiredKeys[d] = meterKeys[d];
            meterKeys[d] = newKey;
            ++successes["rotate"];
        } catch {
            _stuck("rotate");
        }
    }

    // --- holders

    /// @notice A kWh or REC transfer between holders (a batch transfer when `batch`) of at most the sender's balance.
    /// It must succeed unless its token is paused or the recipient's hook rejects it, and then it must fail.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 amount, bool rec, bool batch) external {
        uint256 count = rec ? certificateIds.length : batchIds.length;
        if (count == 0) return;
        Move memory move = Move({
            token: MeteredEnergy(rec ? address(certificates) : address(energy)),
            from: holders[fromSeed % holders.length],
            to: holders[toSeed % holders.length],
            id: rec ? certificateIds[idSeed % count] : batchIds[idSeed % count],
            amount: 0,
            fromBefore: 0,
            toBefore: 0
        });
        (move.fromBefore, move.toBefore) = (
            move.token.balanceOf(move.from, move.id),
            move.token.balanceOf(move.to, move.id)
        );
        move.amount = amount % (move.fromBefore + 1);
        bool paused = move.token.paused();
        // The contract holder rejects one receipt in four.
        receiver.setRejecting(
            move.to == address(receiver) && uint256(keccak256(abi.encode(amount, fromSeed))) % 4 == 0
        );
        bool expected = !paused && !receiver.rejecting();
        bool ok = _move(move, batch);
        if (ok && paused) ++ghostMovedWhilePaused;
        if (
            ok &&
            move.from != move.to &&
            (move.fromBefore - move.token.balanceOf(move.from, move.id) != move.amount ||
                move.token.balanceOf(move.to, move.id) - move.toBefore != move.amount)
        ) _forbidden("a transfer moved other than its amount");
        receiver.setRejecting(false);
        _judge(ok, expected, batch ? "batchTransfer" : "transfer");
    }

    /// @notice A holder consumes at most its balance of a kWh batch (must succeed unless the token is paused), or a
    /// stranger without approval tries to burn a holder's kWh (must always fail).
    function consume(uint256 holderSeed, uint256 idSeed, uint256 amount, bool byStranger) external {
        if (batchIds.length == 0) return;
        address holder = holders[holderSeed % holders.length];
        uint256 id = batchIds[idSeed % batchIds.length];
        uint256 balance = energy.balanceOf(holder, id);
        amount = byStranger ? 1 + (amount % (balance + 1)) : amount % (balance + 1);
        bool paused = energy.paused();
        VM.prank(byStranger ? STRANGER : holder);
        try energy.consume(holder, _one(id), _one(amount), "job") {
            if (byStranger) ++ghostUnauthorizedBurns;
            if (paused) ++ghostMovedWhilePaused;
            if (balance - energy.balanceOf(holder, id) != amount) _forbidden("consumed other than the amount");
            ghostBurnedWh[id] += amount;
            _judge(true, !byStranger && !paused, byStranger ? "strangerConsume" : "consume");
        } catch {
            _judge(false, !byStranger && !paused, byStranger ? "strangerConsume" : "consume");
        }
    }

    /// @notice The first holder (from `holderSeed` on) with 1 MWh of the chosen batch locks it in an issuance request;
    /// it must succeed unless either token is paused.
    function requestIssuance(uint256 holderSeed, uint256 idSeed) external {
        if (batchIds.length == 0) return;
        uint256 id = batchIds[idSeed % batchIds.length];
        for (uint256 i; i < holders.length; ++i) {
            address holder = holders[(holderSeed + i) % holders.length];
            uint256 balance = energy.balanceOf(holder, id);
            if (balance < WH_PER_REC) continue;
            uint256 custody = energy.balanceOf(address(certificates), id);
            bool paused = energy.paused() || certificates.paused();
            VM.prank(holder);
            // The request id is only kept as a handle for the review; amounts come from the inputs.
            try certificates.requestIssuance(_one(id), _one(WH_PER_REC)) returns (uint256 requestId) {
                if (paused) ++ghostMovedWhilePaused;
                if (
                    balance - energy.balanceOf(holder, id) != WH_PER_REC ||
                    energy.balanceOf(address(certificates), id) - custody != WH_PER_REC
                ) _forbidden("a request locked other than 1 MWh");
                _pending.push(Pending(requestId, id, holder));
                _judge(true, !paused, "request");
            } catch {
                _judge(false, !paused, "request");
            }
            return;
        }
    }

    /// @notice The issuer certifies (two times in three) or rejects the newest pending request. When the requester
    /// is the contract holder, its hook may reject the receipt (then the review must fail) or try to re-enter the REC
    /// token (retire the REC it is receiving, lock the kWh it is getting back), which must fail.
    function review(uint8 choice, uint8 hook) external {
        if (_pending.length == 0) return;
        Pending memory request = _pending[_pending.length - 1];
        bool approve = choice % 3 != 0;
        uint256 certificateId = EnergyIds.certificateIdOfBatch(request.batchId);
        if (request.requester == address(receiver)) _setHook(hook, approve, certificateId, request.batchId);
        bool rejects = request.requester == address(receiver) && receiver.rejecting();
        (uint256 attempts, uint256 reentries) = (receiver.attempts(), receiver.successes());
        uint256 custody = energy.balanceOf(address(certificates), request.batchId);
        if (approve) {
            bool paused = energy.paused() || certificates.paused();
            uint256 held = certificates.balanceOf(request.requester, certificateId);
            try certificates.certify(request.requestId, _one(request.batchId), _one(WH_PER_REC), "") {
                if (paused) ++ghostMovedWhilePaused;
                if (
                    custody - energy.balanceOf(address(certificates), request.batchId) != WH_PER_REC ||
                    certificates.balanceOf(request.requester, certificateId) - held != 1
                ) _forbidden("a certification moved other than 1 MWh for 1 REC");
                ghostBurnedWh[request.batchId] += WH_PER_REC;
                ghostIssued[certificateId] += 1;
                if (!_knownCertificate[certificateId]) {
                    _knownCertificate[certificateId] = true;
                    certificateIds.push(certificateId);
                }
                _pending.pop();
                _judge(true, !paused && !rejects, "certify");
            } catch {
                _judge(false, !paused && !rejects, "certify");
            }
        } else {
            // Rejection is a documented exit of the REC pause, but still moves kWh, so it stops with the kWh token.
            bool paused = energy.paused();
            uint256 held = energy.balanceOf(request.requester, request.batchId);
            try certificates.reject(request.requestId, _one(request.batchId), _one(WH_PER_REC), "") {
                if (paused) ++ghostMovedWhilePaused;
                if (
                    custody - energy.balanceOf(address(certificates), request.batchId) != WH_PER_REC ||
                    energy.balanceOf(request.requester, request.batchId) - held != WH_PER_REC
                ) _forbidden("a rejection returned other than the locked kWh");
                _pending.pop();
                _judge(true, !paused && !rejects, "reject");
            } catch {
                _judge(false, !paused && !rejects, "reject");
            }
        }
        receiver.disarm();
        receiver.setRejecting(false);
        if (receiver.successes() != reentries) _forbidden("a receipt hook re-entered the REC token");
        else if (receiver.attempts() != attempts) ++successes["reentryRefused"];
    }

    /// @notice A holder of the chosen REC id (the first from `holderSeed` on) retires some of its own RECs; it must
    /// succeed unless the REC token is paused.
    function retire(uint256 holderSeed, uint256 idSeed, uint256 amount) external {
        if (certificateIds.length == 0) return;
        uint256 id = certificateIds[idSeed % certificateIds.length];
        for (uint256 i; i < holders.length; ++i) {
            address holder = holders[(holderSeed + i) % holders.length];
            uint256 balance = certificates.balanceOf(holder, id);
            if (balance == 0) continue;
            amount = 1 + (amount % balance);
            bool paused = certificates.paused();
            VM.prank(holder);
            try certificates.retire(holder, id, amount, holder, "holder", "invariant") {
                if (paused) ++ghostMovedWhilePaused;
                if (balance - certificates.balanceOf(holder, id) != amount) _forbidden("retired other than the amount");
                ghostRetired[id] += amount;
                _judge(true, !paused, "retire");
            } catch {
                _judge(false, !paused, "retire");
            }
            return;
        }
    }

    // --- pauser, roles, stranger

    /// @notice Pauses or unpauses one of the tokens (the handler is pauser of both), snapshotting balances on pause.
    /// An unpause of a paused token must succeed, and so must a pause once the cooling-off is over.
    function togglePause(bool rec) external {
        MeteredEnergy token = MeteredEnergy(rec ? address(certificates) : address(energy));
        if (token.paused()) {
            try token.unpause() {
                ++successes[rec ? "unpauseRecs" : "unpauseEnergy"];
            } catch {
                _stuck("unpause");
            }
            return;
        }
        bool expected = block.timestamp >= token.nextPauseAvailableAt();
        try token.pause() {
            _judge(true, expected, rec ? "pauseRecs" : "pauseEnergy");
        } catch {
            return _judge(false, expected, rec ? "pauseRecs" : "pauseEnergy");
        }
        uint256 count = rec ? certificateIds.length : batchIds.length;
        for (uint256 i; i < count; ++i) {
            uint256 id = rec ? certificateIds[i] : batchIds[i];
            for (uint256 h; h <= holders.length; ++h) {
                address account = h < holders.length ? holders[h] : address(certificates);
                if (rec) certificatesAtPause[id][account] = certificates.balanceOf(account, id);
                else energyAtPause[id][account] = energy.balanceOf(account, id);
            }
        }
    }

    /// @notice Someone (the admin, a holder or a stranger) grants, revokes or renounces the kWh pauser role.
    function changeRole(uint256 actorSeed, uint256 accountSeed, uint8 action) external {
        address[4] memory actors = [ADMIN, STRANGER, holders[0], holders[1]];
        address actor = actors[actorSeed % actors.length];
        address account = actors[1 + (accountSeed % 3)];
        action %= 3;
        bool ok;
        VM.prank(actor);
        if (action == 0) {
            try energy.grantRole(PAUSER_ROLE, account) {
                ok = true;
                _recordRoleChange(actor, account, true, false);
            } catch {}
        } else if (action == 1) {
            try energy.revokeRole(PAUSER_ROLE, account) {
                ok = true;
                _recordRoleChange(actor, account, false, false);
            } catch {}
        } else {
            try energy.renounceRole(PAUSER_ROLE, account) {
                ok = true;
                _recordRoleChange(actor, account, false, actor == account);
            } catch {}
        }
        // The admin's grants and revocations, and anyone's renouncing of its own role, must succeed.
        _judge(ok, actor == ADMIN ? action != 2 : action == 2 && actor == account, "role");
    }

    /// @notice The stranger (no role, no approval) calls what only holders, the issuer and pausers may: moving,
    /// retiring and locking a holder's tokens, certifying or rejecting the pending request, pausing or unpausing
    /// either token, granting itself the issuer role. Every call must fail.
    // solhint-disable-next-line code-complexity, function-max-lines
    function stranger(uint256 holderSeed, uint256 idSeed, uint8 which) external {
        address holder = holders[holderSeed % holders.length];
        which %= 7;
        bool ok;
        VM.startPrank(STRANGER);
        if (which == 0 && batchIds.length != 0) {
            uint256 id = batchIds[idSeed % batchIds.length];
            try energy.safeTransferFrom(holder, STRANGER, id, 1, "") {
                ok = true;
            } catch {}
        } else if (which == 1 && certificateIds.length != 0) {
            uint256 id = certificateIds[idSeed % certificateIds.length];
            try certificates.retire(holder, id, 1, STRANGER, "stranger", "theft") {
                ok = true;
            } catch {}
            try certificates.safeTransferFrom(holder, STRANGER, id, 1, "") {
                ok = true;
            } catch {}
        } else if (which == 2 && _pending.length != 0) {
            Pending memory request = _pending[_pending.length - 1];
            try certificates.certify(request.requestId, _one(request.batchId), _one(WH_PER_REC), "") {
                ok = true;
            } catch {}
            try certificates.reject(request.requestId, _one(request.batchId), _one(WH_PER_REC), "") {
                ok = true;
            } catch {}
        } else if (which == 3 && !ghostIsPauser[STRANGER]) {
            // (Once the admin made the stranger a kWh pauser, pausing is its right.)
            try energy.pause() {
                ok = true;
            } catch {}
            try energy.unpause() {
                ok = true;
            } catch {}
        } else if (which == 4) {
            try certificates.pause() {
                ok = true;
            } catch {}
            try certificates.unpause() {
                ok = true;
            } catch {}
        } else if (which == 5) {
            try certificates.grantRole(certificates.ISSUER_ROLE(), STRANGER) {
                ok = true;
            } catch {}
        } else if (batchIds.length != 0) {
            // Locking someone else's kWh in a request: the request takes the caller's own tokens, of which it has none.
            try certificates.requestIssuance(_one(batchIds[idSeed % batchIds.length]), _one(WH_PER_REC)) {
                ok = true;
            } catch {}
        }
        VM.stopPrank();
        if (ok) _forbidden("the stranger called a holder-, issuer- or pauser-only function");
        else ++successes["strangerRefused"];
    }

    // --- views for the invariants

    function batchCount() external view returns (uint256) {
        return batchIds.length;
    }

    function certificateCount() external view returns (uint256) {
        return certificateIds.length;
    }

    function pendingCount() external view returns (uint256) {
        return _pending.length;
    }

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    // --- internals

    /// @dev Submits a forged or replayed reading (alone, or in a batch where a replay is skipped) and counts a success
    /// that changed anything; books whatever it did so that the other invariants keep measuring.
    function _tryForged(
        uint256 d,
        IMeteredEnergy.MeterReading memory reading,
        uint256 key,
        bool inBatch,
        string memory name
    ) private {
        uint256 id = _batchOfInterval(d);
        uint256 before = energy.balanceOf(holders[d], id);
        if (!_submitForged(d, reading, _sign(key, reading), inBatch)) {
            ++successes[string.concat(name, "Refused")];
            return;
        }
        if (key != meterKeys[d]) ++ghostStaleSignerAccepted;
        _forbidden(string.concat(name, " reading accepted"));
        IMeteredEnergy.MeterState memory state = energy.meterState(d + 1);
        ghostCapacityWh[d] += _maxWh(d, state.timestamp);
        ghostMintedWh[id] += energy.balanceOf(holders[d], id) - before;
        _noteBatch(id);
        (counters[d], lastReadAt[d]) = (state.cumulativeWh, state.timestamp);
    }

    /// @dev Whether the reading was applied: the call succeeded and, in a batch, the meter moved.
    function _submitForged(
        uint256 d,
        IMeteredEnergy.MeterReading memory reading,
        bytes memory signature,
        bool inBatch
    ) private returns (bool) {
        if (!inBatch) {
            try energy.submitReading(reading, signature) {
                return true;
            } catch {
                return false;
            }
        }
        uint64 last = energy.meterState(d + 1).timestamp;
        IMeteredEnergy.MeterReading[] memory batch = new IMeteredEnergy.MeterReading[](1);
        bytes[] memory signatures = new bytes[](1);
        (batch[0], signatures[0]) = (reading, signature);
        try energy.submitReadings(batch, signatures) {
            return energy.meterState(d + 1).timestamp != last;
        } catch {
            return false;
        }
    }

    /// @dev Books an accepted honest reading: the meter moves, the interval's capacity and the delta are counted.
    function _bookReading(uint256 d, IMeteredEnergy.MeterReading memory reading, uint256 key, uint256 deltaWh) private {
        uint256 id = _batchOfInterval(d);
        ghostCapacityWh[d] += _maxWh(d, reading.timestamp);
        ghostMintedWh[id] += deltaWh;
        _noteBatch(id);
        counters[d] = reading.cumulativeWh;
        lastReadAt[d] = reading.timestamp;
        _accepted.push(Accepted(reading.deviceId, reading.cumulativeWh, reading.timestamp, key));
    }

    /// @dev The transfer's sender moves its amount, alone or as a batch of one; whether it went through.
    function _move(Move memory move, bool batch) private returns (bool ok) {
        VM.prank(move.from);
        if (batch) {
            try move.token.safeBatchTransferFrom(move.from, move.to, _one(move.id), _one(move.amount), "") {
                ok = true;
            } catch {}
        } else {
            try move.token.safeTransferFrom(move.from, move.to, move.id, move.amount, "") {
                ok = true;
            } catch {}
        }
    }

    function _noteBatch(uint256 id) private {
        if (_knownBatch[id]) return;
        _knownBatch[id] = true;
        batchIds.push(id);
    }

    /// @dev The contract holder's hook for the next receipt: reject it (one time in four), re-enter the REC token
    /// (half the time), or accept it.
    function _setHook(uint8 hook, bool approve, uint256 certificateId, uint256 batchId) private {
        hook %= 4;
        receiver.setRejecting(hook == 0);
        if (hook < 2) return;
        bytes memory payload =
            approve
                ? abi.encodeCall(
                    IRenewableCertificates.retire,
                    (address(receiver), certificateId, 1, address(receiver), "hook", "re-entry")
                )
                : abi.encodeCall(IRenewableCertificates.requestIssuance, (_one(batchId), _one(WH_PER_REC)));
        receiver.arm(address(certificates), payload);
    }

    function _recordRoleChange(address actor, address account, bool granted, bool renounced) private {
        if (actor != ADMIN && !renounced) ++ghostUnauthorizedRoleChanges;
        ghostIsPauser[account] = granted;
    }

    /// @dev The kWh batch that device `d`'s next reading mints into: the hour its last reading opened.
    function _batchOfInterval(uint256 d) private view returns (uint256) {
        return EnergyIds.batchId(d + 1, uint64(lastReadAt[d] / HOUR));
    }

    /// @dev What capacity allows device `d` since its last reading, by the handler's clock (rounded down).
    function _maxWh(uint256 d, uint256 timestamp) private view returns (uint256) {
        return (CAPACITY_W * (timestamp - lastReadAt[d])) / HOUR;
    }

    function _boundary(uint256 timestamp) private pure returns (uint256) {
        return (timestamp / HOUR + 1) * HOUR;
    }

    function _warp(uint256 to) private {
        clock = to;
        VM.warp(to);
    }

    function _sign(uint256 key, IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }

    function _one(uint256 value) private pure returns (uint256[] memory array) {
        array = new uint256[](1);
        array[0] = value;
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

abstract contract SafetyWorld is Test {
    uint256 internal constant START = 1_749_999_600; // on the hour

    DeviceRegistry internal registry;
    MeteredEnergy internal energy;
    RenewableCertificates internal certificates;
    SafetyHandler internal handler;

    function _deploy() internal {
        vm.warp(START);
        address admin = address(0xAD);
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, admin);
        certificates = new RenewableCertificates(energy, admin);
        handler = new SafetyHandler(registry, energy, certificates, START);
        registry.grantRole(registry.REGISTRAR_ROLE(), address(handler));
        vm.startPrank(admin);
        energy.grantRole(energy.PAUSER_ROLE(), address(handler));
        certificates.grantRole(certificates.PAUSER_ROLE(), address(handler));
        certificates.grantRole(certificates.ISSUER_ROLE(), address(handler));
        vm.stopPrank();
        handler.init();
    }

    /// Per kWh batch: minted - burned (consumed or certified) = the sum of every balance, custody included.
    function _checkKWhSupply() internal view {
        for (uint256 i; i < handler.batchCount(); ++i) {
            uint256 id = handler.batchIds(i);
            assertEq(_sumOfBalances(address(energy), id), handler.ghostMintedWh(id) - handler.ghostBurnedWh(id), "kWh");
        }
    }

    /// Per REC id: issued - retired = the sum of every balance, and the token's own totals agree.
    function _checkRecSupply() internal view {
        for (uint256 i; i < handler.certificateCount(); ++i) {
            uint256 id = handler.certificateIds(i);
            uint256 supply = handler.ghostIssued(id) - handler.ghostRetired(id);
            assertEq(_sumOfBalances(address(certificates), id), supply, "RECs");
            assertEq(
                certificates.certificateTotals(id).issued - certificates.certificateTotals(id).retired,
                supply,
                "totals"
            );
        }
    }

    /// Each meter is at the handler's last accepted counter and time, never behind or ahead, and no device was ever
    /// credited more than the capacity of the intervals the handler's clock accepted (nor of all time since its first
    /// reading).
    function _checkMetersAndCapacity() internal view {
        for (uint256 d; d < handler.DEVICES(); ++d) {
            IMeteredEnergy.MeterState memory meter = energy.meterState(d + 1);
            assertEq(meter.cumulativeWh, handler.counters(d), "counter");
            assertEq(meter.timestamp, handler.lastReadAt(d), "timestamp");
            uint256 minted = energy.mintedWh(d + 1);
            assertLe(minted, handler.ghostCapacityWh(d), "capacity of the accepted intervals");
            uint256 elapsed = handler.lastReadAt(d) - handler.firstReadingAt(d);
            assertLe(minted, (handler.CAPACITY_W() * elapsed) / EnergyIds.BATCH_PERIOD, "capacity since the start");
        }
    }

    function _checkNothingForbiddenNothingStuck() internal view {
        assertEq(handler.ghostMovedWhilePaused(), 0, "moved while paused");
        assertEq(handler.ghostStaleSignerAccepted(), 0, "stale signer accepted");
        assertEq(handler.ghostUnauthorizedBurns(), 0, "stranger burned kWh");
        assertEq(handler.ghostUnauthorizedRoleChanges(), 0, "non-admin changed a role");
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
    }

    function _sumOfBalances(address token, uint256 id) internal view returns (uint256 sum) {
        for (uint256 h; h < handler.holderCount(); ++h) sum += MeteredEnergy(token).balanceOf(handler.holders(h), id);
        sum += MeteredEnergy(token).balanceOf(address(certificates), id);
        sum += MeteredEnergy(token).balanceOf(handler.STRANGER(), id);
    }
}

/// @notice Safety laws of the energy layer under {SafetyHandler}: ERC-1155 supply equals the sum of balances for kWh
/// and RECs, nothing moves while paused, only role admins change roles, rotated-away keys and forged or replayed
/// readings never mint, strangers never burn, meters only move forward and within capacity, custody matches the
/// pending requests, and no honest call is ever refused.
contract EnergySafetyInvariants is SafetyWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    function invariant_kWhSupplyEqualsSumOfBalances() public view {
        _checkKWhSupply();
    }

    function invariant_recSupplyEqualsSumOfBalances() public view {
        _checkRecSupply();
    }

    /// No mint, transfer, burn, request, certification or retirement ever succeeded while its token was paused.
    function invariant_nothingMovesWhilePaused() public view {
        assertEq(handler.ghostMovedWhilePaused(), 0, "moved while paused");
    }

    /// While a token is paused, every balance is exactly what it was when the pause began.
    function invariant_pausedBalancesAreFrozen() public view {
        bool energyPaused = energy.paused();
        bool certificatesPaused = certificates.paused();
        for (uint256 h; h <= handler.holderCount(); ++h) {
            address account = h < handler.holderCount() ? handler.holders(h) : address(certificates);
            for (uint256 i; energyPaused && i < handler.batchCount(); ++i) {
                uint256 id = handler.batchIds(i);
                assertEq(energy.balanceOf(account, id), handler.energyAtPause(id, account), "kWh moved");
            }
            for (uint256 i; certificatesPaused && i < handler.certificateCount(); ++i) {
                uint256 id = handler.certificateIds(i);
                assertEq(certificates.balanceOf(account, id), handler.certificatesAtPause(id, account), "REC moved");
            }
        }
    }

    /// Roles change only through their admin (or by renouncing one's own): membership matches the admin-only model.
    function invariant_onlyRoleAdminsChangeRoles() public view {
        assertEq(handler.ghostUnauthorizedRoleChanges(), 0, "non-admin changed a role");
        address[3] memory accounts = [handler.STRANGER(), handler.holders(0), handler.holders(1)];
        for (uint256 i; i < accounts.length; ++i) {
            assertTrue(
                energy.hasRole(handler.PAUSER_ROLE(), accounts[i]) == handler.ghostIsPauser(accounts[i]),
                "role membership"
            );
        }
        assertTrue(energy.hasRole(energy.PAUSER_ROLE(), address(handler)), "handler lost its role");
    }

    /// Meters only move forward, to the handler's accepted readings, and within the capacity of its own clock.
    function invariant_metersMoveForwardWithinCapacity() public view {
        _checkMetersAndCapacity();
    }

    /// The REC token holds exactly the kWh of the pending issuance requests, and nothing else.
    function invariant_custodyEqualsPendingRequests() public view {
        uint256 custody;
        for (uint256 i; i < handler.batchCount(); ++i) {
            custody += energy.balanceOf(address(certificates), handler.batchIds(i));
        }
        assertEq(custody, handler.pendingCount() * handler.WH_PER_REC(), "custody");
    }

    /// No forged, replayed, stale-key, over-capacity, paused, unauthorised or re-entrant call succeeded, and no
    /// honest call whose conditions were all met was refused.
    function invariant_forbiddenNeverSucceedsAndNothingIsStuck() public view {
        _checkNothingForbiddenNothingStuck();
    }
}

/// @notice The handler, driven by a fixed pseudo-random sequence, reaches every action (each succeeds, or for
/// attacks is refused, at least `MIN_SUCCESSES` times) with no forbidden success and no stuck call, and every law
/// holds at the end.
contract EnergySafetyReachabilityTest is SafetyWorld {
    uint256 private constant STEPS = 400;
    uint256 private constant MIN_SUCCESSES = 3;

    function setUp() public {
        _deploy();
    }

    // solhint-disable-next-line function-max-lines
    function test_handler_reachesEveryAction() public {
        uint256 seed = 0xe5afe;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 a = uint256(keccak256(abi.encode(seed, 1)));
            uint256 b = uint256(keccak256(abi.encode(seed, 2)));
            uint256 c = uint256(keccak256(abi.encode(seed, 3)));
            uint256 action = seed % 40;
            if (action < 8) handler.submitReadings(a, b);
            else if (action < 14) handler.forgeReading(a, uint8(b), c);
            else if (action == 14) handler.rotateSigner(a, b);
            else if (action < 19) handler.transfer(a, b, c, seed >> 8, (seed >> 100) % 2 == 0, (seed >> 101) % 2 == 0);
            else if (action < 22) handler.consume(a, b, c, (seed >> 100) % 3 == 0);
            else if (action < 26) handler.requestIssuance(a, b);
            else if (action < 29) handler.review(uint8(a), uint8(b));
            else if (action < 31) handler.retire(a, b, c);
            else if (action < 33) handler.togglePause((seed >> 100) % 2 == 0);
            else if (action < 35) handler.changeRole(a, b, uint8(c));
            else handler.stranger(a, b, uint8(c));
        }
        string[27] memory actions = [
            "readings",
            "overCapacityRefused",
            "crossesHourRefused",
            "counterDecreasedRefused",
            "futureRefused",
            "rotatedAwayKeyRefused",
            "otherDevicesKeyRefused",
            "replayRefused",
            "replayInBatchRefused",
            "rotate",
            "transfer",
            "batchTransfer",
            "transferRefused",
            "consume",
            "strangerConsumeRefused",
            "request",
            "certify",
            "certifyRefused",
            "reject",
            "retire",
            "pauseEnergy",
            "unpauseEnergy",
            "pauseRecs",
            "unpauseRecs",
            "role",
            "roleRefused",
            "strangerRefused"
        ];
        for (uint256 i; i < actions.length; ++i) assertGe(handler.successes(actions[i]), MIN_SUCCESSES, actions[i]);
        assertGe(handler.successes("reentryRefused"), 1, "reentryRefused");
        _checkNothingForbiddenNothingStuck();
        _checkKWhSupply();
        _checkRecSupply();
        _checkMetersAndCapacity();
    }
}
