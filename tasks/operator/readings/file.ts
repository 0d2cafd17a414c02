import { readFileSync } from "node:fs";

import { parseReadingsFile, type SignedReading, type SignedReadingsFile } from "../../../sdk/readings.js";
import { MeteredEnergy__factory, type MeteredEnergy } from "../../../typechain-types/index.js";
import type { Operator } from "../context.js";

/** The text of a file a task was pointed to, or an error naming the file. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot read the ${what} ${path}${code === "ENOENT" ? ": no such file" : ` (${code ?? (error as Error).message})`}`,
    );
  }
}

/** A JSON file a task was pointed to, parsed, or an error naming the file and where its JSON breaks. */
export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`the ${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A signed-readings file, or an error naming the file and what is wrong with it. */
export function readReadingsFile(path: string): SignedReadingsFile {
  const text = readTextFile(path, "signed-readings file");
  try {
    return parseReadingsFile(text);
  } catch (error) {
    throw new Error(`the signed-readings file ${path} is not valid: ${(error as Error).message}`);
  }
}

/**
 * Reads a signed-readings file, checks that it is signed for this network's MeteredEnergy and returns each device's
 * readings in increasing time (the only order the ledger accepts them in) with the token connected to the operator.
 */
export function loadReadings(
  path: string,
  operator: Operator,
  meterOverride: string,
): { energy: MeteredEnergy; byDevice: Map<bigint, SignedReading[]> } {
  const file = readReadingsFile(path);
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
