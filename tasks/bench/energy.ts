import { type ContractTransactionResponse, Wallet, encodeBytes32String, id } from "ethers";

import {
  DeviceKind,
  WH_PER_CERTIFICATE,
  batchIdOfReading,
  certificateIdOfBatch,
  gridZone,
  meteredEnergyDomain,
  signReading,
} from "../../sdk/energy.js";
import {
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
} from "../../typechain-types/index.js";
import { type FloorParts, floorOf, floorPerOperation } from "./floor.js";
import { BENCH_EPOCH, type Bench, type GasRow, gasOf, perOperation, worstCase } from "./types.js";

const HOUR = 3600n;
const MWH = WH_PER_CERTIFICATE;

/** A sent transaction: its gas, its calldata and the logs it emitted (as [topics, data bytes]) for its floor. */
export interface Measured {
  readonly gas: bigint;
  readonly calldata: string;
  readonly logs: readonly (readonly [number, number])[];
}

/** Sends `tx` and returns what its row's gas and floor are computed from. */
export async function measure(tx: Promise<ContractTransactionResponse>): Promise<Measured> {
  const response = await tx;
  const receipt = await response.wait();
  if (receipt === null) throw new Error("transaction was dropped");
  return {
    gas: receipt.gasUsed,
    calldata: response.data,
    logs: receipt.logs.map((log) => [log.topics.length, (log.data.length - 2) / 2] as const),
  };
}

/** The floor of a measured transaction: its own calldata and logs plus what `parts` lists. */
export function floorOfMeasured(measured: Measured, parts: Omit<FloorParts, "calldata" | "logs">): bigint {
  return floorOf({ ...parts, calldata: measured.calldata, logs: measured.logs });
}

/**
 * Documented maximum sizes of the energy layer's lists (the contracts accept any length; these are the sizes the
 * operators are told to stay within, and the worst-case rows show each fits in one transaction):
 * - `submitReadings`: 250 readings from distinct devices, each minting into a new hour batch;
 * - `requestIssuance` / `certify` / `reject`: one week (168) of hourly batches of one device per request; a REC id
 *   covers a device-month, so a full month is issued as several requests.
 */
export const MAX_READINGS_PER_BATCH = 250;
export const MAX_BATCHES_PER_REQUEST = 168;

/**
 * The energy layer: readings (single, batched at 1 / 10 / 100 and the naive one-transaction-per-reading way), REC
 * issuance, transfer and retirement, kWh consumption, and the worst case of every list.
 */
