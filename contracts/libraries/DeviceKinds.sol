// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDeviceRegistry} from "../interfaces/IDeviceRegistry.sol";

/// @title DeviceKinds
/// @notice Which device kinds are renewable, and the names of kinds and statuses for metadata.
library DeviceKinds {
    /// @notice Solar, wind, hydro, geothermal and biomass are renewable; nuclear, storage, loads, grid imports and
    /// fossil generation are not (storage only shifts energy that was produced elsewhere).
    function isRenewable(IDeviceRegistry.DeviceKind kind) internal pure returns (bool) {
        return kind <= IDeviceRegistry.DeviceKind.Biomass;
    }

    /// @notice The lower-case name of a device kind, e.g. `solar` or `flexible-load`.
    function name(IDeviceRegistry.DeviceKind kind) internal pure returns (string memory) {
        if (kind == IDeviceRegistry.DeviceKind.Solar) return "solar";
        if (kind == IDeviceRegistry.DeviceKind.Wind) return "wind";
        if (kind == IDeviceRegistry.DeviceKind.Hydro) return "hydro";
        if (kind == IDeviceRegistry.DeviceKind.Geothermal) return "geothermal";
        if (kind == IDeviceRegistry.DeviceKind.Biomass) return "biomass";
        if (kind == IDeviceRegistry.DeviceKind.Nuclear) return "nuclear";
        if (kind == IDeviceRegistry.DeviceKind.Battery) return "battery";
        if (kind == IDeviceRegistry.DeviceKind.FlexibleLoad) return "flexible-load";
        if (kind == IDeviceRegistry.DeviceKind.GridImport) return "grid-import";
        return "fossil";
    }

    /// @notice The lower-case name of a device status, e.g. `active`.
    function statusName(IDeviceRegistry.DeviceStatus status) internal pure returns (string memory) {
        if (status == IDeviceRegistry.DeviceStatus.Active) return "active";
        if (status == IDeviceRegistry.DeviceStatus.Suspended) return "suspended";
        if (status == IDeviceRegistry.DeviceStatus.Decommissioned) return "decommissioned";
        return "unregistered";
    }
}
