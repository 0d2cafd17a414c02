import { decodeBytes32String, encodeBytes32String, getAddress, id, isAddress } from "ethers";

import { DeviceKind } from "../../sdk/energy.js";
import { formatEnergy, formatPower, parseDecimal, parseEnergy, parsePower } from "../../sdk/units.js";

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

/** A non-negative integer id such as a device, request or commitment id (at most the largest uint256). */
export function parseId(text: string, what: string): bigint {
  if (!/^\d+$/.test(text.trim())) throw new Error(`${what} "${text}" is not a non-negative integer`);
  const value = BigInt(text.trim());
  if (value >= 2n ** 256n) throw new Error(`${what} "${text}" exceeds the largest uint256`);
  return value;
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
export function parsePricePerKWh(text: string, decimals: number, option = "price"): bigint {
  const perKWh = parseTokenAmount(text, decimals, `--${option}`);
  if (perKWh % 1_000n !== 0n) {
    throw new Error(`--${option} ${text} per kWh is not a whole number of token units per Wh`);
  }
  if (perKWh / 1_000n > maxUint(96)) throw new Error(`--${option} ${text} per kWh exceeds the largest price, a uint96`);
  return perKWh / 1_000n;
}

/** `--flag` style percentage in basis points: "10%" or "1000" (bps). */
export function parseBps(text: string, option = "stake"): number {
  const trimmed = text.trim();
  let value: number;
  try {
    value = trimmed.endsWith("%") ? Number(parseDecimal(trimmed.slice(0, -1), 2)) : Number(parseId(trimmed, "bps"));
  } catch {
    throw new Error(`--${option} "${text}" is not a share: use 0% to 100% (at most 2 decimals) or 0 to 10000 bps`);
  }
  if (value > 10_000) throw new Error(`--${option} "${text}" is more than 100%`);
  return value;
}

/**
 * A stablecoin amount typed as a decimal ("12500.50") in token units, or a readable error naming the option and
 * the limit that was broken: not a number, negative, more decimals than the token has, or (unless `allowZero`) zero.
 */
export function parseTokenAmount(text: string, decimals: number, option: string, { allowZero = false } = {}): bigint {
  const trimmed = text.trim();
  if (/^-/.test(trimmed)) throw new Error(`${option} "${text}" is negative: an amount is at least 0`);
  let amount: bigint;
  try {
    amount = parseDecimal(trimmed, decimals);
  } catch {
    throw new Error(
      /^\d+\.\d+$/.test(trimmed.replaceAll(",", "").replaceAll("_", ""))
        ? `${option} "${text}" has more than ${decimals} decimal places, the token's precision`
        : `${option} "${text}" is not an amount: use a decimal number such as 12500.50`,
    );
  }
  if (amount === 0n && !allowZero) throw new Error(`${option} must be more than 0`);
  if (amount >= 2n ** 256n) throw new Error(`${option} "${text}" exceeds the largest uint256 amount`);
  return amount;
}

/** A list of addresses, comma- or space-separated or given as separate arguments; duplicates are refused. */
export function parseAddresses(texts: readonly string[], option: string): string[] {
  const addresses = texts
    .flatMap((text) => text.split(/[\s,]+/))
    .filter((text) => text !== "")
    .map((text) => parseAddress(text, option));
  if (addresses.length === 0) throw new Error(`--${option}: give at least one address`);
  const seen = new Set<string>();
  for (const address of addresses) {
    if (seen.has(address)) throw new Error(`--${option}: ${address} is listed twice`);
    seen.add(address);
  }
  return addresses;
}

/** An ISO 3166-1 numeric country code (`840` for the United States), the registry's jurisdiction field. */
export function parseJurisdiction(text: string): number {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed) || Number(trimmed) === 0) {
    throw new Error(
      `--jurisdiction "${text}" is not an ISO 3166-1 numeric country code: use 1 to 999, e.g. 840 for the United States`,
    );
  }
  return Number(trimmed);
}

/** The largest expiry the registry stores (`uint64`). */
export const MAX_EXPIRY = 2n ** 64n - 1n;

/** A listing's expiry: any `parseTime` form (`+365d`, an ISO date), after `now` and within `uint64`. */
export function parseExpiry(text: string, now: bigint): bigint {
  let expiry: bigint;
  try {
    expiry = parseTime(text, now);
  } catch (error) {
    throw new Error(`--expiry ${(error as Error).message}`);
  }
  if (expiry <= now) {
    throw new Error(`--expiry "${text}" (${formatTime(expiry)}) is not after the chain's time ${formatTime(now)}`);
  }
  if (expiry > MAX_EXPIRY) throw new Error(`--expiry "${text}" is after the largest expiry, ${MAX_EXPIRY}`);
  return expiry;
}

/**
 * An investor identity: a 32-byte hex value as is (e.g. a KYC record hash), or any other text hashed with
 * keccak-256 (`kyc:alice` -> keccak256("kyc:alice")). Zero is not an identity (it means unlinked).
 */
export function parseIdentity(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error("--identity is empty: give a 32-byte hex value or a text to hash");
  const identity = /^0x[0-9a-fA-F]{64}$/.test(trimmed) ? trimmed.toLowerCase() : id(trimmed);
  if (BigInt(identity) === 0n) throw new Error("--identity is zero, which means unlinked: use --unlink instead");
  return identity;
}

