// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IERC7572} from "../interfaces/IERC7572.sol";
import {IMeteredEnergy} from "../interfaces/IMeteredEnergy.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {EnergyIds} from "../libraries/EnergyIds.sol";
import {GridZones} from "../libraries/GridZones.sol";
import {TokenMetadata} from "../libraries/TokenMetadata.sol";
import {BoundedPausable} from "../utils/BoundedPausable.sol";

/// @title MeteredEnergy
/// @notice Metered kWh: one ERC-1155 unit per watt-hour, one token id per device and hour, minted only from meter
/// readings signed by the device's current signer.
contract MeteredEnergy is IMeteredEnergy, ERC1155, EIP712, AccessControl, BoundedPausable, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @inheritdoc IMeteredEnergy
    bytes32 public constant METER_READING_TYPEHASH = keccak256(
        "MeterReading(uint256 deviceId,uint256 cumulativeWh,uint64 timestamp)"
    );
    /// @inheritdoc IMeteredEnergy
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @inheritdoc IMeteredEnergy
    IDeviceRegistry public immutable registry;

    mapping(uint256 deviceId => MeterState) private _meters;

    /// @param registry_ The device registry readings are checked against.
    /// @param admin The account that grants and revokes roles.
    constructor(IDeviceRegistry registry_, address admin) ERC1155("") EIP712("Joulestack Metered Energy", "1") {
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IMeteredEnergy
    function submitReading(
        MeterReading calldata reading,
        bytes calldata signature
    ) external nonReentrant whenNotPaused returns (uint256 deltaWh) {
        (, deltaWh) = _applyReading(reading, signature, false);
    }

    /// @inheritdoc IMeteredEnergy
    function submitReadings(
        MeterReading[] calldata readings,
        bytes[] calldata signatures
    ) external nonReentrant whenNotPaused returns (uint256 applied) {
        if (readings.length != signatures.length) {
            revert MeteredEnergyLengthMismatch(readings.length, signatures.length);
        }
        for (uint256 i; i < readings.length; ++i) {
            (bool wasApplied, ) = _applyReading(readings[i], signatures[i], true);
            if (wasApplied) ++applied;
        }
    }

    /// @inheritdoc IMeteredEnergy
    function resumeMetering(
        MeterReading calldata reading,
        bytes calldata signature
    ) external nonReentrant whenNotPaused {
        uint256 deviceId = reading.deviceId;
        MeterState storage meter = _meters[deviceId];
        uint64 lastTimestamp = meter.timestamp;
        IDeviceRegistry.MeteringProfile memory profile = _activeProfile(deviceId);
        if (msg.sender != profile.owner) revert MeteredEnergyNotDeviceOwner(deviceId, profile.owner, msg.sender);
        _checkSignedReading(reading, signature, profile.signer);
        if (reading.timestamp < profile.activeSince) {
            revert MeteredEnergyReadingBeforeActive(deviceId, reading.timestamp, profile.activeSince);
        }
        if (reading.timestamp <= lastTimestamp) {
            revert MeteredEnergyReadingNotAfterLast(deviceId, lastTimestamp, reading.timestamp);
        }
        uint128 cumulativeWh = reading.cumulativeWh.toUint128();

        if (lastTimestamp == 0) {
            // The first reading only fixes the counter from which the device's energy is counted.
            meter.cumulativeWh = cumulativeWh;
            meter.timestamp = reading.timestamp;
            meter.baselineWh = cumulativeWh;
            emit MeterBaselineSet(deviceId, cumulativeWh, reading.timestamp);
            return;
        }
        // A resume is only for what no reading can bridge; otherwise energy that a reading could mint would vanish.
        if (reading.timestamp <= _hourBoundary(lastTimestamp) && lastTimestamp >= profile.activeSince) {
            revert MeteredEnergyNoGap(deviceId, lastTimestamp, reading.timestamp);
        }
        uint128 lastWh = meter.cumulativeWh;
        if (cumulativeWh < lastWh) revert MeteredEnergyCounterDecreased(deviceId, lastWh, cumulativeWh);

        uint128 skippedWh = cumulativeWh - lastWh;
        meter.cumulativeWh = cumulativeWh;
        meter.timestamp = reading.timestamp;
        meter.baselineWh += skippedWh;
        emit MeteringResumed(deviceId, cumulativeWh, reading.timestamp, skippedWh, reading.timestamp - lastTimestamp);
    }

    /// @inheritdoc IMeteredEnergy
    function consume(
        address from,
        uint256[] calldata ids,
        uint256[] calldata amountsWh,
        bytes32 purpose
    ) external nonReentrant {
        if (from != msg.sender && !isApprovedForAll(from, msg.sender)) {
            revert ERC1155MissingApprovalForAll(msg.sender, from);
        }
        _burnBatch(from, ids, amountsWh);
        for (uint256 i; i < ids.length; ++i) {
            emit EnergyConsumed(from, msg.sender, ids[i], amountsWh[i], purpose);
        }
    }

    /// @inheritdoc IMeteredEnergy
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IMeteredEnergy
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IMeteredEnergy
    function verifyReading(
        MeterReading calldata reading,
        bytes calldata signature
    ) external view whenNotPaused returns (address signer) {
        uint256 deviceId = reading.deviceId;
        IDeviceRegistry.MeteringProfile memory profile = _activeProfile(deviceId);
        _checkSignedReading(reading, signature, profile.signer);
        if (reading.timestamp < profile.activeSince) {
            revert MeteredEnergyReadingBeforeActive(deviceId, reading.timestamp, profile.activeSince);
        }
        // A key rotated in later could sign a past reading that contradicts what its predecessor's readings minted.
        _checkSignerInForce(deviceId, reading.timestamp);
        MeterState storage meter = _meters[deviceId];
        uint64 ledgerTimestamp = meter.timestamp;
        if (reading.timestamp > ledgerTimestamp) {
            revert MeteredEnergyReadingNotInLedger(deviceId, reading.timestamp, ledgerTimestamp);
        }
        uint256 ledgerWh = meter.cumulativeWh;
        if (
            reading.cumulativeWh > ledgerWh ||
            (reading.timestamp == ledgerTimestamp && reading.cumulativeWh != ledgerWh)
        ) {
            revert MeteredEnergyReadingContradictsLedger(
                deviceId,
                reading.timestamp,
                reading.cumulativeWh,
                ledgerTimestamp,
                ledgerWh
            );
        }
        return profile.signer;
    }

    /// @inheritdoc IMeteredEnergy
    function readingDigest(MeterReading calldata reading) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(METER_READING_TYPEHASH, reading.deviceId, reading.cumulativeWh, reading.timestamp))
            );
    }

    /// @inheritdoc IMeteredEnergy
    function meterState(uint256 deviceId) external view returns (MeterState memory) {
        return _meters[deviceId];
    }

    /// @inheritdoc IMeteredEnergy
    function mintedWh(uint256 deviceId) external view returns (uint256) {
        MeterState storage meter = _meters[deviceId];
        return meter.cumulativeWh - meter.baselineWh;
    }

    /// @inheritdoc IMeteredEnergy
    function batchOrigin(uint256 id) public view returns (BatchOrigin memory origin) {
        (uint256 deviceId, uint64 hourIndex) = EnergyIds.decodeBatchId(id);
        (IDeviceRegistry.DeviceKind kind, bytes32 gridZone) = registry.deviceSource(deviceId);
        return
            BatchOrigin({
                deviceId: deviceId,
                hourIndex: hourIndex,
                hourStart: EnergyIds.hourStart(hourIndex),
                gridZone: gridZone,
                kind: kind,
                renewable: DeviceKinds.isRenewable(kind)
            });
    }

    /// @inheritdoc IMeteredEnergy
    function batchId(uint256 deviceId, uint64 hourIndex) external pure returns (uint256) {
        return EnergyIds.batchId(deviceId, hourIndex);
    }

    // JSON fragments are single-quoted so their double quotes need no escaping.
    // solhint-disable quotes
    /// @notice On-chain JSON metadata of a kWh batch: device, UTC hour, grid zone, source, the device's capacity and
    /// status. Balances are in Wh and shown in kWh (`decimals` 3). Every hour of a registered device is described,
    /// minted or not; the id of an unregistered device reverts with `DeviceRegistryUnknownDevice`.
    /// @param id The kWh batch id.
    function uri(uint256 id) public view override returns (string memory) {
        (uint256 deviceId, uint64 hourIndex) = EnergyIds.decodeBatchId(id);
        IDeviceRegistry.Device memory device = registry.getDevice(deviceId);
        string memory device_ = Strings.toString(deviceId);
        string memory hour = TokenMetadata.isoHour(EnergyIds.hourStart(hourIndex));
        string memory source = DeviceKinds.name(device.kind);
        string memory zone = GridZones.toString(device.gridZone);
        bytes memory json = abi.encodePacked(
            unicode'{"name":"kWh · device ',
            device_,
            unicode" · ",
            hour,
            '","description":"Energy metered from ',
            source,
            " device ",
            device_,
            " in grid zone ",
            zone,
            " during the hour from ",
            hour,
            '. One unit is one Wh.","decimals":3,'
        );
        json = abi.encodePacked(
            json,
            '"properties":{"deviceId":',
            device_,
            ',"hourIndex":',
            Strings.toString(hourIndex),
            ',"hourStart":"',
            hour,
            '","gridZone":"',
            zone,
            '","source":"',
            source,
            '","renewable":',
            DeviceKinds.isRenewable(device.kind) ? "true" : "false",
            ',"capacityW":',
            Strings.toString(device.capacityW),
            ',"status":"',
            DeviceKinds.statusName(device.status),
            '"}}'
        );
        return TokenMetadata.dataURI(json);
    }

    /// @inheritdoc IERC7572
    function contractURI() external pure returns (string memory) {
        return
            TokenMetadata.dataURI(
                '{"name":"Joulestack Metered Energy","symbol":"kWh","description":"Energy produced by registered '
                "devices, minted from signed meter readings: one token id per device and UTC hour, one unit per Wh "
                '(shown in kWh)."}'
            );
    }
    // solhint-enable quotes

    /// @inheritdoc AccessControl
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC1155, AccessControl, IERC165) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /// @dev Every balance change (mint, transfer, burn) stops while paused.
    function _update(
        address from,
        address to,
        uint256[] memory ids,
        uint256[] memory values
    ) internal override whenNotPaused {
        super._update(from, to, ids, values);
    }

    /// @return applied False when `skipStale` and the reading is not newer than the last one.
    /// @return deltaWh The energy minted.
    function _applyReading(
        MeterReading calldata reading,
        bytes calldata signature,
        bool skipStale
    ) private returns (bool applied, uint256 deltaWh) {
        uint256 deviceId = reading.deviceId;
        MeterState storage meter = _meters[deviceId];
        uint64 lastTimestamp = meter.timestamp;
        // Only the owner sets the baseline, so no copied reading can move it forward over unminted energy.
        if (lastTimestamp == 0) revert MeteredEnergyMeteringNotStarted(deviceId);
        if (reading.timestamp <= lastTimestamp) {
            if (skipStale) {
                emit ReadingSkipped(deviceId, reading.timestamp, lastTimestamp);
                return (false, 0);
            }
            revert MeteredEnergyReadingNotAfterLast(deviceId, lastTimestamp, reading.timestamp);
        }
        // The interval (lastTimestamp, timestamp] must lie in the hour that starts at or before lastTimestamp.
        uint256 boundary = _hourBoundary(lastTimestamp);
        if (reading.timestamp > boundary) {
            revert MeteredEnergyReadingCrossesHour(deviceId, lastTimestamp, reading.timestamp, boundary);
        }
        IDeviceRegistry.MeteringProfile memory profile = _activeProfile(deviceId);
        _checkSignedReading(reading, signature, profile.signer);
        if (lastTimestamp < profile.activeSince) {
            revert MeteredEnergyIntervalBeforeActive(deviceId, lastTimestamp, profile.activeSince);
        }
        // Else a key rotated back in would mint a reading it signed while retired (stolen, or never relayed).
        _checkSignerInForce(deviceId, reading.timestamp);

        uint256 lastWh = meter.cumulativeWh;
        if (reading.cumulativeWh < lastWh) revert MeteredEnergyCounterDecreased(deviceId, lastWh, reading.cumulativeWh);
        deltaWh = reading.cumulativeWh - lastWh;
        // Rounded down: a device never gets credit for a fraction of a watt-hour it could not have produced.
        uint256 maxWh = (uint256(profile.capacityW) * (reading.timestamp - lastTimestamp)) / EnergyIds.BATCH_PERIOD;
        if (deltaWh > maxWh) revert MeteredEnergyExceedsCapacity(deviceId, deltaWh, maxWh);

        meter.cumulativeWh = reading.cumulativeWh.toUint128();
        meter.timestamp = reading.timestamp;
        emit ReadingAccepted(deviceId, reading.cumulativeWh, reading.timestamp);
        if (deltaWh != 0) {
            // boundary = (hour + 1) * BATCH_PERIOD with hour < 2^64, so the quotient fits in 64 bits.
            uint64 hourIndex = uint64(boundary / EnergyIds.BATCH_PERIOD - 1);
            _mint(profile.owner, EnergyIds.batchId(deviceId, hourIndex), deltaWh, "");
        }
        return (true, deltaWh);
    }

    /// @dev The device's metering profile; reverts unless the device is active.
    function _activeProfile(uint256 deviceId) private view returns (IDeviceRegistry.MeteringProfile memory profile) {
        profile = registry.meteringProfile(deviceId);
        if (profile.status != IDeviceRegistry.DeviceStatus.Active) {
            if (profile.status == IDeviceRegistry.DeviceStatus.Unregistered)
                revert MeteredEnergyUnknownDevice(deviceId);
            revert MeteredEnergyDeviceNotActive(deviceId, profile.status);
        }
    }

    /// @dev Checks that the signature is the device's current signer's and the reading is not in the future.
    function _checkSignedReading(MeterReading calldata reading, bytes calldata signature, address signer) private view {
        _checkSigner(reading, signature, signer);
        if (reading.timestamp > block.timestamp) {
            revert MeteredEnergyReadingInFuture(reading.deviceId, reading.timestamp, block.timestamp);
        }
    }

    /// @dev Reverts unless the device's current signer was already in force at `timestamp`.
    function _checkSignerInForce(uint256 deviceId, uint64 timestamp) private view {
        uint64 signerSince = registry.signerSince(deviceId);
        if (timestamp < signerSince) revert MeteredEnergySignerNotInForce(deviceId, timestamp, signerSince);
    }

    /// @dev The end of the clock hour that a reading at `timestamp` starts: the next multiple of the batch period
    /// strictly after it, so a reading on a boundary starts the hour after it.
    function _hourBoundary(uint64 timestamp) private pure returns (uint256) {
        return (uint256(timestamp) / EnergyIds.BATCH_PERIOD + 1) * EnergyIds.BATCH_PERIOD;
    }

    /// @dev An ECDSA signature by `expected`'s key is accepted first, so an EOA signer costs no code-size lookup; a
    /// signer with code (a smart account, or an EIP-7702 account whose key did not sign) is then asked through
    /// ERC-1271, whose revert or wrong answer counts as an invalid signature.
    function _checkSigner(MeterReading calldata reading, bytes calldata signature, address expected) private view {
        bytes32 digest = readingDigest(reading);
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == expected) return;
        if (
            expected.code.length == 0 ||
            !SignatureChecker.isValidERC1271SignatureNowCalldata(expected, digest, signature)
        ) {
            revert MeteredEnergyInvalidSigner(reading.deviceId, recovered, expected);
        }
    }
}
