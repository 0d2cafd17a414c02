import { ZeroAddress } from "ethers";

import { crossesHour, decodeBatchId, hourBoundaryAfter } from "../../../sdk/energy.js";
import type { SignedReading } from "../../../sdk/readings.js";
import { formatEnergy } from "../../../sdk/units.js";
import { DeviceRegistry__factory } from "../../../typechain-types/index.js";
import { renderTable } from "../../common/table.js";
import { operatorAction } from "../context.js";
import { formatTime, parseCount } from "../parse.js";
import { loadReadings, plain } from "./file.js";

interface Args {
  file: string;
  batchSize: string;
  meter: string;
}

interface DeviceTally {
  submitted: number;
  accepted: number;
  baseline: number;
  skipped: number;
  alreadyOnChain: number;
  mintedWh: bigint;
}

/**
 * `readings submit <file>`: sends a signed-readings file in batches. Readings at or before a device's last
 * on-chain reading are left out (so a file can be resubmitted after a partial run). A device with no reading yet
 * is started first (its earliest reading becomes the baseline), which only its owner may do: run by anyone else,
 * the task stops and says so. A reading whose interval crosses an hour boundary after the previous one cannot be
 * relayed (the ledger mints each Wh in its own hour): the task stops before sending anything and points to
 * `readings resume`. Any other bad reading makes its batch revert with the decoded reason, and the batches before
 * it stay applied.
 */
export default operatorAction<Args>(async (args, operator) => {
  const batchSize = Number(parseCount(args.batchSize, "batch-size", 1n, 1_000n));
  const { energy, byDevice } = loadReadings(args.file, operator, args.meter);
  const registry = DeviceRegistry__factory.connect(await energy.registry(), operator.signer);

  const tallies = new Map<bigint, DeviceTally>();
  const tally = (deviceId: bigint) => {
    let entry = tallies.get(deviceId);
    if (entry === undefined) {
      entry = { submitted: 0, accepted: 0, baseline: 0, skipped: 0, alreadyOnChain: 0, mintedWh: 0n };
      tallies.set(deviceId, entry);
    }
    return entry;
  };

  const pending: SignedReading[] = [];
  const baselines: SignedReading[] = [];
  for (const [deviceId, readings] of byDevice) {
    let last = (await energy.meterState(deviceId)).timestamp;
    for (const reading of readings) {
      if (reading.timestamp <= last) {
        tally(deviceId).alreadyOnChain++;
        continue;
      }
      if (last === 0n) {
        const { owner } = await registry.meteringProfile(deviceId);
        if (owner !== operator.signer.address) {
          throw new Error(
            `device ${deviceId} has no reading yet: its owner ${owner} starts its metering (readings resume ${args.file})`,
          );
        }
        baselines.push(reading);
      } else if (crossesHour(last, reading.timestamp)) {
        throw new Error(
          `device ${deviceId}: the reading at ${formatTime(reading.timestamp)} crosses the hour boundary ` +
            `${formatTime(hourBoundaryAfter(last))} after the reading at ${formatTime(last)}; nothing was sent. ` +
            `Add the reading at the boundary, or let the owner resume metering (readings resume ${args.file})`,
        );
      } else {
        pending.push(reading);
      }
      last = reading.timestamp;
    }
  }

  for (const reading of baselines) {
    await operator.send(
      `Started metering of device ${reading.deviceId}`,
      energy.resumeMetering(plain(reading), reading.signature),
    );
    tally(reading.deviceId).submitted++;
    tally(reading.deviceId).baseline++;
  }
  for (let start = 0; start < pending.length; start += batchSize) {
    const batch = pending.slice(start, start + batchSize);
    const receipt = await operator.send(
      `Submitted readings ${start + 1}-${start + batch.length} of ${pending.length}`,
      energy.submitReadings(
        batch.map(plain),
        batch.map((reading) => reading.signature),
      ),
    );
    for (const reading of batch) tally(reading.deviceId).submitted++;
    for (const log of receipt.logs) {
      const parsed = energy.interface.parseLog(log);
      if (parsed === null) continue;
      if (parsed.name === "ReadingAccepted") tally(parsed.args.deviceId as bigint).accepted++;
      else if (parsed.name === "ReadingSkipped") tally(parsed.args.deviceId as bigint).skipped++;
      else if (parsed.name === "TransferSingle" && parsed.args.from === ZeroAddress) {
        // A mint: the batch id carries the device.
        tally(decodeBatchId(parsed.args.id as bigint).deviceId).mintedWh += parsed.args.value as bigint;
      }
    }
  }

  const rows = [...tallies].map(([deviceId, entry]) => [
    deviceId.toString(),
    String(entry.submitted),
    String(entry.accepted),
    String(entry.baseline),
    String(entry.skipped + entry.alreadyOnChain),
    formatEnergy(entry.mintedWh),
  ]);
  console.log(renderTable(["device", "sent", "accepted", "baseline", "skipped", "minted"], rows, [1, 2, 3, 4, 5]));
});
