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

/// @notice Drives the whole energy layer: signed readings of a solar, a wind and a battery device (all in one batch,
/// with replays mixed in), kWh transfers and consumption, REC issuance requests, certification, rejection, REC
/// transfers, retirement and revocation. Adversaries: a third party that replays decided issuance requests (certify
/// and reject again, with the same or other batches), retires, transfers and requests issuance with a holder's
/// tokens, and submits a decreasing reading; a contract holder whose receipt hook rejects every transfer. Ghosts are
/// sums of the handler's inputs and measured balance changes; `ghostForbidden` counts successes of calls that must
/// fail, `ghostStuck` failures of calls whose conditions were all met, and `successes` each action's successes.
// solhint-disable-next-line max-states-count
contract EnergyHandler {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 private constant WH_PER_REC = 1_000_000;
    uint256 public constant DEVICES = 3;
    uint256 public constant HOLDERS = 3;

    struct Pending {
        uint256 requestId;
        uint256 batchId;
        uint256 amountWh;
    }

    DeviceRegistry public immutable registry;
    MeteredEnergy public immutable energy;
    RenewableCertificates public immutable certificates;

    address[HOLDERS] public holders = [address(0x1001), address(0x1002), address(0x1003)];
    uint256[DEVICES] public deviceIds;
    uint256[DEVICES] public meterKeys = [uint256(0xA1), 0xA2, 0xA3];
    uint256[DEVICES] public counters;
    uint64 public clock;

    uint256[] public batchIds;
    uint256[] public certificateIds;
    mapping(uint256 id => bool) private _knownBatch;
    mapping(uint256 id => bool) private _knownCertificate;
    Pending[] private _pending;

    // ghost totals
    mapping(uint256 deviceId => uint256) public ghostAcceptedDeltaWh;
    mapping(uint256 batchId => uint256) public ghostMintedWh;
    mapping(uint256 batchId => uint256) public ghostConsumedWh;
    mapping(uint256 batchId => uint256) public ghostCertifiedWh;
    mapping(uint256 batchId => uint256) public ghostLockedWh;
    mapping(uint256 certificateId => uint256) public ghostRetired;
    /// @dev Every retirement receipt as its event told it, by receipt id minus one.
    IRenewableCertificates.RetirementReceipt[] private _receipts;
    mapping(uint256 certificateId => mapping(address holder => uint256)) public frozenBalance;
    Pending[] private _decided;
    SwitchableReceiver public immutable rejecter;
    address public constant THIRD_PARTY = address(0xBAD);
    uint256 public ghostForbidden;
    string public lastForbidden;
    uint256 public ghostStuck;
    string public lastStuck;
    mapping(string action => uint256) public successes;

    constructor(DeviceRegistry registry_, MeteredEnergy energy_, RenewableCertificates certificates_, uint64 start) {
        registry = registry_;
        energy = energy_;
        certificates = certificates_;
        clock = start;
        rejecter = new SwitchableReceiver();
        rejecter.setRejecting(true);
        for (uint256 i; i < HOLDERS; ++i) {
            VM.prank(holders[i]);
            energy.setApprovalForAll(address(certificates), true);
        }
    }

    /// @dev Registers the devices (the handler is registrar) and sets their baselines.
    function init() external {
        if (deviceIds[0] != 0) return;
        IDeviceRegistry.DeviceKind[DEVICES] memory kinds = [
            IDeviceRegistry.DeviceKind.Solar,
            IDeviceRegistry.DeviceKind.Wind,
            IDeviceRegistry.DeviceKind.Battery
        ];
        for (uint256 d; d < DEVICES; ++d) {
            deviceIds[d] = registry.registerDevice(
                IDeviceRegistry.DeviceRegistration({
                    signer: VM.addr(meterKeys[d]),
                    owner: holders[d],
                    kind: kinds[d],
                    capacityW: 3_000_000,
                    gridZone: "ERCOT-NORTH",
                    commissionedAt: clock,
                    metadataURI: ""
                })
            );
            counters[d] = 1_000 * (d + 1);
            IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceIds[d], counters[d], clock);
            bytes memory signature = _sign(d, reading);
            VM.prank(holders[d]);
            energy.resumeMetering(reading, signature);
        }
    }

    /// @notice One relayed batch: a new reading for every device, at most up to the end of the current clock hour,
    /// plus a replay of the first one.
    function submitReadings(uint256 elapsed, uint256 seed) external {
        uint256 toBoundary = (clock / EnergyIds.BATCH_PERIOD + 1) * EnergyIds.BATCH_PERIOD - clock;
        elapsed = 1 + (elapsed % toBoundary);
        clock += uint64(elapsed);
        VM.warp(clock);
        IMeteredEnergy.MeterReading[] memory readings = new IMeteredEnergy.MeterReading[](DEVICES + 1);
        bytes[] memory signatures = new bytes[](DEVICES + 1);
        uint256[DEVICES] memory deltas;
        for (uint256 d; d < DEVICES; ++d) {
            uint256 maxWh = (3_000_000 * elapsed) / EnergyIds.BATCH_PERIOD;
            deltas[d] = uint256(keccak256(abi.encode(seed, d))) % (maxWh + 1);
            readings[d] = IMeteredEnergy.MeterReading(deviceIds[d], counters[d] + deltas[d], clock);
            signatures[d] = _sign(d, readings[d]);
        }
        readings[DEVICES] = readings[0];
        signatures[DEVICES] = signatures[0];

        try energy.submitReadings(readings, signatures) {
            ++successes["submitReadings"];
        } catch {
            _stuck("submitReadings");
            return;
        }

        uint256 hourIndex = EnergyIds.hourOfReading(clock);
        for (uint256 d; d < DEVICES; ++d) {
            counters[d] += deltas[d];
            ghostAcceptedDeltaWh[deviceIds[d]] += deltas[d];
            uint256 id = EnergyIds.batchId(deviceIds[d], uint64(hourIndex));
            ghostMintedWh[id] += deltas[d];
            _trackBatch(id);
        }
    }

    /// @notice Every device goes offline for more than an hour and then resumes; the gap energy is never minted.
    function resumeAfterOutage(uint256 gap, uint256 seed) external {
        gap = EnergyIds.BATCH_PERIOD + 1 + (gap % (3 * EnergyIds.BATCH_PERIOD));
        clock += uint64(gap);
        VM.warp(clock);
        for (uint256 d; d < DEVICES; ++d) {
            counters[d] += uint256(keccak256(abi.encode(seed, d))) % 1e7;
            IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceIds[d], counters[d], clock);
            bytes memory signature = _sign(d, reading);
            VM.prank(holders[d]);
            try energy.resumeMetering(reading, signature) {} catch {
                _stuck("resumeMetering");
            }
        }
        ++successes["resumeAfterOutage"];
    }

    /// @notice An invalid reading (counter going down) must change nothing; a revert is the expected outcome.
    function submitDecreasingReading(uint256 deviceSeed) external {
        uint256 d = deviceSeed % DEVICES;
        // One second later, unless that is an hour edge (the next accepted reading would then cross the hour).
        if (counters[d] == 0 || (clock + 1) % EnergyIds.BATCH_PERIOD == 0) return;
        clock += 1;
        VM.warp(clock);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceIds[d], counters[d] - 1, clock);
        bytes memory signature = _sign(d, reading);
        // Were it accepted, the device's minted Wh would outrun the ghost deltas.
        VM.prank(THIRD_PARTY);
        try energy.submitReading(reading, signature) {
            _forbidden("decreasing reading");
        } catch {
            ++successes["submitDecreasingReading"];
        }
    }

    function transferEnergy(uint256 fromSeed, uint256 toSeed, uint256 batchSeed, uint256 amount) external {
        if (batchIds.length == 0) return;
        address from = holders[fromSeed % HOLDERS];
        uint256 id = batchIds[batchSeed % batchIds.length];
        uint256 balance = energy.balanceOf(from, id);
        if (balance == 0) return;
        address to = holders[toSeed % HOLDERS];
        amount %= balance + 1;
        uint256 before = energy.balanceOf(to, id);
        VM.prank(from);
        try energy.safeTransferFrom(from, to, id, amount, "") {
            if (from != to && energy.balanceOf(to, id) - before != amount) _forbidden("kWh transfer amount");
            ++successes["transferEnergy"];
        } catch {
            _stuck("transferEnergy");
        }
    }

    function consume(uint256 holderSeed, uint256 batchSeed, uint256 amount) external {
        if (batchIds.length == 0) return;
        address holder = holders[holderSeed % HOLDERS];
        uint256 id = batchIds[batchSeed % batchIds.length];
        uint256 balance = energy.balanceOf(holder, id);
        if (balance == 0) return;
        amount = amount % (balance + 1);
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (ids[0], amounts[0]) = (id, amount);
        VM.prank(holder);
        try energy.consume(holder, ids, amounts, "handler") {
            ghostConsumedWh[id] += balance - energy.balanceOf(holder, id);
            ++successes["consume"];
        } catch {
            _stuck("consume");
        }
    }

    /// @notice Requests RECs for whole MWh of one batch; battery batches are tried too and must be refused.
    function requestIssuance(uint256 holderSeed, uint256 batchSeed, uint256 mwhSeed) external {
        if (batchIds.length == 0) return;
        uint256 id = batchIds[batchSeed % batchIds.length];
        // The first holder from `holderSeed` on with a whole MWh of the batch.
        address holder;
        uint256 wholeMWh;
        for (uint256 i; i < HOLDERS && wholeMWh == 0; ++i) {
            holder = holders[(holderSeed + i) % HOLDERS];
            wholeMWh = energy.balanceOf(holder, id) / WH_PER_REC;
        }
        if (wholeMWh == 0) return;
        uint256 amountWh = (1 + (mwhSeed % wholeMWh)) * WH_PER_REC;
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (ids[0], amounts[0]) = (id, amountWh);
        (uint256 deviceId, ) = EnergyIds.decodeBatchId(id);
        bool renewable = deviceId != deviceIds[2];
        bool revoked = certificates.certificateTotals(EnergyIds.certificateIdOfBatch(id)).revoked;
        uint256 before = energy.balanceOf(holder, id);
        VM.prank(holder);
        try certificates.requestIssuance(ids, amounts) returns (uint256 requestId) {
            if (!renewable) _forbidden("battery issuance request");
            _pending.push(Pending(requestId, id, amountWh));
            ghostLockedWh[id] += before - energy.balanceOf(holder, id);
            _trackCertificate(EnergyIds.certificateIdOfBatch(id));
            ++successes["requestIssuance"];
        } catch {
            if (renewable && !revoked) _stuck("requestIssuance");
        }
    }

    function decide(uint256 pendingSeed, bool approve) external {
        if (_pending.length == 0) return;
        uint256 index = pendingSeed % _pending.length;
        Pending memory request = _pending[index];
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (ids[0], amounts[0]) = (request.batchId, request.amountWh);
        uint256 certificateId = EnergyIds.certificateIdOfBatch(request.batchId);
        if (approve) {
            if (certificates.certificateTotals(certificateId).revoked) return;
            try certificates.certify(request.requestId, ids, amounts, "ipfs://evidence") {
                ghostCertifiedWh[request.batchId] += request.amountWh;
                ++successes["certify"];
            } catch {
                _stuck("certify");
                return;
            }
        } else {
            try certificates.reject(request.requestId, ids, amounts, "handler") {
                ++successes["reject"];
            } catch {
                _stuck("reject");
                return;
            }
        }
        _decided.push(request);
        ghostLockedWh[request.batchId] -= request.amountWh;
        _pending[index] = _pending[_pending.length - 1];
        _pending.pop();
    }

    /// @notice Moves RECs; attempts on revoked ids are made on purpose and must fail.
    function transferCertificates(uint256 fromSeed, uint256 toSeed, uint256 certificateSeed, uint256 amount) external {
        if (certificateIds.length == 0) return;
        address from = holders[fromSeed % HOLDERS];
        uint256 id = certificateIds[certificateSeed % certificateIds.length];
        uint256 balance = certificates.balanceOf(from, id);
        if (balance == 0) return;
        bool revoked = certificates.certificateTotals(id).revoked;
        VM.prank(from);
        try certificates.safeTransferFrom(from, holders[toSeed % HOLDERS], id, 1 + (amount % balance), "") {
            if (revoked) _forbidden("revoked REC moved");
            ++successes["transferCertificates"];
        } catch {
            if (!revoked) _stuck("transferCertificates");
        }
    }

    function retire(uint256 holderSeed, uint256 certificateSeed, uint256 amount) external {
        if (certificateIds.length == 0) return;
        address holder = holders[holderSeed % HOLDERS];
        uint256 id = certificateIds[certificateSeed % certificateIds.length];
        uint256 balance = certificates.balanceOf(holder, id);
        if (balance == 0) return;
        amount = 1 + (amount % balance);
        bool revoked = certificates.certificateTotals(id).revoked;
        VM.prank(holder);
        try certificates.retire(holder, id, amount, holder, "Beneficiary", "handler") returns (uint256) {
            if (revoked) _forbidden("revoked REC retired");
            ++successes["retire"];
            ghostRetired[id] += balance - certificates.balanceOf(holder, id);
            _receipts.push(
                IRenewableCertificates.RetirementReceipt({
                    certificateId: id,
                    holder: holder,
                    retiredAt: uint64(block.timestamp),
                    beneficiary: holder,
                    amount: uint96(amount),
                    beneficiaryName: "Beneficiary",
                    purpose: "handler"
                })
            );
        } catch {
            if (!revoked) _stuck("retire");
        }
    }

    function receiptCount() external view returns (uint256) {
        return _receipts.length;
    }

    function receipt(uint256 receiptId) external view returns (IRenewableCertificates.RetirementReceipt memory) {
        return _receipts[receiptId - 1];
    }

    function revoke(uint256 certificateSeed) external {
        if (certificateIds.length == 0) return;
        uint256 id = certificateIds[certificateSeed % certificateIds.length];
        IRenewableCertificates.CertificateTotals memory totals = certificates.certificateTotals(id);
        if (totals.issued == 0 || totals.revoked) return;
        certificates.revoke(id, "handler");
        ++successes["revoke"];
        for (uint256 i; i < HOLDERS; ++i) frozenBalance[id][holders[i]] = certificates.balanceOf(holders[i], id);
    }

    /// @notice The third party replays a decided issuance request (certify or reject it again, as itself and as the
    /// issuer, with its own batches or another pending request's), and with a holder's tokens tries to request
    /// issuance, retire and transfer. A holder also sends kWh and RECs to a contract that rejects receipts. Every
    /// call must fail, and no balance may change.
    // solhint-disable-next-line function-max-lines
    function adversary(uint256 seed, uint8 which) external {
        which %= 5;
        if (which <= 1) {
            if (_decided.length == 0) return;
            Pending memory request = _decided[seed % _decided.length];
            uint256[] memory ids = _one(request.batchId);
            uint256[] memory amounts = _one(request.amountWh);
            // As the issuer (the handler) and as the third party.
            if (which == 1) VM.prank(THIRD_PARTY);
            try certificates.certify(request.requestId, ids, amounts, "replay") {
                _forbidden("decided request certified again");
            } catch {}
            if (which == 1) VM.prank(THIRD_PARTY);
            try certificates.reject(request.requestId, ids, amounts, "replay") {
                _forbidden("decided request rejected again");
            } catch {}
            if (_pending.length != 0 && which == 1) {
                // A pending request, decided by the third party.
                Pending memory open = _pending[seed % _pending.length];
                VM.prank(THIRD_PARTY);
                try certificates.certify(open.requestId, _one(open.batchId), _one(open.amountWh), "x") {
                    _forbidden("third party certified");
                } catch {}
            }
        } else if (which == 2) {
            if (batchIds.length == 0) return;
            address holder = holders[seed % HOLDERS];
            uint256 id = batchIds[(seed >> 8) % batchIds.length];
            if (energy.balanceOf(holder, id) < WH_PER_REC) return;
            uint256 before = energy.balanceOf(holder, id);
            VM.startPrank(THIRD_PARTY);
            try certificates.requestIssuance(_one(id), _one(WH_PER_REC)) {
                _forbidden("third party requested with nothing");
            } catch {}
            try energy.safeTransferFrom(holder, THIRD_PARTY, id, 1, "") {
                _forbidden("third party moved kWh");
            } catch {}
            VM.stopPrank();
            if (energy.balanceOf(holder, id) != before) _forbidden("holder's kWh changed");
        } else if (which == 3) {
            if (certificateIds.length == 0) return;
            address holder = holders[seed % HOLDERS];
            uint256 id = certificateIds[(seed >> 8) % certificateIds.length];
            uint256 before = certificates.balanceOf(holder, id);
            if (before == 0) return;
            VM.startPrank(THIRD_PARTY);
            try certificates.retire(holder, id, 1, THIRD_PARTY, "thief", "x") {
                _forbidden("third party retired a holder's REC");
            } catch {}
            try certificates.safeTransferFrom(holder, THIRD_PARTY, id, 1, "") {
                _forbidden("third party moved RECs");
            } catch {}
            VM.stopPrank();
            if (certificates.balanceOf(holder, id) != before) _forbidden("holder's RECs changed");
        } else {
            _sendToRejecter(seed);
        }
        ++successes["adversary"];
    }

    function _sendToRejecter(uint256 seed) private {
        address holder = holders[seed % HOLDERS];
        if (batchIds.length != 0) {
            uint256 id = batchIds[(seed >> 8) % batchIds.length];
            if (energy.balanceOf(holder, id) != 0) {
                VM.prank(holder);
                try energy.safeTransferFrom(holder, address(rejecter), id, 1, "") {
                    _forbidden("kWh sent to a rejecting contract");
                } catch {}
            }
        }
        if (certificateIds.length != 0) {
            uint256 id = certificateIds[(seed >> 16) % certificateIds.length];
            if (certificates.balanceOf(holder, id) != 0) {
                VM.prank(holder);
                try certificates.safeTransferFrom(holder, address(rejecter), id, 1, "") {
                    _forbidden("REC sent to a rejecting contract");
                } catch {}
            }
        }
    }

    function batchCount() external view returns (uint256) {
        return batchIds.length;
    }

    function certificateCount() external view returns (uint256) {
        return certificateIds.length;
    }

    function holderBalanceOfEnergy(uint256 id) external view returns (uint256 sum) {
        for (uint256 i; i < HOLDERS; ++i) sum += energy.balanceOf(holders[i], id);
    }

    function holderBalanceOfCertificates(uint256 id) external view returns (uint256 sum) {
        for (uint256 i; i < HOLDERS; ++i) sum += certificates.balanceOf(holders[i], id);
    }

    function _trackBatch(uint256 id) private {
        if (_knownBatch[id]) return;
        _knownBatch[id] = true;
        batchIds.push(id);
    }

    function _trackCertificate(uint256 id) private {
        if (_knownCertificate[id]) return;
        _knownCertificate[id] = true;
        certificateIds.push(id);
    }

    function _one(uint256 value) private pure returns (uint256[] memory array) {
        array = new uint256[](1);
        array[0] = value;
    }

    function _forbidden(string memory what) private {
        ++ghostForbidden;
        lastForbidden = what;
    }

    function _stuck(string memory what) private {
        ++ghostStuck;
        lastStuck = what;
    }

    function _sign(uint256 d, IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(meterKeys[d], energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }
}

