import { getAddress, isAddress } from "ethers";

import { DeviceKind } from "../../sdk/energy.js";
import { parseDecimal } from "../../sdk/units.js";

/** Revenue sources, in the order of `IRevenueIntake.RevenueSource`. */
export const REVENUE_SOURCES = ["compute", "energy", "flexibility", "other"] as const;

/** Flexibility directions, in the order of `IFlexibilityMarket.Direction`. */
export const DIRECTIONS = ["export", "consume-less"] as const;

/** Device kinds as typed on the command line: `solar`, `flexible-load`, ... */
export const DEVICE_KINDS = Object.keys(DeviceKind)
  .filter((key) => Number.isNaN(Number(key)))
  .map((name) => name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase());

function oneOf(text: string, names: readonly string[], what: string): number {
  const index = names.indexOf(text.trim().toLowerCase());
  if (index < 0) throw new Error(`"${text}" is not a ${what}: use one of ${names.join(", ")}`);
  return index;
}

/** `solar` -> DeviceKind.Solar. */
export function parseDeviceKind(text: string): DeviceKind {
  return oneOf(text, DEVICE_KINDS, "device kind") as DeviceKind;
}

/** The command-line name of a device kind. */
export function deviceKindName(kind: bigint | number): string {
  return DEVICE_KINDS[Number(kind)] ?? `kind ${kind}`;
}

/** `flexibility` -> 2, the `RevenueSource` index. */
export function parseRevenueSource(text: string): number {
  return oneOf(text, REVENUE_SOURCES, "revenue source");
}

/** `export` -> 0, the `Direction` index. */
export function parseDirection(text: string): number {
  return oneOf(text, DIRECTIONS, "flexibility direction");
}

/** A checksummed address, or a readable error naming the option. */
export function parseAddress(text: string, option: string): string {
  if (!isAddress(text)) throw new Error(`--${option} "${text}" is not an address`);
  return getAddress(text);
}

/** A non-negative integer id such as a device, request or commitment id. */
export function parseId(text: string, what: string): bigint {
  if (!/^\d+$/.test(text.trim())) throw new Error(`${what} "${text}" is not a non-negative integer`);
  return BigInt(text.trim());
}

const RELATIVE_UNITS: Record<string, bigint> = { s: 1n, m: 60n, h: 3_600n, d: 86_400n };

/**
 * A point in time as unix seconds: `1767225600`, an ISO date `2026-01-01T00:00:00Z`, or an offset from `now`
 * such as `+2h`, `+30m` or `30d-ago` (now is the chain's latest block time, not the wall clock).
 */
export function parseTime(text: string, now: bigint): bigint {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "now") return now;
  if (/^\d+$/.test(trimmed)) return BigInt(trimmed);
  const relative = /^(\+|-)?(\d+)([smhd])(-ago)?$/.exec(trimmed);
  if (relative && (relative[1] === undefined) !== (relative[4] === undefined)) {
    const offset = BigInt(relative[2]) * RELATIVE_UNITS[relative[3]];
    const time = relative[1] === "+" ? now + offset : now - offset;
    if (time < 0n) throw new Error(`"${text}" is before 1970`);
    return time;
  }
  const millis = Date.parse(trimmed);
  if (Number.isNaN(millis)) throw new Error(`"${text}" is not a time: use unix seconds, an ISO date, +2h or 30m-ago`);
  return BigInt(Math.floor(millis / 1000));
}

/** The next whole hour at or after `time`. */
export function ceilToHour(time: bigint): bigint {
  return ((time + 3_599n) / 3_600n) * 3_600n;
}

/** Unix seconds as an ISO date without milliseconds. */
export function formatTime(seconds: bigint): string {
  if (seconds === 0n) return "-";
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** A price per kWh in stablecoin units ("0.12") as the contracts' integer price per Wh; it must divide exactly. */
export function parsePricePerKWh(text: string, decimals: number): bigint {
  const perKWh = parseDecimal(text, decimals);
  if (perKWh % 1_000n !== 0n) {
    throw new Error(`a price of ${text} per kWh is not a whole number of token units per Wh`);
  }
  return perKWh / 1_000n;
}

/** `--flag` style percentage in basis points: "10%" or "1000" (bps). */
export function parseBps(text: string): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith("%") ? Number(parseDecimal(trimmed.slice(0, -1), 2)) : Number(parseId(trimmed, "bps"));
  if (value > 10_000) throw new Error(`"${text}" is more than 100%`);
  return value;
}
