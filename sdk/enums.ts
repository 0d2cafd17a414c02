/**
 * The member names of every enum the contracts use in errors, events and views, keyed by the ABI's `internalType`
 * (`enum <Interface>.<Enum>`), in declaration order: the value on chain is the index. `test/meta/Enums.ts` checks this
 * table against the Solidity sources, so a new or reordered member fails the suite until it is added here.
 */
export const ENUM_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  "enum IDeviceRegistry.DeviceKind": [
    "Solar",
    "Wind",
    "Hydro",
    "Geothermal",
    "Biomass",
    "Nuclear",
    "Battery",
    "FlexibleLoad",
    "GridImport",
    "Fossil",
  ],
  "enum IDeviceRegistry.DeviceStatus": ["Unregistered", "Active", "Suspended", "Decommissioned"],
  "enum IFlexibilityMarket.Direction": ["Export", "ConsumeLess"],
  "enum IRenewableCertificates.RequestStatus": ["None", "Pending", "Certified", "Rejected"],
  "enum IRevenueIntake.RevenueSource": ["Compute", "Energy", "Flexibility", "Other"],
  "enum ITrancheVault.VaultState": ["Funding", "Failed", "Active", "Matured"],
};

/** `Active` for `(enum IDeviceRegistry.DeviceStatus, 1)`; the number itself for an unknown enum or value. */
export function enumName(internalType: string, value: bigint | number): string {
  const members = ENUM_MEMBERS[internalType];
  const index = Number(value);
  return members !== undefined && Number.isInteger(index) && index >= 0 && index < members.length
    ? members[index]!
    : String(value);
}