/** A tranche by id (`0`) or by its note symbol (`JSN-SR`, any case), given the vault's symbols in id order. */
export function parseTranche(text: string, symbols: readonly string[]): bigint {
  const trimmed = text.trim();
  const bySymbol = symbols.findIndex((symbol) => symbol.toLowerCase() === trimmed.toLowerCase());
  if (bySymbol >= 0) return BigInt(bySymbol);
  if (/^\d+$/.test(trimmed) && Number(trimmed) < symbols.length) return BigInt(trimmed);
  throw new Error(
    `--tranche "${text}" is not a tranche of this vault: use 0 to ${symbols.length - 1} or one of ${symbols.join(", ")}`,
  );
}

/** Coverage in basis points as a multiple, "1.20x"; a period with no debt service due has unbounded coverage. */
export function formatCoverage(bps: bigint): string {
  if (bps === 2n ** 256n - 1n) return "n/a (no debt due)";
  const hundredths = (bps + 50n) / 100n;
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}x`;
}

const GRID_ZONE_CODE = /^[A-Z0-9_-]{1,32}$/;

/**
 * A grid zone code as the contracts store it: trimmed and upper-cased (`ercot-north` -> `ERCOT-NORTH`), or an error
 * naming the option and the rule (1-32 characters of A-Z, 0-9, - or _).
 */
export function parseZone(text: string, option = "zone"): string {
  const code = text.trim().toUpperCase();
  if (!GRID_ZONE_CODE.test(code)) {
    throw new Error(`--${option} "${text}" is not a grid zone code: use 1-32 characters of A-Z, 0-9, - or _`);
  }
  return code;
}

/** The largest value of an unsigned integer of `bits` bits. */
export const maxUint = (bits: number) => 2n ** BigInt(bits) - 1n;

/**
 * An energy such as "250 kWh" (a bare number is Wh) in Wh, or an error naming the option and the broken limit:
 * not an energy, negative, finer than 1 Wh, zero (unless `allowZero`) or above `max`.
 */
export function parseEnergyOption(
  text: string,
  option: string,
  { max = maxUint(256), allowZero = false }: { max?: bigint; allowZero?: boolean } = {},
): bigint {
  return parseQuantity(text, option, parseEnergy, formatEnergy, "energy such as 250 kWh", { max, allowZero });
}

/** A power such as "1.5 MW" (a bare number is W) in W, with the same rules as {@link parseEnergyOption}. */
export function parsePowerOption(
  text: string,
  option: string,
  { max = maxUint(256), allowZero = false }: { max?: bigint; allowZero?: boolean } = {},
): bigint {
  return parseQuantity(text, option, parsePower, formatPower, "power such as 250 kW", { max, allowZero });
}

function parseQuantity(
  text: string,
  option: string,
  parse: (text: string) => bigint,
  format: (value: bigint) => string,
  example: string,
  { max, allowZero }: { max: bigint; allowZero: boolean },
): bigint {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error(`--${option} is required: give an ${example}`);
  if (trimmed.startsWith("-")) throw new Error(`--${option} "${text}" is negative: it must be at least 0`);
  let value: bigint;
  try {
    value = parse(trimmed);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(
      /decimal places/.test(message)
        ? `--${option} "${text}" is finer than 1 ${example.startsWith("energy") ? "Wh" : "W"}, the contracts' unit`
        : `--${option} "${text}" is not an ${example}`,
    );
  }
  if (value === 0n && !allowZero) throw new Error(`--${option} must be more than 0`);
  if (value > max)
    throw new Error(`--${option} "${text}" exceeds the largest value the contract stores, ${format(max)}`);
  return value;
}

/**
 * A whole number typed on the command line, between `min` and `max`, or an error naming the option and the range.
 * Numeric options are strings so that this message, not Hardhat's, answers a typo.
 */
export function parseCount(text: string | number, option: string, min: bigint, max: bigint): bigint {
  const trimmed = String(text).trim();
  if (!/^-?\d+$/.test(trimmed)) throw new Error(`--${option} "${text}" is not a whole number: use ${min} to ${max}`);
  const value = BigInt(trimmed);
  if (value < min || value > max) throw new Error(`--${option} ${trimmed} is out of range: use ${min} to ${max}`);
  return value;
}

/** A short reason stored as `bytes32`: the text itself (at most 31 bytes of UTF-8), or a 32-byte hex value. */
export function parseReason(text: string, option = "reason"): string {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error(`--${option} is required: a short code such as "audit-failed"`);
  if (/^0x[0-9a-fA-F]{64}$/.test(trimmed)) return trimmed.toLowerCase();
  const bytes = Buffer.from(trimmed, "utf8");
  if (bytes.length > 31) throw new Error(`--${option} "${text}" is ${bytes.length} bytes: a reason code is at most 31`);
  return encodeBytes32String(trimmed);
}

/** A `bytes32` reason as text when it is one, else its hex. */
export function formatReason(reason: string): string {
  try {
    return decodeBytes32String(reason);
  } catch {
    return reason;
  }
}
