// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Joulestack device registry
/// @notice The list of energy devices (meters and gateways) that may produce metered kWh. Accredited registrars add
/// and suspend devices; each device's owner rotates its signing key and chooses where its energy is paid out.
interface IDeviceRegistry {
    /// @notice What a device is. Solar, wind, hydro, geothermal and biomass are renewable; the rest are not.
    enum DeviceKind {
        Solar,
        Wind,
        Hydro,
        Geothermal,
        Biomass,
        Nuclear,
        Battery,
        FlexibleLoad,
        GridImport,
        Fossil
    }

    /// @notice Where a device is in its life. `Unregistered` is the state of every id never handed out.
    enum DeviceStatus {
        Unregistered,
        Active,
        Suspended,
        Decommissioned
    }

    /// @notice A registered device. The fields metering reads on every reading share two storage slots.
    /// @param signer The key of the device's meter or gateway; only its signatures mint kWh.
    /// @param activeSince When the device's current active interval began: its commissioning time, then the time of
    /// each reactivation. No energy from before it is minted or proves a delivery.
    /// @param kind What the device is; decides whether its energy is renewable.
    /// @param status Active, Suspended or Decommissioned.
    /// @param owner The account that receives the kWh the device earns and manages its keys.
    /// @param capacityW Nameplate capacity in watts; no reading may exceed it.
    /// @param gridZone A short upper-case code of the grid zone, e.g. `ERCOT-NORTH`, left-aligned in 32 bytes.
    /// @param metadataURI Where the device's documentation (datasheet, audit, location) lives.
    /// @param commissionedAt When the device started operating (unix seconds).
    /// @param signerSince When the current signer took effect: the commissioning time, then the time of each
    /// rotation. A reading timestamped earlier was not the current signer's to sign.
    struct Device {
        address signer;
        uint64 activeSince;
        DeviceKind kind;
        DeviceStatus status;
        address owner;
        uint96 capacityW;
        bytes32 gridZone;
        string metadataURI;
        uint64 commissionedAt;
        uint64 signerSince;
    }

    /// @notice What a registrar submits to register a device; see {Device} for the fields.
    struct DeviceRegistration {
        address signer;
        uint96 capacityW;
        address owner;
        uint64 commissionedAt;
        DeviceKind kind;
        bytes32 gridZone;
        string metadataURI;
    }

    /// @notice The part of a device that meter-reading verification needs, read in one call (two storage slots).
    struct MeteringProfile {
        address signer;
        uint96 capacityW;
        address owner;
        DeviceStatus status;
        uint64 activeSince;
    }

    /// @notice A device was registered and is now active.
    /// @param deviceId The new device's id (sequential from 1).
    /// @param owner The device's owner and payout address.
    /// @param signer The device's meter key.
    /// @param kind What the device is.
    /// @param capacityW Nameplate capacity in watts.
    /// @param gridZone The grid zone code.
    /// @param commissionedAt When the device started operating.
    /// @param metadataURI The device's documentation.
    event DeviceRegistered(
        uint256 indexed deviceId,
        address indexed owner,
        address indexed signer,
        DeviceKind kind,
        uint96 capacityW,
        bytes32 gridZone,
        uint64 commissionedAt,
        string metadataURI
    );

    /// @notice A registrar changed a device's status.
    /// @param deviceId The device.
    /// @param previousStatus The status before.
    /// @param newStatus The status now.
    /// @param reason A short code or hash of the registrar's reason.
    event DeviceStatusChanged(
        uint256 indexed deviceId,
        DeviceStatus previousStatus,
        DeviceStatus newStatus,
        bytes32 reason
    );

    /// @notice The owner replaced the device's meter key; readings signed by the old key no longer count.
    /// @param deviceId The device.
    /// @param previousSigner The key before.
    /// @param newSigner The key now.
    event DeviceSignerRotated(uint256 indexed deviceId, address indexed previousSigner, address indexed newSigner);

    /// @notice The owner handed the device (and its future kWh) to a new owner.
    /// @param deviceId The device.
    /// @param previousOwner The owner before.
    /// @param newOwner The owner now.
    event DeviceOwnerChanged(uint256 indexed deviceId, address indexed previousOwner, address indexed newOwner);

    /// @notice A registrar updated the device's documentation link.
    /// @param deviceId The device.
    /// @param metadataURI The new link.
    event DeviceMetadataURIUpdated(uint256 indexed deviceId, string metadataURI);

