import { certificateId, decodeCertificateId } from "../../../sdk/energy.js";
import { formatEnergy } from "../../../sdk/units.js";
import { parseId } from "../parse.js";

export const WH_PER_REC = 1_000_000n;

/** A REC id as typed: the raw token id, or `<deviceId>:<YYYYMM>` such as `1:202611`. */
export function parseCertificateId(text: string): bigint {
  const pair = /^\s*(\d+)\s*:\s*(\d{6})\s*$/.exec(text);
  if (pair) return certificateId(BigInt(pair[1]), BigInt(pair[2]));
  return parseId(text, "certificate id");
}

/** `1:202611 (device 1, 2026-11)`. */
export function describeCertificate(id: bigint): string {
  const { deviceId, vintage } = decodeCertificateId(id);
  return `${deviceId}:${vintage} (device ${deviceId}, vintage ${vintage / 100n}-${String(vintage % 100n).padStart(2, "0")})`;
}

/** Energy that must be whole MWh, as a number of RECs. */
export function wholeRecs(wattHours: bigint, text: string): bigint {
  if (wattHours === 0n || wattHours % WH_PER_REC !== 0n) {
    throw new Error(`${text} (${formatEnergy(wattHours)}) is not a whole number of MWh: one REC is 1 MWh`);
  }
  return wattHours / WH_PER_REC;
}
