import { readFileSync } from "node:fs";

import { parseReadingsFile, type SignedReading } from "../../../sdk/readings.js";
import { MeteredEnergy__factory, type MeteredEnergy } from "../../../typechain-types/index.js";
import type { Operator } from "../context.js";

/**
 * Reads a signed-readings file, checks that it is signed for this network's MeteredEnergy and returns each device's
 * readings in increasing time (the only order the ledger accepts them in) with the token connected to the operator.
 */
export function loadReadings(
  path: string,
  operator: Operator,
  meterOverride: string,
): { energy: MeteredEnergy; byDevice: Map<bigint, SignedReading[]> } {
  const file = parseReadingsFile(readFileSync(path, "utf8"));
  const meterAddress = operator.address("MeteredEnergy", meterOverride);
  if (file.chainId !== operator.chainId || file.meteredEnergy !== meterAddress) {
    throw new Error(
      `${path} is signed for MeteredEnergy ${file.meteredEnergy} on chain ${file.chainId}, not ${meterAddress} on chain ${operator.chainId}`,
    );
  }
  const byDevice = new Map<bigint, SignedReading[]>();
  for (const reading of file.readings) {
    const list = byDevice.get(reading.deviceId) ?? [];
    list.push(reading);
    byDevice.set(reading.deviceId, list);
  }
  for (const list of byDevice.values()) list.sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
  const sorted = new Map([...byDevice].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { energy: MeteredEnergy__factory.connect(meterAddress, operator.signer), byDevice: sorted };
}

/** The reading without its signature, as the contract takes it. */
export function plain(reading: SignedReading) {
  return { deviceId: reading.deviceId, cumulativeWh: reading.cumulativeWh, timestamp: reading.timestamp };
}
