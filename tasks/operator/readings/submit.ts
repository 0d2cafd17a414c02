import { readFileSync } from "node:fs";

import { parseReadingsFile, type SignedReading } from "../../../sdk/readings.js";
import { formatEnergy } from "../../../sdk/units.js";
import { MeteredEnergy__factory } from "../../../typechain-types/index.js";
import { renderTable } from "../../common/table.js";
import { operatorAction } from "../context.js";

interface Args {
  file: string;
  batchSize: number;
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
 * on-chain reading are left out (so a file can be resubmitted after a partial run); any other bad reading makes
 * its batch revert with the decoded reason, and the batches before it stay applied.
 */
export default operatorAction<Args>(async (args, operator) => {
  const file = parseReadingsFile(readFileSync(args.file, "utf8"));
  const meterAddress = operator.address("MeteredEnergy", args.meter);
  if (file.chainId !== operator.chainId || file.meteredEnergy !== meterAddress) {
    throw new Error(
      `${args.file} is signed for MeteredEnergy ${file.meteredEnergy} on chain ${file.chainId}, not ${meterAddress} on chain ${operator.chainId}`,
    );
  }
  if (args.batchSize < 1) throw new Error("--batch-size must be at least 1");
  const energy = MeteredEnergy__factory.connect(meterAddress, operator.signer);

  const tallies = new Map<bigint, DeviceTally>();
  const tally = (deviceId: bigint) => {
    let entry = tallies.get(deviceId);
    if (entry === undefined) {
      entry = { submitted: 0, accepted: 0, baseline: 0, skipped: 0, alreadyOnChain: 0, mintedWh: 0n };
      tallies.set(deviceId, entry);
    }
    return entry;
  };

  // Order per device by time: the contract accepts each device's readings only in increasing time.
  const sorted = [...file.readings].sort((a, b) =>
    a.deviceId === b.deviceId ? Number(a.timestamp - b.timestamp) : a.deviceId < b.deviceId ? -1 : 1,
  );
  const pending: SignedReading[] = [];
  const lastOnChain = new Map<bigint, bigint>();
  for (const reading of sorted) {
    if (!lastOnChain.has(reading.deviceId)) {
      lastOnChain.set(reading.deviceId, (await energy.meterState(reading.deviceId)).timestamp);
    }
    if (reading.timestamp <= (lastOnChain.get(reading.deviceId) ?? 0n)) tally(reading.deviceId).alreadyOnChain++;
    else pending.push(reading);
  }

  for (let start = 0; start < pending.length; start += args.batchSize) {
    const batch = pending.slice(start, start + args.batchSize);
    const receipt = await operator.send(
      `Submitted readings ${start + 1}-${start + batch.length} of ${pending.length}`,
      energy.submitReadings(
        batch.map(({ deviceId, cumulativeWh, timestamp }) => ({ deviceId, cumulativeWh, timestamp })),
        batch.map((reading) => reading.signature),
      ),
    );
    for (const reading of batch) tally(reading.deviceId).submitted++;
    for (const log of receipt.logs) {
      const parsed = energy.interface.parseLog(log);
      if (parsed === null) continue;
      if (parsed.name === "ReadingAccepted") {
        const entry = tally(parsed.args.deviceId as bigint);
        entry.accepted++;
        entry.mintedWh += parsed.args.deltaWh as bigint;
      } else if (parsed.name === "MeterBaselineSet") tally(parsed.args.deviceId as bigint).baseline++;
      else if (parsed.name === "ReadingSkipped") tally(parsed.args.deviceId as bigint).skipped++;
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
