// Helpers shared by the event handlers of every module.

/** The energy source of each DeviceKind, in the enum's order (contracts/libraries/DeviceKinds.sol). */
export const SOURCES = [
  "solar",
  "wind",
  "hydro",
  "geothermal",
  "biomass",
  "nuclear",
  "battery",
  "flexible-load",
  "grid-import",
  "fossil",
] as const;
export const DEVICE_STATUSES = ["unregistered", "active", "suspended", "decommissioned"] as const;
export const REVENUE_SOURCES = ["compute", "energy", "flexibility", "other"] as const;
export const VAULT_STATES = ["funding", "failed", "active", "matured"] as const;
export const FLEX_DIRECTIONS = ["export", "consume-less"] as const;

const TIME_BITS = 64n;
const TIME_MASK = (1n << TIME_BITS) - 1n;

/** `deviceId << 64 | hourIndex` (kWh batches) or `deviceId << 64 | vintage` (RECs). */
export const splitId = (id: bigint) => ({ deviceId: id >> TIME_BITS, low: id & TIME_MASK });

export const zoneToString = (zone: `0x${string}`) =>
  Buffer.from(zone.slice(2), "hex").toString("ascii").replace(/\0+$/, "");

export const sourceOf = (kind: number) => SOURCES[kind] ?? `kind-${kind}`;

export const sameAddress = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** Where a log happened, as the columns every per-log table starts with. */
export function logColumns(event: any, context: any) {
  return {
    id: `${context.chain.id}-${event.block.number}-${event.log.logIndex}`,
    chainId: context.chain.id as number,
    blockNumber: event.block.number as bigint,
    timestamp: event.block.timestamp as bigint,
    transactionHash: event.transaction.hash as `0x${string}`,
    logIndex: event.log.logIndex as number,
  };
}

/** Event arguments as JSON (bigints as decimal strings). */
export function jsonArgs(args: unknown): unknown {
  if (typeof args === "bigint") return args.toString();
  if (Array.isArray(args)) return args.map(jsonArgs);
  if (args !== null && typeof args === "object") {
    return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, jsonArgs(value)]));
  }
  return args;
}
