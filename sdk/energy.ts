/**
 * Joulestack energy SDK: token id encoding, grid zone codes and EIP-712 meter readings, matching
 * `contracts/libraries/EnergyIds.sol`, `GridZones.sol` and `MeteredEnergy.sol`.
 */
import { type ContractRunner, type TypedDataDomain, type TypedDataField } from "ethers";

import { readEip712Domain } from "./eip712.js";

/** Device kinds, in the order of `IDeviceRegistry.DeviceKind`. */
export enum DeviceKind {
  Solar,
  Wind,
  Hydro,
  Geothermal,
  Biomass,
  Nuclear,
  Battery,
  FlexibleLoad,
  GridImport,
  Fossil,
}

/** Device statuses, in the order of `IDeviceRegistry.DeviceStatus`. */
export enum DeviceStatus {
  Unregistered,
  Active,
  Suspended,
  Decommissioned,
}

/** Seconds in one kWh batch. */
export const BATCH_PERIOD = 3600n;
/** Watt-hours behind one REC. */
export const WH_PER_CERTIFICATE = 1_000_000n;

const TIME_BITS = 64n;
const TIME_MASK = (1n << TIME_BITS) - 1n;
const MAX_DEVICE_ID = (1n << 192n) - 1n;

/** Whether energy from this kind of device is renewable (and may become a REC). */
export function isRenewable(kind: DeviceKind): boolean {
  return kind <= DeviceKind.Biomass;
}

function checkedDevice(deviceId: bigint): bigint {
  if (deviceId < 0n || deviceId > MAX_DEVICE_ID) throw new RangeError(`device id ${deviceId} does not fit 192 bits`);
  return deviceId;
}

function checkedTime(value: bigint, what: string): bigint {
  if (value < 0n || value > TIME_MASK) throw new RangeError(`${what} ${value} does not fit 64 bits`);
  return value;
}

/** The kWh batch id of a device and unix hour: `deviceId << 64 | hourIndex`. */
export function batchId(deviceId: bigint, hourIndex: bigint): bigint {
  return (checkedDevice(deviceId) << TIME_BITS) | checkedTime(hourIndex, "hour index");
}

/** The device and unix hour of a kWh batch id. */
export function decodeBatchId(id: bigint): { deviceId: bigint; hourIndex: bigint } {
  return { deviceId: id >> TIME_BITS, hourIndex: id & TIME_MASK };
}

/** The hour a reading taken at `timestamp` closes: a reading at 10:00:00 closes 09:00-10:00. */
export function hourOfReading(timestamp: bigint): bigint {
  if (timestamp <= 0n) throw new RangeError("a reading at unix time 0 closes no hour");
  return (timestamp - 1n) / BATCH_PERIOD;
}

/** The kWh batch a reading of `deviceId` at `timestamp` mints into. */
export function batchIdOfReading(deviceId: bigint, timestamp: bigint): bigint {
  return batchId(deviceId, hourOfReading(timestamp));
}

/**
 * The hour boundary a reading after one at `lastTimestamp` may reach at most: the end of the clock hour that starts
 * at or before `lastTimestamp` (so a reading on a boundary starts the next hour). MeteredEnergy rejects a reading
 * past it with `MeteredEnergyReadingCrossesHour`; only the device's owner can then resume metering.
 */
export function hourBoundaryAfter(lastTimestamp: bigint): bigint {
  if (lastTimestamp < 0n) throw new RangeError(`timestamp ${lastTimestamp} is negative`);
  return (lastTimestamp / BATCH_PERIOD + 1n) * BATCH_PERIOD;
}

/** Whether the interval from a reading at `lastTimestamp` to one at `timestamp` crosses an hour boundary. */
export function crossesHour(lastTimestamp: bigint, timestamp: bigint): boolean {
  return timestamp > hourBoundaryAfter(lastTimestamp);
}

/**
 * Times of `count` readings that the kWh ledger accepts one after the other: every `interval` seconds (a divisor of
 * an hour, so readings fall on every hour boundary), on the grid of multiples of `interval`. With `after` (the
 * device's last accepted reading on chain) they continue from it: the first is the next grid point after it, which
 * lies inside its clock hour. Without it (a device whose owner has not started metering) they end at `end`, a grid
 * point, and the first one is the baseline.
 */
