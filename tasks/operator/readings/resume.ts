import { crossesHour } from "../../../sdk/energy.js";
import { formatEnergy } from "../../../sdk/units.js";
import { DeviceRegistry__factory } from "../../../typechain-types/index.js";
import { renderTable } from "../../common/table.js";
import { operatorAction } from "../context.js";
import { formatTime } from "../parse.js";
import { loadReadings, plain } from "./file.js";

interface Args {
  file: string;
  meter: string;
}

/**
 * `readings resume <file>`: the device owner's act. For every device in the file that no relayed reading can move
 * on, it sends one reading through `resumeMetering`: a device with no reading yet starts from its earliest reading
 * (the baseline); a device whose next reading crosses an hour boundary after its last accepted one (an outage), or
 * whose last reading predates its reactivation, resumes from that next reading, and the energy over the gap is
 * reported, not minted. Devices whose readings can simply be submitted are left alone.
 */
export default operatorAction<Args>(async (args, operator) => {
  const { energy, byDevice } = loadReadings(args.file, operator, args.meter);
  const registry = DeviceRegistry__factory.connect(await energy.registry(), operator.signer);
  const rows: string[][] = [];
  for (const [deviceId, readings] of byDevice) {
    const [state, profile] = await Promise.all([energy.meterState(deviceId), registry.meteringProfile(deviceId)]);
    const next = readings.find((reading) => reading.timestamp > state.timestamp);
    if (next === undefined) {
      rows.push([deviceId.toString(), "nothing newer than the ledger", "", ""]);
      continue;
    }
    const started = state.timestamp !== 0n;
    if (started && !crossesHour(state.timestamp, next.timestamp) && state.timestamp >= profile.activeSince) {
      rows.push([deviceId.toString(), "no gap: submit the readings", "", ""]);
      continue;
    }
    const receipt = await operator.send(
      started ? `Resumed metering of device ${deviceId}` : `Started metering of device ${deviceId}`,
      energy.resumeMetering(plain(next), next.signature),
    );
    let skipped = 0n;
    for (const log of receipt.logs) {
      const parsed = energy.interface.parseLog(log);
      if (parsed?.name === "MeteringResumed") skipped = parsed.args.skippedWh as bigint;
    }
    rows.push([
      deviceId.toString(),
      started ? "resumed" : "baseline",
      formatTime(next.timestamp),
      started ? formatEnergy(skipped) : "",
    ]);
  }
  console.log(renderTable(["device", "action", "from", "gap (not minted)"], rows, [3]));
});
