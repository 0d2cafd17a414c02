// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RenewableCertificates} from "../../contracts/certificates/RenewableCertificates.sol";
import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the energy layer the way an adversarial world would: readings (some signed by keys the owner
/// rotated away), kWh and REC transfers, consumption by strangers, REC issuance, retirement, pauses of both tokens,
/// and role changes tried by admins and non-admins alike. Every attempt that must fail is made with `try` and a
/// success is counted in a ghost, so the invariants can state that it never happened.
// solhint-disable-next-line max-states-count
contract SafetyHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 public constant WH_PER_REC = 1_000_000;
    uint256 public constant CAPACITY_W = 3_000_000;
    uint256 public constant DEVICES = 2;
    address public constant ADMIN = address(0xAD);
    address public constant STRANGER = address(0xBAD);
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    struct Pending {
        uint256 requestId;
        uint256 batchId;
        address requester;
    }

    DeviceRegistry public immutable registry;
    MeteredEnergy public immutable energy;
    RenewableCertificates public immutable certificates;

    address[3] public holders = [address(0x1001), address(0x1002), address(0x1003)];
    uint256[DEVICES] public meterKeys = [uint256(0xB1), 0xB2];
    uint256[DEVICES] public retiredKeys;
    uint256[DEVICES] public counters;
    uint256[DEVICES] public firstReadingAt;
    uint256 public clock;
    uint256 public lastAccepted;

    uint256[] public batchIds;
    uint256[] public certificateIds;
    mapping(uint256 id => bool) private _knownBatch;
    mapping(uint256 id => bool) private _knownCertificate;
    Pending[] private _pending;

    // ghosts
    mapping(uint256 batchId => uint256) public ghostMintedWh;
    mapping(uint256 batchId => uint256) public ghostBurnedWh;
    mapping(uint256 certificateId => uint256) public ghostIssued;
    mapping(uint256 certificateId => uint256) public ghostRetired;
    uint256 public ghostMovedWhilePaused;
    uint256 public ghostUnauthorizedBurns;
    uint256 public ghostStaleSignerAccepted;
    uint256 public ghostUnauthorizedRoleChanges;
    mapping(address account => bool) public ghostIsPauser;
    mapping(uint256 id => mapping(address account => uint256)) public energyAtPause;
    mapping(uint256 id => mapping(address account => uint256)) public certificatesAtPause;

    constructor(DeviceRegistry registry_, MeteredEnergy energy_, RenewableCertificates certificates_, uint256 start) {
        registry = registry_;
        energy = energy_;
        certificates = certificates_;
        clock = start;
        lastAccepted = start;
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
            firstReadingAt[d] = clock;
            IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(d + 1, counters[d], uint64(clock));
            bytes memory signature = _sign(meterKeys[d], reading);
            VM.prank(holders[d]);
            energy.resumeMetering(reading, signature);
        }
    }

    /// @notice A new reading of every device in one batch, no later than the end of the last accepted reading's
    /// clock hour; while paused the batch must fail. A reading signed by a rotated-away key is tried on its own
    /// first and must fail too.
    function submitReadings(uint256 elapsed, uint256 seed) external {
        uint256 room = (lastAccepted / EnergyIds.BATCH_PERIOD + 1) * EnergyIds.BATCH_PERIOD - clock;
        // At the boundary already (time passed while paused): read there.
        if (room != 0) clock += energy.paused() ? 1 : 1 + (elapsed % room);
        VM.warp(clock);
        IMeteredEnergy.MeterReading[] memory readings = new IMeteredEnergy.MeterReading[](DEVICES);
        bytes[] memory signatures = new bytes[](DEVICES);
        uint256[DEVICES] memory deltas;
        for (uint256 d; d < DEVICES; ++d) {
            uint256 maxWh = (CAPACITY_W * (clock - lastAccepted)) / EnergyIds.BATCH_PERIOD;
            deltas[d] = uint256(keccak256(abi.encode(seed, d))) % (maxWh + 1);
            readings[d] = IMeteredEnergy.MeterReading(d + 1, counters[d] + deltas[d], uint64(clock));
            signatures[d] = _sign(meterKeys[d], readings[d]);
            if (retiredKeys[d] != 0) {
                try energy.submitReading(readings[d], _sign(retiredKeys[d], readings[d])) {
                    ++ghostStaleSignerAccepted;
                } catch {}
            }
        }
        if (energy.paused()) {
            try energy.submitReadings(readings, signatures) {
                ++ghostMovedWhilePaused;
            } catch {}
            return;
        }
        energy.submitReadings(readings, signatures);
        lastAccepted = clock;
        uint256 hourIndex = EnergyIds.hourOfReading(uint64(clock));
        for (uint256 d; d < DEVICES; ++d) {
            counters[d] += deltas[d];
            uint256 id = EnergyIds.batchId(d + 1, uint64(hourIndex));
            ghostMintedWh[id] += deltas[d];
            if (!_knownBatch[id]) {
                _knownBatch[id] = true;
                batchIds.push(id);
            }
        }
    }

    /// @notice The device owner rotates the meter key; the old key is kept to try stale readings with.
    function rotateSigner(uint256 deviceSeed, uint256 keySeed) external {
        uint256 d = deviceSeed % DEVICES;
        uint256 newKey = 0xC000 + (keySeed % 1_000);
        if (newKey == meterKeys[d]) return;
        VM.prank(holders[d]);
        registry.rotateSigner(d + 1, VM.addr(newKey));
        retiredKeys[d] = meterKeys[d];
        meterKeys[d] = newKey;
    }

    /// @notice A kWh or REC transfer between holders (a batch transfer when `batch`); nothing may move while paused.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 amount, bool rec, bool batch) external {
        uint256 count = rec ? certificateIds.length : batchIds.length;
        if (count == 0) return;
        address from = holders[fromSeed % holders.length];
        address to = holders[toSeed % holders.length];
        uint256 id = rec ? certificateIds[idSeed % count] : batchIds[idSeed % count];
        MeteredEnergy token = MeteredEnergy(rec ? address(certificates) : address(energy));
        amount = amount % (token.balanceOf(from, id) + 1);
        bool paused = rec ? certificates.paused() : energy.paused();
        VM.prank(from);
        if (batch) {
            uint256[] memory ids = new uint256[](1);
            uint256[] memory amounts = new uint256[](1);
            (ids[0], amounts[0]) = (id, amount);
            try token.safeBatchTransferFrom(from, to, ids, amounts, "") {
                if (paused) ++ghostMovedWhilePaused;
            } catch {}
        } else {
            try token.safeTransferFrom(from, to, id, amount, "") {
                if (paused) ++ghostMovedWhilePaused;
            } catch {}
        }
    }

    /// @notice A holder consumes kWh, or a stranger without approval tries to burn a holder's kWh.
    function consume(uint256 holderSeed, uint256 idSeed, uint256 amount, bool byStranger) external {
        if (batchIds.length == 0) return;
        address holder = holders[holderSeed % holders.length];
        uint256 id = batchIds[idSeed % batchIds.length];
        amount = amount % (energy.balanceOf(holder, id) + 1);
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (ids[0], amounts[0]) = (id, amount);
        VM.prank(byStranger ? STRANGER : holder);
        try energy.consume(holder, ids, amounts, "job") {
            if (byStranger && amount != 0) ++ghostUnauthorizedBurns;
            if (energy.paused()) ++ghostMovedWhilePaused;
            ghostBurnedWh[id] += amount;
        } catch {}
    }

    /// @notice The first holder (from `holderSeed` on) with 1 MWh of the chosen batch locks it in an issuance request.
    function requestIssuance(uint256 holderSeed, uint256 idSeed) external {
        if (batchIds.length == 0) return;
        uint256 id = batchIds[idSeed % batchIds.length];
        for (uint256 i; i < holders.length; ++i) {
            address holder = holders[(holderSeed + i) % holders.length];
            if (energy.balanceOf(holder, id) < WH_PER_REC) continue;
            bool paused = energy.paused() || certificates.paused();
            VM.prank(holder);
            try certificates.requestIssuance(_one(id), _one(WH_PER_REC)) returns (uint256 requestId) {
                if (paused) ++ghostMovedWhilePaused;
                _pending.push(Pending(requestId, id, holder));
            } catch {}
            return;
        }
    }

    /// @notice The issuer certifies (three times in four) or rejects the newest pending request.
    function review(uint8 choice) external {
        bool approve = choice % 4 != 0;
        if (_pending.length == 0) return;
        Pending memory request = _pending[_pending.length - 1];
        uint256[] memory ids = _one(request.batchId);
        uint256[] memory amounts = _one(WH_PER_REC);
        if (approve) {
            bool paused = energy.paused() || certificates.paused();
            try certificates.certify(request.requestId, ids, amounts, "") {
                if (paused) ++ghostMovedWhilePaused;
                ghostBurnedWh[request.batchId] += WH_PER_REC;
                uint256 certificateId = EnergyIds.certificateIdOfBatch(request.batchId);
                ghostIssued[certificateId] += 1;
                if (!_knownCertificate[certificateId]) {
                    _knownCertificate[certificateId] = true;
                    certificateIds.push(certificateId);
                }
                _pending.pop();
            } catch {}
        } else {
            // Rejection is a documented exit of the REC pause, but still moves kWh, so it stops with the kWh token.
            bool paused = energy.paused();
            try certificates.reject(request.requestId, ids, amounts, "") {
                if (paused) ++ghostMovedWhilePaused;
                _pending.pop();
            } catch {}
        }
    }

    /// @notice A holder of the chosen REC id (the first from `holderSeed` on) retires some of it for a beneficiary.
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
                ghostRetired[id] += amount;
            } catch {}
            return;
        }
    }

    /// @notice Pauses or unpauses one of the tokens (the handler is pauser of both), snapshotting balances on pause.
    function togglePause(bool rec) external {
        MeteredEnergy token = MeteredEnergy(rec ? address(certificates) : address(energy));
        if (token.paused()) {
            token.unpause();
            return;
        }
        token.pause();
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
        VM.prank(actor);
        if (action == 0) {
            try energy.grantRole(PAUSER_ROLE, account) {
                _recordRoleChange(actor, account, true, false);
            } catch {}
        } else if (action == 1) {
            try energy.revokeRole(PAUSER_ROLE, account) {
                _recordRoleChange(actor, account, false, false);
            } catch {}
        } else {
            try energy.renounceRole(PAUSER_ROLE, account) {
                _recordRoleChange(actor, account, false, actor == account);
            } catch {}
        }
    }

    function batchCount() external view returns (uint256) {
        return batchIds.length;
    }

    function certificateCount() external view returns (uint256) {
        return certificateIds.length;
    }

    function pendingCount() external view returns (uint256) {
        return _pending.length;
    }

    function pendingBatch(uint256 i) external view returns (uint256) {
        return _pending[i].batchId;
    }

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    function _recordRoleChange(address actor, address account, bool granted, bool renounced) private {
        if (actor != ADMIN && !renounced) ++ghostUnauthorizedRoleChanges;
        ghostIsPauser[account] = granted;
    }

    function _sign(uint256 key, IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }

    function _one(uint256 value) private pure returns (uint256[] memory array) {
        array = new uint256[](1);
        array[0] = value;
    }
}

