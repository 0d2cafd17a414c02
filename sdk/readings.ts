/**
 * The signed-readings file a device gateway hands to `hardhat readings submit`: JSON, with integers as decimal
 * strings so that no counter loses precision, bound to one chain and MeteredEnergy deployment (the EIP-712 domain
 * of every signature in it).
 */
import { getAddress, isHexString } from "ethers";

import type { MeterReading } from "./energy.js";

/** A meter reading with its device signer's EIP-712 signature. */
export interface SignedReading extends MeterReading {
  signature: string;
}

/** The readings of one or more devices, for one MeteredEnergy deployment. */
export interface SignedReadingsFile {
  chainId: bigint;
  meteredEnergy: string;
  readings: SignedReading[];
}

/** The file as JSON text. */
export function stringifyReadingsFile(file: SignedReadingsFile): string {
  return (
    JSON.stringify(
      {
        chainId: file.chainId.toString(),
        meteredEnergy: file.meteredEnergy,
        readings: file.readings.map((reading) => ({
          deviceId: reading.deviceId.toString(),
          cumulativeWh: reading.cumulativeWh.toString(),
          timestamp: reading.timestamp.toString(),
          signature: reading.signature,
        })),
      },
      null,
      2,
    ) + "\n"
  );
}

function integer(value: unknown, where: string): bigint {
  if (
    (typeof value === "string" && /^\d+$/.test(value)) ||
    (typeof value === "number" && Number.isSafeInteger(value))
  ) {
    return BigInt(value);
  }
  throw new Error(`${where} is not a non-negative integer: ${JSON.stringify(value)}`);
}

/** Parses and checks a signed-readings file; every problem names the reading it is in. */
export function parseReadingsFile(text: string): SignedReadingsFile {
  const json = JSON.parse(text) as { chainId?: unknown; meteredEnergy?: unknown; readings?: unknown };
  if (typeof json.meteredEnergy !== "string") throw new Error("meteredEnergy is missing");
  if (!Array.isArray(json.readings)) throw new Error("readings is not an array");
  return {
    chainId: integer(json.chainId, "chainId"),
    meteredEnergy: getAddress(json.meteredEnergy),
    readings: json.readings.map((entry: Record<string, unknown>, index: number) => {
      const where = `readings[${index}]`;
      if (typeof entry.signature !== "string" || !isHexString(entry.signature, 65)) {
        throw new Error(`${where}.signature is not a 65-byte hex signature`);
      }
      return {
        deviceId: integer(entry.deviceId, `${where}.deviceId`),
        cumulativeWh: integer(entry.cumulativeWh, `${where}.cumulativeWh`),
        timestamp: integer(entry.timestamp, `${where}.timestamp`),
        signature: entry.signature,
      };
    }),
  };
}
