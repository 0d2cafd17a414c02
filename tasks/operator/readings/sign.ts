import { Wallet } from "ethers";
import { writeFileSync } from "node:fs";

import {
  crossesHour,
  meteredEnergyDomain,
  readingSchedule,
  signReading,
  type MeterReading,
} from "../../../sdk/energy.js";
import { stringifyReadingsFile } from "../../../sdk/readings.js";
import { formatEnergy, parseEnergy } from "../../../sdk/units.js";
import { DeviceRegistry__factory, MeteredEnergy__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatTime, parseCount, parseEnergyOption, parseId, parseTime } from "../parse.js";
import { readJsonFile } from "./file.js";

interface Args {
  deviceId: string;
  out: string;
  keyEnv: string;
  input: string;
  count: string;
  energy: string;
  interval: string;
  end: string;
  startWh: string;
  meter: string;
}

/**
 * `readings sign <deviceId>`: what a device gateway does. It signs meter readings with the device key (read from an
 * environment variable, never from the command line) into a file that `readings submit` sends. The readings come
 * from `--input` (a JSON list of `{ "timestamp": ..., "cumulative": "12.5 kWh" }`) or are generated: `--count`
 * readings `--interval` seconds apart (a divisor of an hour) on the interval's grid, each adding `--energy` to the
 * counter. Generated readings follow the hour rule from the device's on-chain state: they continue right after its
 * last accepted reading (or, with `--end`, end there), so each closes inside one clock hour.
 */
export default operatorAction<Args>(async (args, operator) => {
  const deviceId = parseId(args.deviceId, "device id");
  const key = process.env[args.keyEnv];
  if (key === undefined || key === "") throw new Error(`set the device key in the environment variable ${args.keyEnv}`);
  const device = new Wallet(key);

  const meterAddress = operator.address("MeteredEnergy", args.meter);
  const energy = MeteredEnergy__factory.connect(meterAddress, operator.runner);
  const registry = DeviceRegistry__factory.connect(await energy.registry(), operator.runner);
  const [profile, meter, latest] = await Promise.all([
    registry.meteringProfile(deviceId),
    energy.meterState(deviceId),
    operator.ethers.provider.getBlock("latest"),
  ]);
  if (profile.signer !== device.address) {
    console.warn(`Warning: ${device.address} is not the registered signer ${profile.signer} of device ${deviceId}`);
  }
  const now = BigInt(latest?.timestamp ?? 0);
  const interval = parseCount(args.interval, "interval", 1n, 3_600n);
  if (3_600n % interval !== 0n)
    throw new Error(`--interval ${interval} does not divide 3600: readings must fall on every hour`);
  const count = Number(parseCount(args.count, "count", 1n, 10_000n));
  // Continuing from the ledger, the first generated reading already closes an interval, so it adds a step.
  const continuing = args.end === "" && meter.timestamp !== 0n;
  const step = parseEnergyOption(args.energy, "energy", { allowZero: true });

  const readings: MeterReading[] =
    args.input !== ""
      ? readInput(args.input, deviceId, now)
      : generate(deviceId, {
          count,
          step,
          timestamps: readingSchedule({
            count,
            interval,
            // Continue from the ledger unless told where to end; a fresh device's readings end now (on the grid).
            after: args.end === "" ? meter.timestamp : undefined,
            end: args.end === "" ? (now / interval) * interval : parseTime(args.end, now),
          }),
          start:
            args.startWh === ""
              ? meter.cumulativeWh + (continuing ? step : 0n)
              : parseEnergyOption(args.startWh, "start-wh", { allowZero: true }),
        });
  const latestReading = readings.at(-1);
  // Continuing from the ledger without an end means "up to now"; an explicit --end may lie ahead (signed in advance).
  if (args.input === "" && continuing && latestReading !== undefined && latestReading.timestamp > now) {
    throw new Error(
      `the last reading would be at ${formatTime(latestReading.timestamp)}, after the latest block: lower --count`,
    );
  }
  warnAboutGaps(readings, meter.timestamp);

  const domain = await meteredEnergyDomain(meterAddress, operator.runner);
  const signed = [];
  for (const reading of readings) signed.push({ ...reading, signature: await signReading(device, domain, reading) });
  writeFileSync(
    args.out,
    stringifyReadingsFile({ chainId: operator.chainId, meteredEnergy: meterAddress, readings: signed }),
  );

  const first = readings[0];
  const last = readings[readings.length - 1];
  console.log(`Signed ${readings.length} readings of device ${deviceId} with ${device.address} into ${args.out}`);
  if (first !== undefined && last !== undefined) {
    console.log(`  ${formatTime(first.timestamp)} .. ${formatTime(last.timestamp)}`);
    console.log(`  counter ${formatEnergy(first.cumulativeWh)} .. ${formatEnergy(last.cumulativeWh)}`);
  }
});

function generate(
  deviceId: bigint,
  plan: { count: number; step: bigint; timestamps: bigint[]; start: bigint },
): MeterReading[] {
  return plan.timestamps.map((timestamp, index) => ({
    deviceId,
    timestamp,
    cumulativeWh: plan.start + BigInt(index) * plan.step,
  }));
}

/** Says where the ledger will refuse a reading because its interval crosses an hour boundary. */
function warnAboutGaps(readings: MeterReading[], lastOnChain: bigint) {
  let last = lastOnChain;
  for (const reading of [...readings].sort((a, b) => Number(a.timestamp - b.timestamp))) {
    if (reading.timestamp <= last) continue;
    if (last !== 0n && crossesHour(last, reading.timestamp)) {
      console.warn(
        `Warning: the reading at ${formatTime(reading.timestamp)} crosses an hour boundary after ${formatTime(last)}; ` +
          "only the device's owner can resume metering from it (readings resume)",
      );
    }
    last = reading.timestamp;
  }
}

function readInput(path: string, deviceId: bigint, now: bigint): MeterReading[] {
  const entries = readJsonFile(path, "--input file");
  if (!Array.isArray(entries)) throw new Error(`${path} is not a JSON list of readings`);
  return entries.map((entry: { timestamp?: unknown; cumulative?: unknown }, index) => {
    if (entry.timestamp === undefined || entry.cumulative === undefined) {
      throw new Error(`${path}[${index}] needs "timestamp" and "cumulative"`);
    }
    return {
      deviceId,
      timestamp: parseTime(String(entry.timestamp), now),
      cumulativeWh: parseEnergy(String(entry.cumulative)),
    };
  });
}