export const energyBench: Bench = async ({ ethers, networkHelpers, baselines }) => {
  const [deployer, producer, buyer, otherBuyer] = await ethers.getSigners();
  const registry = await new DeviceRegistry__factory(deployer).deploy(deployer.address);
  const energy = await new MeteredEnergy__factory(deployer).deploy(await registry.getAddress(), deployer.address);
  const certificates = await new RenewableCertificates__factory(deployer).deploy(
    await energy.getAddress(),
    deployer.address,
  );
  await registry.grantRole(await registry.REGISTRAR_ROLE(), deployer.address);
  await certificates.grantRole(await certificates.ISSUER_ROLE(), deployer.address);
  await energy.connect(producer).setApprovalForAll(await certificates.getAddress(), true);
  const domain = await meteredEnergyDomain(await energy.getAddress(), ethers.provider);

  // Every reading of the run lies in the past, so the clock moves once.
  await networkHelpers.time.increaseTo(BENCH_EPOCH + 32n * 24n * HOUR);
  // One extra device reads every hour of January 2035 for the issuance worst case; all others are 3 MW solar parks.
  const devices = MAX_READINGS_PER_BATCH + 1;
  const meters = Array.from({ length: devices }, (_, i) => new Wallet(id(`joulestack bench meter ${i + 1}`)));
  for (const meter of meters) {
    await registry.registerDevice({
      signer: meter.address,
      owner: producer.address,
      kind: DeviceKind.Solar,
      capacityW: 3_000_000n,
      gridZone: gridZone("ERCOT-NORTH"),
      commissionedAt: BENCH_EPOCH - 86_400n,
      metadataURI: "ipfs://device",
    });
  }

  const counters = meters.map(() => 1_000n);
  const signed = async (device: number, timestamp: bigint, deltaWh: bigint) => {
    counters[device - 1] += deltaWh;
    const reading = { deviceId: BigInt(device), cumulativeWh: counters[device - 1], timestamp };
    return { reading, signature: await signReading(meters[device - 1], domain, reading) };
  };
  const submitMeasured = async (devices: number[], timestamp: bigint, deltaWh: bigint) => {
    const batch = await Promise.all(devices.map((device) => signed(device, timestamp, deltaWh)));
    return measure(
      energy.submitReadings(
        batch.map(({ reading }) => reading),
        batch.map(({ signature }) => signature),
      ),
    );
  };
  const submit = async (devices: number[], timestamp: bigint, deltaWh: bigint) =>
    (await submitMeasured(devices, timestamp, deltaWh)).gas;
  const singleMeasured = async (device: number, timestamp: bigint, deltaWh: bigint) => {
    const { reading, signature } = await signed(device, timestamp, deltaWh);
    return measure(energy.submitReading(reading, signature));
  };
  const single = async (device: number, timestamp: bigint, deltaWh: bigint) =>
    (await singleMeasured(device, timestamp, deltaWh)).gas;
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  // Baselines: the owner starts each device's metering; its first reading only fixes its counter.
  for (let device = 1; device <= devices; device++) {
    const { reading, signature } = await signed(device, BENCH_EPOCH, 0n);
    await energy.connect(producer).resumeMetering(reading, signature);
  }

  // Hour 1: every reading mints 2.5 MWh into a fresh hour batch (the common case: one reading per device per hour).
  const hour1 = BENCH_EPOCH + HOUR;
  const singleNewMeasured = await singleMeasured(1, hour1, 2_500_000n);
  const singleNew = singleNewMeasured.gas;
  const batchOf1 = await submit([2], hour1, 2_500_000n);
  const batchOf10 = await submit(range(3, 10), hour1, 2_500_000n);
  const batchOf100Measured = await submitMeasured(range(13, 100), hour1, 2_500_000n);
  const batchOf100 = batchOf100Measured.gas;
  let naive10 = 0n;
  for (const device of range(113, 10)) naive10 += await single(device, hour1, 2_500_000n);
  await submit(range(123, MAX_READINGS_PER_BATCH - 122), hour1, 2_500_000n);
  // Quarter-hourly meters: the second reading of an hour adds to a batch the owner already holds.
  await single(1, hour1 + HOUR / 4n, 100_000n);
  const singleSame = await single(1, hour1 + HOUR / 2n, 100_000n);

  // Hour 2, worst case: the largest batch, every reading from another device and into a new hour batch.
  const worstReadings = await submit(range(1, MAX_READINGS_PER_BATCH), BENCH_EPOCH + 2n * HOUR, MWH);

  // REC issuance of 2 MWh of device 2's first hour, then transfer, retirement and kWh consumption.
  const batch = batchIdOfReading(2n, hour1);
  const rec = certificateIdOfBatch(batch);
  const requestMeasured = await measure(certificates.connect(producer).requestIssuance([batch], [2n * MWH]));
  const request = requestMeasured.gas;
  const certify = await gasOf(certificates.certify(1n, [batch], [2n * MWH], "ipfs://evidence"));
  const toNew = await gasOf(certificates.connect(producer).safeTransferFrom(producer, buyer, rec, 1n, "0x"));
  await certificates.connect(producer).safeTransferFrom(producer, otherBuyer, rec, 1n, "0x");
  const toExisting = await gasOf(certificates.connect(otherBuyer).safeTransferFrom(otherBuyer, buyer, rec, 1n, "0x"));
  const retireMeasured = await measure(
    certificates.connect(buyer).retire(buyer, rec, 1n, buyer, "Acme AI", "Scope 2 market-based, FRA-1, 2035"),
  );
  const retire = retireMeasured.gas;
  const consume = await gasOf(
    energy.connect(producer).consume(producer, [batchIdOfReading(3n, hour1)], [100_000n], encodeBytes32String("job-1")),
  );

  // Issuance worst case: the last device reads 1 MWh every hour of January; one request locks a week of batches.
  const monthly = devices;
  for (let hour = 1n; hour <= 744n; hour += 248n) {
    const readings = Array.from({ length: 248 }, (_, i) =>
      signed(monthly, BENCH_EPOCH + (hour + BigInt(i)) * HOUR, MWH),
    );
    const batch = await Promise.all(readings);
    await energy.submitReadings(
      batch.map(({ reading }) => reading),
      batch.map(({ signature }) => signature),
    );
  }
  const week = Array.from({ length: MAX_BATCHES_PER_REQUEST }, (_, i) =>
    batchIdOfReading(BigInt(monthly), BENCH_EPOCH + BigInt(i + 1) * HOUR),
  );
  const weekAmounts = week.map(() => MWH);
  const requestWeek = await gasOf(certificates.connect(producer).requestIssuance(week, weekAmounts));
  const certifyWeek = await gasOf(certificates.certify(2n, week, weekAmounts, "ipfs://evidence"));
  const nextWeek = week.map((_, i) =>
    batchIdOfReading(BigInt(monthly), BENCH_EPOCH + BigInt(MAX_BATCHES_PER_REQUEST + i + 1) * HOUR),
  );
  await certificates.connect(producer).requestIssuance(nextWeek, weekAmounts);
  const rejectWeek = await gasOf(certificates.reject(3n, nextWeek, weekAmounts, "meter under review"));

  const baseline = (name: string) => ({ name, gas: baselines.get(name)! });
  const mint = baseline("ERC-1155 mint (new id)");
  // The ERC-1155 mintBatch of 10 scaled to n ids: one intrinsic 21,000 plus n tenths of the rest.
  const mintBatch10 = baselines.get("ERC-1155 mintBatch of 10 (new ids)")!;
  const mintBatchPerId = (n: number) => ({
    name: `ERC-1155 mintBatch of 10 scaled to ${n}, per id`,
    gas: perOperation(21_000n + ((mintBatch10 - 21_000n) * BigInt(n)) / 10n, n),
  });
  const transfer = baseline("ERC-1155 transfer");
  // What a reading cannot avoid: its signature, the registry's words of the device profile (signer, status, active
  // since; owner, capacity) and of the signer's start, the pause word, the meter word rewritten, the owner's balance
  // of the new hour batch created, the owner's account touched by ERC-1155's receiver check, TransferSingle and the
  // reading's own event (its counter and time are not in the transfer).
  const reading = { coldCalls: 2, newSlots: 1, changedSlots: 1, coldReads: 4, signatures: 1 };
  const singleNewFloor = floorOfMeasured(singleNewMeasured, reading);
  // A batch of 100 readings of 100 devices: everything per reading, the registry and owner accounts and the pause
  // word once.
  const batchOf100Floor = floorPerOperation(
    {
      calldata: batchOf100Measured.calldata,
      logs: batchOf100Measured.logs,
      coldCalls: 2,
      newSlots: 100,
      changedSlots: 100,
      coldReads: 1 + 3 * 100,
      signatures: 100,
    },
    100,
  );
  // Locking kWh for a request: the registry's kind of the device, the REC id's revocation and the pause words, the
  // first request's counter and the request record (requester with status and total, REC id, batches hash: three
  // words), the custody's new kWh balance and the holder's changed one, the kWh token called.
  const requestFloor = floorOfMeasured(requestMeasured, {
    coldCalls: 2,
    newSlots: 5,
    changedSlots: 1,
    coldReads: 4,
  });
  // A retirement: the holder's balance and the REC id's retired total change, the receipt counter is first used,
  // the receipt's hash is new; the revocation and pause words are read.
  const retireFloor = floorOfMeasured(retireMeasured, { newSlots: 2, changedSlots: 2, coldReads: 2 });
  const rows: GasRow[] = [
    {
      group: "energy",
      operation: "submitReading (new hour batch)",
      gas: singleNew,
      baseline: mint,
      floor: singleNewFloor,
    },
    {
      group: "energy",
      operation: "submitReading (same hour batch)",
      gas: singleSame,
      baseline: baseline("ERC-1155 mint (existing balance)"),
    },
    { group: "energy", operation: "submitReadings, 1 reading", gas: batchOf1, baseline: mint },
    {
      group: "energy",
      operation: "submitReadings, 10 readings",
      gas: batchOf10,
      baseline: { name: "naive: 10 submitReading txs", gas: naive10 },
    },
    {
      group: "energy",
      operation: "submitReadings, 100 readings",
      gas: batchOf100,
      baseline: { name: "ERC-1155 mintBatch of 10 scaled to 100", gas: mintBatchPerId(100).gas * 100n },
    },
    {
      group: "energy",
      operation: "requestIssuance (1 batch, 2 MWh)",
      gas: request,
      baseline: transfer,
      floor: requestFloor,
    },
    { group: "energy", operation: "certify (1 batch, 2 RECs)", gas: certify, baseline: mint },
    { group: "energy", operation: "REC transfer (to new holder)", gas: toNew, baseline: transfer },
    { group: "energy", operation: "REC transfer (to existing holder)", gas: toExisting, baseline: transfer },
    {
      group: "energy",
      operation: "retire (1 REC, receipt stored)",
      gas: retire,
      baseline: transfer,
      floor: retireFloor,
      target: 110_000n,
    },
    { group: "energy", operation: "consume (1 batch)", gas: consume, baseline: transfer },
    { group: "scaling", operation: "per reading, batch of 1", gas: batchOf1, baseline: mintBatchPerId(1) },
    {
      group: "scaling",
      operation: "per reading, batch of 10",
      gas: perOperation(batchOf10, 10),
      baseline: mintBatchPerId(10),
    },
    {
      group: "scaling",
      operation: "per reading, batch of 100",
      gas: perOperation(batchOf100, 100),
      baseline: mintBatchPerId(100),
      floor: batchOf100Floor,
    },
    worstCase(`submitReadings, ${MAX_READINGS_PER_BATCH} readings (new batches)`, worstReadings),
    worstCase(`requestIssuance, ${MAX_BATCHES_PER_REQUEST} batches`, requestWeek),
    worstCase(`certify, ${MAX_BATCHES_PER_REQUEST} batches`, certifyWeek),
    worstCase(`reject, ${MAX_BATCHES_PER_REQUEST} batches`, rejectWeek),
  ];
  return rows;
};