    /// @notice The signer given is the zero address.
    error DeviceRegistryInvalidSigner(address signer);
    /// @notice The owner given is the zero address.
    error DeviceRegistryInvalidOwner(address owner);
    /// @notice A device must have a nameplate capacity above zero.
    error DeviceRegistryZeroCapacity();
    /// @notice The grid zone is not 1-32 characters of A-Z, 0-9, `-` or `_`, left-aligned.
    error DeviceRegistryInvalidGridZone(bytes32 gridZone);
    /// @notice A device cannot have been commissioned after now.
    error DeviceRegistryCommissionedInFuture(uint64 commissionedAt, uint256 currentTime);
    /// @notice No device has this id.
    error DeviceRegistryUnknownDevice(uint256 deviceId);
    /// @notice The device cannot move from its current status to the one asked for.
    error DeviceRegistryInvalidStatusTransition(uint256 deviceId, DeviceStatus currentStatus, DeviceStatus newStatus);
    /// @notice Only the device's owner may do this.
    error DeviceRegistryNotDeviceOwner(uint256 deviceId, address caller);

    /// @notice Registers a device and makes it active. Only a registrar may do this.
    /// @param registration The device's signer, owner, kind, capacity, zone, commissioning time and metadata.
    /// @return deviceId The new device's id.
    function registerDevice(DeviceRegistration calldata registration) external returns (uint256 deviceId);

    /// @notice Stops an active device from minting kWh until it is reactivated. Only a registrar may do this.
    /// @param deviceId The device.
    /// @param reason A short code or hash of the reason.
    function suspendDevice(uint256 deviceId, bytes32 reason) external;

    /// @notice Lets a suspended device mint kWh again, from now on: its active interval restarts (`activeSince`), so
    /// its owner resumes metering with a reading taken at or after this moment. Only a registrar may do this.
    /// @param deviceId The device.
    /// @param reason A short code or hash of the reason.
    function reactivateDevice(uint256 deviceId, bytes32 reason) external;

    /// @notice Retires a device for good; it never mints again. Only a registrar may do this.
    /// @param deviceId The device.
    /// @param reason A short code or hash of the reason.
    function decommissionDevice(uint256 deviceId, bytes32 reason) external;

    /// @notice Updates a device's documentation link. Only a registrar may do this.
    /// @param deviceId The device.
    /// @param metadataURI The new link.
    function setMetadataURI(uint256 deviceId, string calldata metadataURI) external;

    /// @notice Replaces the device's meter key from now on (`signerSince`). Only the device's owner may do this.
    /// @param deviceId The device.
    /// @param newSigner The new key.
    function rotateSigner(uint256 deviceId, address newSigner) external;

    /// @notice Hands the device and the kWh it earns from now on to a new owner. Only the device's owner may do this.
    /// @param deviceId The device.
    /// @param newOwner The new owner and payout address.
    function setOwner(uint256 deviceId, address newOwner) external;

    /// @notice The role that registers, suspends, reactivates and decommissions devices.
    function REGISTRAR_ROLE() external view returns (bytes32);

    /// @notice Everything known about a device; reverts for an unknown id.
    /// @param deviceId The device.
    function getDevice(uint256 deviceId) external view returns (Device memory);

    /// @notice What a device's energy counts as: its kind (the source) and grid zone; reverts for an unknown id.
    /// Reads two storage words where {getDevice} reads every field, metadata included.
    /// @param deviceId The device.
    function deviceSource(uint256 deviceId) external view returns (DeviceKind kind, bytes32 gridZone);

    /// @notice Since when the device's current signer is in force (unix seconds); reverts for an unknown id.
    /// @param deviceId The device.
    function signerSince(uint256 deviceId) external view returns (uint64);

    /// @notice The signer, owner, status, capacity and start of the active interval of a device (status
    /// `Unregistered` for an unknown id).
    /// @param deviceId The device.
    function meteringProfile(uint256 deviceId) external view returns (MeteringProfile memory);

    /// @notice How many devices were ever registered; ids run from 1 to this number.
    function deviceCount() external view returns (uint256);

    /// @notice Whether energy from this kind of device is renewable and may become a REC.
    /// @param kind The device kind.
    function isRenewable(DeviceKind kind) external pure returns (bool);
}
