/**
 * Human units for Joulestack amounts. Stablecoin amounts are integers in the token's own decimals; energy is an
 * integer number of watt-hours; power an integer number of watts. These helpers turn what a person types
 * ("12.5", "3 kWh", "250 kW") into those integers and back, exactly (no floating point).
 */

const ENERGY_UNITS: Record<string, bigint> = { wh: 1n, kwh: 1_000n, mwh: 1_000_000n, gwh: 1_000_000_000n };
const POWER_UNITS: Record<string, bigint> = { w: 1n, kw: 1_000n, mw: 1_000_000n, gw: 1_000_000_000n };

/** Parses a non-negative decimal string into an integer scaled by 10^decimals; rejects excess precision. */
export function parseDecimal(text: string, decimals: number): bigint {
  const match = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(text.replaceAll("_", "").replaceAll(",", ""));
  if (!match) throw new Error(`"${text}" is not a non-negative decimal number`);
  const [, whole, fraction = ""] = match;
  if (fraction.length > decimals) {
    throw new Error(`"${text}" has more than ${decimals} decimal places`);
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/** Formats an integer scaled by 10^decimals as a decimal string, trimming trailing zeros. */
export function formatDecimal(value: bigint, decimals: number, { minFractionDigits = 0 } = {}): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = (magnitude / scale).toLocaleString("en-US");
  let fraction = decimals > 0 ? (magnitude % scale).toString().padStart(decimals, "0").replace(/0+$/, "") : "";
  if (fraction.length < minFractionDigits) fraction = fraction.padEnd(minFractionDigits, "0");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** "12.5" -> 12_500_000n for a 6-decimal stablecoin. */
export function parseAmount(text: string, decimals: number): bigint {
  return parseDecimal(text, decimals);
}

/** Rounds half away from zero to `places` decimal places of a value scaled by 10^decimals. */
function roundTo(value: bigint, decimals: number, places: number | undefined): bigint {
  if (places === undefined || places >= decimals) return value;
  const unit = 10n ** BigInt(decimals - places);
  const half = unit / 2n;
  return ((value < 0n ? value - half : value + half) / unit) * unit;
}

/**
 * 12_500_000n -> "12.50" for a 6-decimal stablecoin (always at least cents). With `places`, rounds to that many
 * decimals for display (`formatAmount(1_234_567n, 6, 2)` -> "1.23").
 */
export function formatAmount(value: bigint, decimals: number, places?: number): string {
  return formatDecimal(roundTo(value, decimals, places), decimals, { minFractionDigits: Math.min(2, decimals) });
}

function parseWithUnit(text: string, units: Record<string, bigint>, defaultUnit: string, what: string): bigint {
  const match = /^\s*([\d_.,]+)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not ${what} (e.g. "3 k${defaultUnit}")`);
  const unit = (match[2] || defaultUnit).toLowerCase();
  const factor = units[unit];
  if (factor === undefined)
    throw new Error(`"${match[2]}" is not a unit of ${what}: use ${Object.keys(units).join(", ")}`);
  const decimals = factor.toString().length - 1;
  return parseDecimal(match[1], decimals);
}

function formatWithUnit(value: bigint, places: number | undefined, units: [string, bigint][]): string {
  const magnitude = value < 0n ? -value : value;
  const [label, factor] = units.find(([, unitFactor]) => magnitude >= unitFactor) ?? units[units.length - 1];
  const decimals = factor.toString().length - 1;
  return `${formatDecimal(roundTo(value, decimals, places), decimals)} ${label}`;
}

/** "3 kWh" -> 3_000n Wh; a bare number is taken as Wh. Fractions finer than 1 Wh are rejected. */
export function parseEnergy(text: string): bigint {
  return parseWithUnit(text, ENERGY_UNITS, "wh", "energy");
}

/**
 * 3_500n Wh -> "3.5 kWh": the largest unit that keeps the number at least 1. With `places`, rounds to that many
 * decimals of that unit for display (`formatEnergy(1_438_564_916n, 3)` -> "1.439 GWh").
 */
export function formatEnergy(wattHours: bigint, places?: number): string {
  return formatWithUnit(wattHours, places, [
    ["GWh", 1_000_000_000n],
    ["MWh", 1_000_000n],
    ["kWh", 1_000n],
    ["Wh", 1n],
  ]);
}

/** "250 kW" -> 250_000n W; a bare number is taken as W. */
export function parsePower(text: string): bigint {
  return parseWithUnit(text, POWER_UNITS, "w", "power");
}

/** 250_000n W -> "250 kW"; `places` rounds as in {@link formatEnergy}. */
export function formatPower(watts: bigint, places?: number): string {
  return formatWithUnit(watts, places, [
    ["GW", 1_000_000_000n],
    ["MW", 1_000_000n],
    ["kW", 1_000n],
    ["W", 1n],
  ]);
}
