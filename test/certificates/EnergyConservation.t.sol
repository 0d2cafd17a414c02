// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RenewableCertificates} from "../../contracts/certificates/RenewableCertificates.sol";
import {DeviceRegistry} from "../../contracts/energy/DeviceRegistry.sol";
import {MeteredEnergy} from "../../contracts/energy/MeteredEnergy.sol";
import {IDeviceRegistry} from "../../contracts/interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../../contracts/interfaces/IMeteredEnergy.sol";
import {IRenewableCertificates} from "../../contracts/interfaces/IRenewableCertificates.sol";
import {EnergyIds} from "../../contracts/libraries/EnergyIds.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the whole energy layer: signed readings of a solar, a wind and a battery device (all in one batch,
/// with replays mixed in), kWh transfers and consumption, REC issuance requests, certification, rejection, REC
/// transfers, retirement and revocation. Keeps ghost totals for the conservation invariants.
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

    constructor(DeviceRegistry registry_, MeteredEnergy energy_, RenewableCertificates certificates_, uint64 start) {
        registry = registry_;
        energy = energy_;
        certificates = certificates_;
        clock = start;
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

        energy.submitReadings(readings, signatures);

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
            energy.resumeMetering(reading, signature);
        }
    }

    /// @notice An invalid reading (counter going down) must change nothing; a revert is the expected outcome.
    function submitDecreasingReading(uint256 deviceSeed) external {
        uint256 d = deviceSeed % DEVICES;
        if (counters[d] == 0) return;
        clock += 1;
        VM.warp(clock);
        IMeteredEnergy.MeterReading memory reading = IMeteredEnergy.MeterReading(deviceIds[d], counters[d] - 1, clock);
        bytes memory signature = _sign(d, reading);
        // Expected to revert; were it accepted, the device's minted Wh would outrun the ghost deltas.
        energy.submitReading(reading, signature);
    }

    function transferEnergy(uint256 fromSeed, uint256 toSeed, uint256 batchSeed, uint256 amount) external {
        if (batchIds.length == 0) return;
        address from = holders[fromSeed % HOLDERS];
        uint256 id = batchIds[batchSeed % batchIds.length];
        uint256 balance = energy.balanceOf(from, id);
        if (balance == 0) return;
        VM.prank(from);
        energy.safeTransferFrom(from, holders[toSeed % HOLDERS], id, amount % (balance + 1), "");
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
        energy.consume(holder, ids, amounts, "handler");
        ghostConsumedWh[id] += amount;
    }

    /// @notice Requests RECs for whole MWh of one batch; battery batches are tried too and must be refused.
    function requestIssuance(uint256 holderSeed, uint256 batchSeed, uint256 mwhSeed) external {
        if (batchIds.length == 0) return;
        address holder = holders[holderSeed % HOLDERS];
        uint256 id = batchIds[batchSeed % batchIds.length];
        uint256 wholeMWh = energy.balanceOf(holder, id) / WH_PER_REC;
        if (wholeMWh == 0) return;
        uint256 amountWh = (1 + (mwhSeed % wholeMWh)) * WH_PER_REC;
        uint256[] memory ids = new uint256[](1);
        uint256[] memory amounts = new uint256[](1);
        (ids[0], amounts[0]) = (id, amountWh);
        VM.prank(holder);
        try certificates.requestIssuance(ids, amounts) returns (uint256 requestId) {
            _pending.push(Pending(requestId, id, amountWh));
            ghostLockedWh[id] += amountWh;
            _trackCertificate(EnergyIds.certificateIdOfBatch(id));
        } catch {}
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
            certificates.certify(request.requestId, ids, amounts, "ipfs://evidence");
            ghostCertifiedWh[request.batchId] += request.amountWh;
        } else {
            certificates.reject(request.requestId, ids, amounts, "handler");
        }
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
        VM.prank(from);
        try certificates.safeTransferFrom(from, holders[toSeed % HOLDERS], id, 1 + (amount % balance), "") {} catch {}
    }

    function retire(uint256 holderSeed, uint256 certificateSeed, uint256 amount) external {
        if (certificateIds.length == 0) return;
        address holder = holders[holderSeed % HOLDERS];
        uint256 id = certificateIds[certificateSeed % certificateIds.length];
        uint256 balance = certificates.balanceOf(holder, id);
        if (balance == 0) return;
        amount = 1 + (amount % balance);
        VM.prank(holder);
        try certificates.retire(holder, id, amount, holder, "Beneficiary", "handler") returns (uint256) {
            ghostRetired[id] += amount;
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
        } catch {}
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
        for (uint256 i; i < HOLDERS; ++i) frozenBalance[id][holders[i]] = certificates.balanceOf(holders[i], id);
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

    function _sign(uint256 d, IMeteredEnergy.MeterReading memory reading) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(meterKeys[d], energy.readingDigest(reading));
        return abi.encodePacked(r, s, v);
    }
}

contract EnergyConservationInvariantTest is Test {
    uint64 private constant START = 1_751_324_400; // 2025-06-30 23:00 UTC: runs cross into a new vintage month
    uint256 private constant WH_PER_REC = 1_000_000;

    DeviceRegistry private registry;
    MeteredEnergy private energy;
    RenewableCertificates private certificates;
    EnergyHandler private handler;

    function setUp() public {
        vm.warp(START);
        registry = new DeviceRegistry(address(this));
        energy = new MeteredEnergy(registry, address(this));
        certificates = new RenewableCertificates(energy, address(this));
        handler = new EnergyHandler(registry, energy, certificates, START);
        registry.grantRole(registry.REGISTRAR_ROLE(), address(handler));
        certificates.grantRole(certificates.ISSUER_ROLE(), address(handler));
        handler.init();
        targetContract(address(handler));
    }

    /// For each device, the Wh minted equal the sum of accepted reading deltas (a replay never mints twice).
    function invariant_mintedEqualsAcceptedDeltas() public view {
        for (uint256 d; d < handler.DEVICES(); ++d) {
            uint256 deviceId = handler.deviceIds(d);
            assertEq(energy.mintedWh(deviceId), handler.ghostAcceptedDeltaWh(deviceId), "minted vs deltas");
        }
    }

    /// Per batch: what holders have = minted - consumed - burned for RECs - locked, and custody holds the locked Wh.
    function invariant_supplyEqualsMintedMinusBurnedMinusLocked() public view {
        for (uint256 i; i < handler.batchCount(); ++i) {
            uint256 id = handler.batchIds(i);
            uint256 locked = handler.ghostLockedWh(id);
            uint256 burned = handler.ghostConsumedWh(id) + handler.ghostCertifiedWh(id);
            assertEq(handler.holderBalanceOfEnergy(id), handler.ghostMintedWh(id) - burned - locked, "holders");
            assertEq(energy.balanceOf(address(certificates), id), locked, "custody");
        }
    }

    /// Every REC is backed by exactly 1,000,000 Wh of renewable energy burned for it, and a battery never has RECs.
    function invariant_everyCertificateIsBackedByBurnedRenewableEnergy() public view {
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
    function invariant_retiredCertificatesNeverMove() public view {
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
}
