// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";
import {DeviceKinds} from "../libraries/DeviceKinds.sol";
import {GridZones} from "../libraries/GridZones.sol";

/// @title DeviceRegistry
/// @notice The registered energy devices whose signed meter readings mint kWh in Joulestack.
contract DeviceRegistry is IDeviceRegistry, AccessControl {
    /// @inheritdoc IDeviceRegistry
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    uint256 private _deviceCount;
    mapping(uint256 deviceId => Device) private _devices;

    /// @param admin The account that grants and revokes roles (registrars included).
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    modifier onlyDeviceOwner(uint256 deviceId) {
        Device storage device = _existing(deviceId);
        if (device.owner != msg.sender) revert DeviceRegistryNotDeviceOwner(deviceId, msg.sender);
        _;
    }

    /// @inheritdoc IDeviceRegistry
    function registerDevice(
        DeviceRegistration calldata registration
    ) external onlyRole(REGISTRAR_ROLE) returns (uint256 deviceId) {
        if (registration.signer == address(0)) revert DeviceRegistryInvalidSigner(address(0));
        if (registration.owner == address(0)) revert DeviceRegistryInvalidOwner(address(0));
        if (registration.capacityW == 0) revert DeviceRegistryZeroCapacity();
        if (!GridZones.isValid(registration.gridZone)) revert DeviceRegistryInvalidGridZone(registration.gridZone);
        if (registration.commissionedAt > block.timestamp) {
            revert DeviceRegistryCommissionedInFuture(registration.commissionedAt, block.timestamp);
        }

        deviceId = ++_deviceCount;
        _devices[deviceId] = Device({
            signer: registration.signer,
            activeSince: registration.commissionedAt,
            kind: registration.kind,
            status: DeviceStatus.Active,
            owner: registration.owner,
            capacityW: registration.capacityW,
            gridZone: registration.gridZone,
            metadataURI: registration.metadataURI,
            commissionedAt: registration.commissionedAt,
            signerSince: registration.commissionedAt
        });
        emit DeviceRegistered(
            deviceId,
            registration.owner,
            registration.signer,
            registration.kind,
            registration.capacityW,
            registration.gridZone,
            registration.commissionedAt,
            registration.metadataURI
        );
    }

    /// @inheritdoc IDeviceRegistry
    function suspendDevice(uint256 deviceId, bytes32 reason) external onlyRole(REGISTRAR_ROLE) {
        _transition(deviceId, DeviceStatus.Active, DeviceStatus.Suspended, reason);
    }

    /// @inheritdoc IDeviceRegistry
    function reactivateDevice(uint256 deviceId, bytes32 reason) external onlyRole(REGISTRAR_ROLE) {
        _transition(deviceId, DeviceStatus.Suspended, DeviceStatus.Active, reason);
        _devices[deviceId].activeSince = uint64(block.timestamp);
    }

    /// @inheritdoc IDeviceRegistry
    function decommissionDevice(uint256 deviceId, bytes32 reason) external onlyRole(REGISTRAR_ROLE) {
        Device storage device = _existing(deviceId);
        DeviceStatus previous = device.status;
        if (previous == DeviceStatus.Decommissioned) {
            revert DeviceRegistryInvalidStatusTransition(deviceId, previous, DeviceStatus.Decommissioned);
        }
        device.status = DeviceStatus.Decommissioned;
        emit DeviceStatusChanged(deviceId, previous, DeviceStatus.Decommissioned, reason);
    }

    /// @inheritdoc IDeviceRegistry
    function setMetadataURI(uint256 deviceId, string calldata metadataURI) external onlyRole(REGISTRAR_ROLE) {
        _existing(deviceId).metadataURI = metadataURI;
        emit DeviceMetadataURIUpdated(deviceId, metadataURI);
    }

    /// @inheritdoc IDeviceRegistry
    function rotateSigner(uint256 deviceId, address newSigner) external onlyDeviceOwner(deviceId) {
        if (newSigner == address(0)) revert DeviceRegistryInvalidSigner(newSigner);
        Device storage device = _devices[deviceId];
        address previous = device.signer;
        device.signer = newSigner;
        device.signerSince = uint64(block.timestamp);
        emit DeviceSignerRotated(deviceId, previous, newSigner);
    }

    /// @inheritdoc IDeviceRegistry
    function setOwner(uint256 deviceId, address newOwner) external onlyDeviceOwner(deviceId) {
        if (newOwner == address(0)) revert DeviceRegistryInvalidOwner(newOwner);
        Device storage device = _devices[deviceId];
        address previous = device.owner;
        device.owner = newOwner;
        emit DeviceOwnerChanged(deviceId, previous, newOwner);
    }

    /// @inheritdoc IDeviceRegistry
    function getDevice(uint256 deviceId) external view returns (Device memory) {
        return _existing(deviceId);
    }

    /// @inheritdoc IDeviceRegistry
    function deviceSource(uint256 deviceId) external view returns (DeviceKind kind, bytes32 gridZone) {
        Device storage device = _existing(deviceId);
        return (device.kind, device.gridZone);
    }

    /// @inheritdoc IDeviceRegistry
    function signerSince(uint256 deviceId) external view returns (uint64) {
        return _existing(deviceId).signerSince;
    }

    /// @inheritdoc IDeviceRegistry
    function meteringProfile(uint256 deviceId) external view returns (MeteringProfile memory) {
        Device storage device = _devices[deviceId];
        return MeteringProfile(device.signer, device.capacityW, device.owner, device.status, device.activeSince);
    }

    /// @inheritdoc IDeviceRegistry
    function deviceCount() external view returns (uint256) {
        return _deviceCount;
    }

    /// @inheritdoc IDeviceRegistry
    function isRenewable(DeviceKind kind) external pure returns (bool) {
        return DeviceKinds.isRenewable(kind);
    }

    function _transition(uint256 deviceId, DeviceStatus from, DeviceStatus to, bytes32 reason) private {
        Device storage device = _existing(deviceId);
        if (device.status != from) revert DeviceRegistryInvalidStatusTransition(deviceId, device.status, to);
        device.status = to;
        emit DeviceStatusChanged(deviceId, from, to, reason);
    }

    function _existing(uint256 deviceId) private view returns (Device storage device) {
        device = _devices[deviceId];
        if (device.status == DeviceStatus.Unregistered) revert DeviceRegistryUnknownDevice(deviceId);
    }
}
