/**
 * Gas benchmark of the energy layer: one reading, readings per extra device in a batch (10 and 100 devices), a REC
 * issuance (request + certification) and a retirement. Writes `snapshots/energy-gas.json` for review in diffs.
 *
 *   npx hardhat run benchmarks/energy-gas.ts
 */
import { writeFile } from "node:fs/promises";

import type { ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import { DeviceKind, WH_PER_CERTIFICATE, batchIdOfReading, certificateIdOfBatch } from "../sdk/energy.js";
import { HOUR, deployEnergySuite, meterKey, registration, signedReading } from "../test/helpers/energy.js";

const { ethers, networkHelpers, provider } = await network.create();
const { registry, energy, certificates, domain } = await deployEnergySuite(provider, ethers);
const [, producer, buyer] = await ethers.getSigners();

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

// 112 solar devices, 3 MW each, all owned by the producer and with a baseline at `start`.
const DEVICES = 112;
const meters = Array.from({ length: DEVICES }, (_, i) => meterKey(`bench ${i}`));
for (const meter of meters) {
  await registry.registerDevice(
    registration({ signer: meter.address, owner: producer.address, kind: DeviceKind.Solar, capacityW: 3_000_000n }),
  );
}
const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
await networkHelpers.time.increaseTo(start + 4n * HOUR);
const counters = meters.map(() => 1_000n);
const signedFor = (i: number, timestamp: bigint, deltaWh: bigint) => {
  counters[i] += deltaWh;
  return signedReading(meters[i], domain, { deviceId: BigInt(i + 1), cumulativeWh: counters[i], timestamp });
};
async function submitBatch(indexes: number[], timestamp: bigint, deltaWh: bigint): Promise<bigint> {
  const signed = await Promise.all(indexes.map((i) => signedFor(i, timestamp, deltaWh)));
  return gasOf(
    energy.submitReadings(
      signed.map(([r]) => r),
      signed.map(([, s]) => s),
    ),
  );
}
const all = meters.map((_, i) => i);
await submitBatch(all, start, 0n); // baselines

// Hour 1: each measurement mints into a fresh batch id (the common case: one reading per device per hour).
const single = await gasOf(energy.submitReading(...(await signedFor(0, start + HOUR, 2_500_000n))));
const batchOf1 = await submitBatch([1], start + HOUR, 2_500_000n);
const batchOf10 = await submitBatch(all.slice(2, 12), start + HOUR, 2_500_000n);
const batchOf100 = await submitBatch(all.slice(12, 112), start + HOUR, 2_500_000n);
// A second reading into a batch the device already holds (quarter-hourly meters).
await energy.submitReading(...(await signedFor(0, start + HOUR + HOUR / 4n, 100_000n)));
const sameBatch = await gasOf(energy.submitReading(...(await signedFor(0, start + HOUR + HOUR / 2n, 100_000n))));

// REC issuance: 2 MWh of device 1's first hour, then retirement of one REC by a buyer.
const batch = batchIdOfReading(1n, start + HOUR);
const rec = certificateIdOfBatch(batch);
await energy.connect(producer).setApprovalForAll(await certificates.getAddress(), true);
const request = await gasOf(certificates.connect(producer).requestIssuance([batch], [2n * WH_PER_CERTIFICATE]));
const certify = await gasOf(certificates.certify(1n, [batch], [2n * WH_PER_CERTIFICATE], "ipfs://evidence"));
await certificates.connect(producer).safeTransferFrom(producer.address, buyer.address, rec, 2n, "0x");
const retire = await gasOf(
  certificates.connect(buyer).retire(buyer.address, rec, 1n, buyer.address, "Acme AI", "Scope 2, FRA-1, 2025"),
);
const consume = await gasOf(
  energy.connect(producer).consume(producer.address, [batch], [100_000n], ethers.encodeBytes32String("job-1")),
);

const report = {
  "submitReading (single, new hour batch)": single,
  "submitReading (same hour batch)": sameBatch,
  "submitReadings (1 device)": batchOf1,
  "submitReadings (10 devices)": batchOf10,
  "submitReadings (100 devices)": batchOf100,
  "per extra reading, batch of 10": (batchOf10 - batchOf1) / 9n,
  "per extra reading, batch of 100": (batchOf100 - batchOf1) / 99n,
  "requestIssuance (1 batch, 2 MWh)": request,
  "certify (2 RECs)": certify,
  "retire (1 REC)": retire,
  "consume (1 batch)": consume,
};
for (const [name, gas] of Object.entries(report)) console.log(`${name.padEnd(40)} ${gas.toString().padStart(10)}`);
await writeFile(
  new URL("../snapshots/energy-gas.json", import.meta.url),
  JSON.stringify(Object.fromEntries(Object.entries(report).map(([k, v]) => [k, Number(v)])), null, 2) + "\n",
);