abstract contract EnergyConservationWorld is Test {
    uint64 internal constant START = 1_751_324_400; // 2025-06-30 23:00 UTC: runs cross into a new vintage month
    uint256 internal constant WH_PER_REC = 1_000_000;

    DeviceRegistry internal registry;
    MeteredEnergy internal energy;
    RenewableCertificates internal certificates;
    EnergyHandler internal handler;

    function _deploy() internal {
        vm.warp(START);
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        certificates = new RenewableCertificates(energy, address(this));
        handler = new EnergyHandler(registry, energy, certificates, START);
        registry.grantRole(registry.REGISTRAR_ROLE(), address(handler));
        certificates.grantRole(certificates.ISSUER_ROLE(), address(handler));
        handler.init();
    }

    /// For each device, the Wh minted equal the sum of accepted reading deltas (a replay never mints twice).
    function _checkMintedEqualsAcceptedDeltas() internal view {
        for (uint256 d; d < handler.DEVICES(); ++d) {
            uint256 deviceId = handler.deviceIds(d);
            assertEq(energy.mintedWh(deviceId), handler.ghostAcceptedDeltaWh(deviceId), "minted vs deltas");
        }
    }

    /// Per batch: what holders have = minted - consumed - burned for RECs - locked, and custody holds the locked Wh.
    function _checkSupplyEqualsMintedMinusBurnedMinusLocked() internal view {
        for (uint256 i; i < handler.batchCount(); ++i) {
            uint256 id = handler.batchIds(i);
            uint256 locked = handler.ghostLockedWh(id);
            uint256 burned = handler.ghostConsumedWh(id) + handler.ghostCertifiedWh(id);
            assertEq(handler.holderBalanceOfEnergy(id), handler.ghostMintedWh(id) - burned - locked, "holders");
            assertEq(energy.balanceOf(address(certificates), id), locked, "custody");
        }
    }

    /// Every REC is backed by exactly 1,000,000 Wh of renewable energy burned for it, and a battery never has RECs.
    function _checkEveryCertificateIsBackedByBurnedRenewableEnergy() internal view {
        uint256[3] memory certifiedWh;
        uint256[3] memory issuedWh;
        for (uint256 i; i < handler.batchCount(); ++i) {
            uint256 id = handler.batchIds(i);
            (uint256 deviceId, ) = EnergyIds.decodeBatchId(id);
            certifiedWh[deviceId - 1] += handler.ghostCertifiedWh(id);
        }
        for (uint256 i; i < handler.certificateCount(); ++i) {
            uint256 id = handler.certificateIds(i);
            (uint256 deviceId, ) = EnergyIds.decodeCertificateId(id);
            issuedWh[deviceId - 1] += uint256(certificates.certificateTotals(id).issued) * WH_PER_REC;
        }
        for (uint256 d; d < 3; ++d) assertEq(issuedWh[d], certifiedWh[d], "RECs vs burned Wh");
        assertEq(issuedWh[2], 0, "battery RECs");
    }

    /// Retired RECs are gone for good: issued = retired + held, receipts verify and add up, and revoked ids are frozen.
    function _checkRetiredCertificatesNeverMove() internal view {
        uint256 receiptTotal;
        assertEq(certificates.receiptCount(), handler.receiptCount(), "receipt count");
        for (uint256 r = 1; r <= certificates.receiptCount(); ++r) {
            IRenewableCertificates.RetirementReceipt memory receipt = handler.receipt(r);
            // The committed hash proves each receipt's text exactly as the retirement stated it.
            assertTrue(certificates.verifyReceipt(r, receipt), "receipt hash");
            receiptTotal += receipt.amount;
        }
        uint256 retiredTotal;
        for (uint256 i; i < handler.certificateCount(); ++i) {
            uint256 id = handler.certificateIds(i);
            IRenewableCertificates.CertificateTotals memory totals = certificates.certificateTotals(id);
            assertEq(totals.retired, handler.ghostRetired(id), "retired");
            assertEq(
                totals.issued,
                totals.retired + handler.holderBalanceOfCertificates(id),
                "issued = retired + held"
            );
            retiredTotal += totals.retired;
            if (totals.revoked) {
                for (uint256 h; h < handler.HOLDERS(); ++h) {
                    address holder = handler.holders(h);
                    assertEq(certificates.balanceOf(holder, id), handler.frozenBalance(id, holder), "revoked moved");
                }
            }
        }
        assertEq(receiptTotal, retiredTotal, "receipts");
    }

    /// No replayed decision, third-party request, retirement or transfer, decreasing reading, battery issuance or
    /// transfer to a rejecting contract succeeded, and no honest call whose conditions were all met failed.
    function _checkForbiddenNeverSucceedsAndNothingIsStuck() internal view {
        assertEq(handler.ghostForbidden(), 0, handler.lastForbidden());
        assertEq(handler.ghostStuck(), 0, handler.lastStuck());
    }
}

