// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {IMeteredEnergy} from "../interfaces/IMeteredEnergy.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {EnergyIds} from "../libraries/EnergyIds.sol";
import {GridZones} from "../libraries/GridZones.sol";

/// @title MeteredEnergy
/// @notice Metered kWh: one ERC-1155 unit per watt-hour, one token id per device and hour, minted only from meter
/// readings signed by the device's current signer.
contract MeteredEnergy is IMeteredEnergy, ERC1155, EIP712, AccessControl, Pausable, ReentrancyGuardTransient {
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
    function resumeMetering(MeterReading calldata reading, bytes calldata signature) external whenNotPaused {
        MeterState storage meter = _meters[reading.deviceId];
        uint64 lastTimestamp = meter.timestamp;
        if (reading.timestamp <= lastTimestamp || lastTimestamp == 0) {
            revert MeteredEnergyReadingNotAfterLast(reading.deviceId, lastTimestamp, reading.timestamp);
        }
        uint256 gap = reading.timestamp - lastTimestamp;
        if (gap <= EnergyIds.BATCH_PERIOD) revert MeteredEnergyNoGap(reading.deviceId, gap, EnergyIds.BATCH_PERIOD);
        _authenticate(reading, signature);
        uint128 lastWh = meter.cumulativeWh;
        if (reading.cumulativeWh < lastWh) {
            revert MeteredEnergyCounterDecreased(reading.deviceId, lastWh, reading.cumulativeWh);
        }

        uint128 cumulativeWh = reading.cumulativeWh.toUint128();
        uint128 skippedWh = cumulativeWh - lastWh;
        meter.cumulativeWh = cumulativeWh;
        meter.timestamp = reading.timestamp;
        meter.baselineWh += skippedWh;
        emit MeteringResumed(reading.deviceId, cumulativeWh, reading.timestamp, skippedWh, gap);
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
    ) external view returns (address signer) {
        IDeviceRegistry.MeteringProfile memory profile = registry.meteringProfile(reading.deviceId);
        if (profile.status == IDeviceRegistry.DeviceStatus.Unregistered) {
            revert MeteredEnergyUnknownDevice(reading.deviceId);
        }
        _checkSigner(reading, signature, profile.signer);
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
        IDeviceRegistry.Device memory device = registry.getDevice(deviceId);
        return
            BatchOrigin({
                deviceId: deviceId,
                hourIndex: hourIndex,
                hourStart: EnergyIds.hourStart(hourIndex),
                gridZone: device.gridZone,
                kind: device.kind,
                renewable: DeviceKinds.isRenewable(device.kind)
            });
    }

    /// @inheritdoc IMeteredEnergy
    function batchId(uint256 deviceId, uint64 hourIndex) external pure returns (uint256) {
        return EnergyIds.batchId(deviceId, hourIndex);
    }

    // JSON fragments are single-quoted so their double quotes need no escaping.
    // solhint-disable quotes
    /// @notice On-chain JSON metadata of a kWh batch: device, hour, grid zone and source. Reverts for an unknown
    /// device.
    /// @param id The kWh batch id.
    function uri(uint256 id) public view override returns (string memory) {
        BatchOrigin memory origin = batchOrigin(id);
        string memory deviceId = Strings.toString(origin.deviceId);
        string memory source = DeviceKinds.name(origin.kind);
        string memory properties = string.concat(
            '"properties":{"deviceId":',
            deviceId,
            ',"hourStart":',
            Strings.toString(origin.hourStart),
            ',"gridZone":"',
            GridZones.toString(origin.gridZone),
            '","source":"',
            source,
            '","renewable":',
            origin.renewable ? "true" : "false",
            "}}"
        );
        bytes memory json = abi.encodePacked(
            '{"name":"Joulestack energy, device ',
            deviceId,
            ", hour ",
            Strings.toString(origin.hourIndex),
            '","description":"Metered watt-hours (1 unit = 1 Wh) from a registered ',
            source,
            ' device.","decimals":0,',
            properties
        );
        return string.concat("data:application/json;base64,", Base64.encode(json));
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
        MeterState storage meter = _meters[reading.deviceId];
        uint64 lastTimestamp = meter.timestamp;
        if (reading.timestamp <= lastTimestamp || reading.timestamp == 0) {
            if (skipStale) {
                emit ReadingSkipped(reading.deviceId, reading.timestamp, lastTimestamp);
                return (false, 0);
            }
            revert MeteredEnergyReadingNotAfterLast(reading.deviceId, lastTimestamp, reading.timestamp);
        }
        IDeviceRegistry.MeteringProfile memory profile = _authenticate(reading, signature);
        uint128 cumulativeWh = reading.cumulativeWh.toUint128();

        if (lastTimestamp == 0) {
            // The first reading only fixes the counter from which the device's energy is counted.
            meter.cumulativeWh = cumulativeWh;
            meter.timestamp = reading.timestamp;
            meter.baselineWh = cumulativeWh;
            emit MeterBaselineSet(reading.deviceId, cumulativeWh, reading.timestamp);
            return (true, 0);
        }

        deltaWh = _measure(reading, meter.cumulativeWh, lastTimestamp, profile.capacityW);
        meter.cumulativeWh = cumulativeWh;
        meter.timestamp = reading.timestamp;
        uint256 id = EnergyIds.batchId(reading.deviceId, EnergyIds.hourOfReading(reading.timestamp));
        emit ReadingAccepted(reading.deviceId, id, profile.owner, cumulativeWh, reading.timestamp, deltaWh);
        if (deltaWh != 0) _mint(profile.owner, id, deltaWh, "");
        return (true, deltaWh);
    }

    /// @dev Checks that the device is active, the signature is its current signer's and the reading is not in the
    /// future.
    function _authenticate(
        MeterReading calldata reading,
        bytes calldata signature
    ) private view returns (IDeviceRegistry.MeteringProfile memory profile) {
        profile = registry.meteringProfile(reading.deviceId);
        if (profile.status != IDeviceRegistry.DeviceStatus.Active) {
            if (profile.status == IDeviceRegistry.DeviceStatus.Unregistered) {
                revert MeteredEnergyUnknownDevice(reading.deviceId);
            }
            revert MeteredEnergyDeviceNotActive(reading.deviceId, profile.status);
        }
        _checkSigner(reading, signature, profile.signer);
        if (reading.timestamp > block.timestamp) {
            revert MeteredEnergyReadingInFuture(reading.deviceId, reading.timestamp, block.timestamp);
        }
    }

    /// @dev The energy since the last reading, checked against the batch period, the counter and the capacity.
    function _measure(
        MeterReading calldata reading,
        uint256 lastWh,
        uint64 lastTimestamp,
        uint256 capacityW
    ) private pure returns (uint256 deltaWh) {
        uint256 elapsed = reading.timestamp - lastTimestamp;
        if (elapsed > EnergyIds.BATCH_PERIOD) {
            revert MeteredEnergyReadingSpanTooLong(reading.deviceId, elapsed, EnergyIds.BATCH_PERIOD);
        }
        if (reading.cumulativeWh < lastWh)
            revert MeteredEnergyCounterDecreased(reading.deviceId, lastWh, reading.cumulativeWh);
        deltaWh = reading.cumulativeWh - lastWh;
        // Rounded down: a device never gets credit for a fraction of a watt-hour it could not have produced.
        uint256 maxWh = (capacityW * elapsed) / EnergyIds.BATCH_PERIOD;
        if (deltaWh > maxWh) revert MeteredEnergyExceedsCapacity(reading.deviceId, deltaWh, maxWh);
    }

    function _checkSigner(MeterReading calldata reading, bytes calldata signature, address expected) private view {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(readingDigest(reading), signature);
        if (error != ECDSA.RecoverError.NoError || recovered != expected) {
            revert MeteredEnergyInvalidSigner(reading.deviceId, recovered, expected);
        }
    }
}
