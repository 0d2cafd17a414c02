/**
 * The demo's physical world: how much a solar farm and a battery export in each hour. Deterministic for a seed, so
 * the same seed gives the same meter readings, the same kWh and the same report.
 */

const HOURS_PER_DAY = 24;

/** Weather factor per day in [low, high]: clear days near 1, overcast days low. */
export function cloudiness(random: () => number, days: number, low: number, high: number): number[] {
  return Array.from({ length: days }, () => low + (high - low) * random());
}

/**
 * Wh a solar farm of `capacityW` exports in each hour (hour starting at 0..23 UTC, local solar time) of a day with
 * weather factor `sky`: a half-sine from 06:00 to 18:00, never above nameplate.
 */
export function solarDay(capacityW: bigint, sky: number): bigint[] {
  return Array.from({ length: HOURS_PER_DAY }, (_, hour) => {
    const angle = (Math.PI * (hour + 0.5 - 6)) / 12;
    const share = hour >= 6 && hour < 18 ? Math.sin(angle) * sky : 0;
    return BigInt(Math.floor(Number(capacityW) * Math.max(0, Math.min(1, share))));
  });
}

/** A battery that charges from the farm at midday and discharges into the evening peak (18:00 to 21:00). */
export function batteryDay(capacityW: bigint): bigint[] {
  // 99% of nameplate: a real inverter never quite reaches it.
  const evening = (capacityW * 99n) / 100n;
  return Array.from({ length: HOURS_PER_DAY }, (_, hour) => (hour >= 18 && hour < 21 ? evening : 0n));
}