export function readingSchedule(plan: { count: number; interval?: bigint; after?: bigint; end?: bigint }): bigint[] {
  const interval = plan.interval ?? BATCH_PERIOD;
  if (plan.count < 1) throw new RangeError("a schedule needs at least one reading");
  if (interval < 1n || BATCH_PERIOD % interval !== 0n) {
    throw new RangeError(`the interval ${interval} s does not divide an hour, so readings would cross hour boundaries`);
  }
  let first: bigint;
  if (plan.after !== undefined && plan.after > 0n) {
    first = (plan.after / interval + 1n) * interval;
  } else {
    if (plan.end === undefined) throw new RangeError("a device without readings needs the schedule's end");
    if (plan.end % interval !== 0n) throw new RangeError(`the end ${plan.end} is not a multiple of ${interval} s`);
    first = plan.end - BigInt(plan.count - 1) * interval;
    if (first <= 0n) throw new RangeError("the readings would start before 1970");
  }
  return Array.from({ length: plan.count }, (_, index) => first + BigInt(index) * interval);
}

/** Unix time at which hour `hourIndex` starts. */
export function hourStart(hourIndex: bigint): bigint {
  return hourIndex * BATCH_PERIOD;
}

/** The vintage (year * 100 + month, UTC) of hour `hourIndex`. */
export function vintageOfHour(hourIndex: bigint): bigint {
  const date = new Date(Number(hourStart(hourIndex)) * 1000);
  return BigInt(date.getUTCFullYear() * 100 + date.getUTCMonth() + 1);
}

/** The REC id of a device and vintage (year * 100 + month): `deviceId << 64 | vintage`. */
export function certificateId(deviceId: bigint, vintage: bigint): bigint {
  return (checkedDevice(deviceId) << TIME_BITS) | checkedTime(vintage, "vintage");
}

/** The REC id a kWh batch counts towards (same device, the batch hour's month). */
export function certificateIdOfBatch(id: bigint): bigint {
  const { deviceId, hourIndex } = decodeBatchId(id);
  return certificateId(deviceId, vintageOfHour(hourIndex));
}

/** The device and vintage of a REC id. */
export function decodeCertificateId(id: bigint): { deviceId: bigint; vintage: bigint } {
  return { deviceId: id >> TIME_BITS, vintage: id & TIME_MASK };
}

const GRID_ZONE = /^[A-Z0-9_-]{1,32}$/;

/** A grid zone code such as `ERCOT-NORTH` as the contracts' left-aligned `bytes32`. */
export function gridZone(code: string): string {
  if (!GRID_ZONE.test(code)) throw new RangeError(`grid zone "${code}" is not 1-32 characters of A-Z, 0-9, - or _`);
  return "0x" + Buffer.from(code, "ascii").toString("hex").padEnd(64, "0");
}

/** The code of a `bytes32` grid zone. */
export function gridZoneToString(zone: string): string {
  return Buffer.from(zone.replace(/^0x/, ""), "hex").toString("ascii").replace(/\0+$/, "");
}

/** A meter reading, as signed by a device's signer. */
export interface MeterReading {
  deviceId: bigint;
  cumulativeWh: bigint;
  timestamp: bigint;
}

/** EIP-712 types of a meter reading. */
export const METER_READING_TYPES: Record<string, TypedDataField[]> = {
  MeterReading: [
    { name: "deviceId", type: "uint256" },
    { name: "cumulativeWh", type: "uint256" },
    { name: "timestamp", type: "uint64" },
  ],
};

/**
 * The EIP-712 domain readings of a MeteredEnergy deployment are signed under, read from its `eip712Domain()`
 * (EIP-5267) on the chain `runner` is connected to. Offline signers pass the tuple to `domainFromEip5267`.
 */
export function meteredEnergyDomain(meteredEnergy: string, runner: ContractRunner): Promise<TypedDataDomain> {
  return readEip712Domain(meteredEnergy, runner);
}

/** Anything that signs EIP-712 data (an ethers Wallet or JsonRpcSigner). */
export interface TypedDataSigner {
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** Signs a meter reading with a device's signer key. */
export function signReading(signer: TypedDataSigner, domain: TypedDataDomain, reading: MeterReading): Promise<string> {
  return signer.signTypedData(domain, METER_READING_TYPES, { ...reading });
}