/// @notice The energy layer's conservation laws under {EnergyHandler}.
contract EnergyConservationInvariantTest is EnergyConservationWorld {
    function setUp() public {
        _deploy();
        targetContract(address(handler));
    }

    function invariant_mintedEqualsAcceptedDeltas() public view {
        _checkMintedEqualsAcceptedDeltas();
    }

    function invariant_supplyEqualsMintedMinusBurnedMinusLocked() public view {
        _checkSupplyEqualsMintedMinusBurnedMinusLocked();
    }

    function invariant_everyCertificateIsBackedByBurnedRenewableEnergy() public view {
        _checkEveryCertificateIsBackedByBurnedRenewableEnergy();
    }

    function invariant_retiredCertificatesNeverMove() public view {
        _checkRetiredCertificatesNeverMove();
    }

    function invariant_forbiddenNeverSucceedsAndNothingIsStuck() public view {
        _checkForbiddenNeverSucceedsAndNothingIsStuck();
    }
}

/// @notice A fixed pseudo-random sequence reaches every action at least `MIN_SUCCESSES` times with no forbidden
/// success and no stuck call, and every conservation law holds at its end.
contract EnergyConservationReachabilityTest is EnergyConservationWorld {
    uint256 private constant STEPS = 400;
    uint256 private constant MIN_SUCCESSES = 2;

    function setUp() public {
        _deploy();
    }

    function test_handler_reachesEveryAction() public {
        uint256 seed = 0xcE27;
        for (uint256 step; step < STEPS; ++step) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 a = seed >> 8;
            uint256 b = seed >> 72;
            uint256 c = seed >> 136;
            uint256 action = seed % 24;
            if (action < 6) handler.submitReadings(a, b);
            else if (action == 6) handler.resumeAfterOutage(a, b);
            else if (action == 7) handler.submitDecreasingReading(a);
            else if (action < 10) handler.transferEnergy(a, b, c, c >> 64);
            else if (action == 10) handler.consume(a, b, c);
            else if (action < 14) handler.requestIssuance(a, b, c);
            else if (action < 16) handler.decide(a, b % 2 != 0);
            else if (action < 18) handler.transferCertificates(a, b, c, c >> 64);
            else if (action < 20)
                handler.retire(a, b, c);
                // Revocation freezes a whole certificate id, so it comes late, after most issuance.
            else if (action == 20 && step > (STEPS * 3) / 4) handler.revoke(a);
            else if (action > 20) handler.adversary(a, uint8(b));
        }
        string[12] memory actions = [
            "submitReadings",
            "resumeAfterOutage",
            "submitDecreasingReading",
            "transferEnergy",
            "consume",
            "requestIssuance",
            "certify",
            "reject",
            "transferCertificates",
            "retire",
            "revoke",
            "adversary"
        ];
        for (uint256 i; i < actions.length; ++i) {
            assertGe(handler.successes(actions[i]), MIN_SUCCESSES, actions[i]);
        }
        _checkMintedEqualsAcceptedDeltas();
        _checkSupplyEqualsMintedMinusBurnedMinusLocked();
        _checkEveryCertificateIsBackedByBurnedRenewableEnergy();
        _checkRetiredCertificatesNeverMove();
        _checkForbiddenNeverSucceedsAndNothingIsStuck();
    }
}