/// @notice Safety laws of the energy layer under {SafetyHandler}: ERC-1155 supply equals the sum of balances for kWh
/// and RECs, nothing moves while paused, only role admins change roles, rotated-away keys never mint, strangers never
/// burn, meters only move forward and within capacity, and custody matches the pending requests.
contract EnergySafetyInvariants is Test {
    uint256 private constant START = 1_749_999_600; // on the hour

    DeviceRegistry private registry;
    MeteredEnergy private energy;
    RenewableCertificates private certificates;
    SafetyHandler private handler;

    function setUp() public {
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
        targetContract(address(handler));
    }

    /// Per kWh batch: minted - burned (consumed or certified) = the sum of every balance, custody included.
    function invariant_kWhSupplyEqualsSumOfBalances() public view {
        for (uint256 i; i < handler.batchCount(); ++i) {
            uint256 id = handler.batchIds(i);
            assertEq(_sumOfBalances(address(energy), id), handler.ghostMintedWh(id) - handler.ghostBurnedWh(id), "kWh");
        }
    }

    /// Per REC id: issued - retired = the sum of every balance, and the token's own totals agree.
    function invariant_recSupplyEqualsSumOfBalances() public view {
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

    /// A key the device owner rotated away never gets a reading accepted.
    function invariant_rotatedAwaySignersNeverMint() public view {
        assertEq(handler.ghostStaleSignerAccepted(), 0, "stale signer accepted");
    }

    /// Nobody burns a holder's kWh without being the holder or an approved operator.
    function invariant_strangersNeverBurn() public view {
        assertEq(handler.ghostUnauthorizedBurns(), 0, "stranger burned kWh");
    }

    /// Each meter's state is the handler's last accepted counter and time: never behind, never ahead.
    function invariant_meterOnlyMovesForward() public view {
        for (uint256 d; d < handler.DEVICES(); ++d) {
            IMeteredEnergy.MeterState memory meter = energy.meterState(d + 1);
            assertEq(meter.cumulativeWh, handler.counters(d), "counter");
            assertEq(meter.timestamp, handler.lastAccepted(), "timestamp");
        }
    }

    /// No device is ever credited more energy than its nameplate capacity could produce since its first reading.
    function invariant_mintedWithinCapacity() public view {
        for (uint256 d; d < handler.DEVICES(); ++d) {
            uint256 elapsed = energy.meterState(d + 1).timestamp - handler.firstReadingAt(d);
            assertLe(energy.mintedWh(d + 1), (handler.CAPACITY_W() * elapsed) / EnergyIds.BATCH_PERIOD, "capacity");
        }
    }

    /// The REC token holds exactly the kWh of the pending issuance requests, and nothing else.
    function invariant_custodyEqualsPendingRequests() public view {
        uint256 pendingWh;
        for (uint256 i; i < handler.pendingCount(); ++i) pendingWh += handler.WH_PER_REC();
        uint256 custody;
        for (uint256 i; i < handler.batchCount(); ++i) {
            custody += energy.balanceOf(address(certificates), handler.batchIds(i));
        }
        assertEq(custody, pendingWh, "custody");
    }

    /// The handler can reach every state the invariants speak about: kWh, a request, a REC and a retirement.
    function test_handler_reachesIssuanceAndRetirement() public {
        handler.submitReadings(3599, 7);
        assertGe(energy.balanceOf(handler.holders(0), handler.batchIds(0)), handler.WH_PER_REC(), "produced");
        handler.requestIssuance(2, 0);
        assertEq(handler.pendingCount(), 1, "pending");
        handler.review(1);
        assertEq(handler.certificateCount(), 1, "issued");
        handler.retire(1, 0, 0);
        assertEq(certificates.receiptCount(), 1, "retired");
        invariant_recSupplyEqualsSumOfBalances();
        invariant_kWhSupplyEqualsSumOfBalances();
    }

    function _sumOfBalances(address token, uint256 id) private view returns (uint256 sum) {
        for (uint256 h; h < handler.holderCount(); ++h) sum += MeteredEnergy(token).balanceOf(handler.holders(h), id);
        sum += MeteredEnergy(token).balanceOf(address(certificates), id);
        sum += MeteredEnergy(token).balanceOf(handler.STRANGER(), id);
    }
}
