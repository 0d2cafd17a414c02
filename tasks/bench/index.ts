import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";

import { renderTable } from "../common/table.js";
import { measureBaselines } from "./baselines.js";
import { BENCHES } from "./registry.js";
import type { GasRow } from "./types.js";

interface BenchArguments {
  check: boolean;
  update: boolean;
  tolerance: string;
  json: string;
  snapshot: string;
}

interface SnapshotEntry {
  group: string;
  operation: string;
  gas: string;
}

/** Module rows first, in value-chain order, then the scaling rows and the worst cases of every module together. */
const SUMMARY_GROUPS = ["scaling", "worst case"];
const rank = (row: GasRow) => SUMMARY_GROUPS.indexOf(row.group) + 1;

const key = (row: { group: string; operation: string }) => `${row.group} / ${row.operation}`;

/** `npm run bench`: measures every key operation beside its baseline, prints the table and writes it as JSON. */
export default async function bench(args: BenchArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const { ethers, networkHelpers } = await hre.network.create();
  const baselines = await measureBaselines(ethers);
  const rows: GasRow[] = [];
  for (const [name, gas] of baselines) rows.push({ group: "baseline", operation: name, gas });
  for (const run of BENCHES) {
    const snapshot = await networkHelpers.takeSnapshot();
    rows.push(...(await run({ ethers, networkHelpers, baselines })));
    await snapshot.restore();
  }
  rows.sort((a, b) => rank(a) - rank(b));

  printTable(rows);
  writeJson(args.json, rows);
  console.log(`\nWrote ${args.json}`);

  if (args.update) {
    writeJson(args.snapshot, rows, true);
    console.log(`Updated the gas snapshot ${args.snapshot}`);
  }
  if (args.check && !checkSnapshot(args.snapshot, rows, Number(args.tolerance))) process.exitCode = 1;
}

function printTable(rows: GasRow[]) {
  const lines = rows.map((row) => [
    row.group,
    row.operation,
    row.gas.toLocaleString("en-US"),
    row.baseline?.name ?? "",
    row.baseline ? row.baseline.gas.toLocaleString("en-US") : "",
    row.baseline ? ratio(row.gas, row.baseline.gas) : "",
    row.floor === undefined ? "" : row.floor.toLocaleString("en-US"),
    row.floor === undefined ? "" : ratio(row.gas, row.floor),
    row.target === undefined ? "" : row.target.toLocaleString("en-US"),
  ]);
  const header = ["group", "operation", "gas", "baseline", "baseline gas", "ratio", "floor", "vs floor", "target"];
  console.log(renderTable(header, lines, [2, 4, 5, 6, 7, 8]));
}

/** `gas / baseline`, with a third decimal for the small shares of the gas cap that worst cases often are. */
function ratio(gas: bigint, baseline: bigint): string {
  const value = Number(gas) / Number(baseline);
  return `${value.toFixed(value < 0.1 ? 3 : 2)}x`;
}

function writeJson(path: string, rows: GasRow[], snapshotOnly = false) {
  mkdirSync(dirname(path), { recursive: true });
  const data = rows.map((row) =>
    snapshotOnly
      ? { group: row.group, operation: row.operation, gas: row.gas.toString() }
      : {
          group: row.group,
          operation: row.operation,
          gas: row.gas.toString(),
          baseline: row.baseline?.name ?? null,
          baselineGas: row.baseline?.gas.toString() ?? null,
          ratio: row.baseline ? Number(row.gas) / Number(row.baseline.gas) : null,
          floor: row.floor?.toString() ?? null,
          target: row.target?.toString() ?? null,
        },
  );
  writeFileSync(path, JSON.stringify(data, null, 2) + "\n");
}

/**
 * Compares against the committed snapshot: every operation must be present and within `tolerance` percent, and at
 * or below its target when it has one.
 */
function checkSnapshot(path: string, rows: GasRow[], tolerance: number): boolean {
  if (!existsSync(path)) {
    console.error(`No gas snapshot at ${path}: run \`npm run bench -- --update\` and commit it.`);
    return false;
  }
  const committed = new Map(
    (JSON.parse(readFileSync(path, "utf8")) as SnapshotEntry[]).map((entry) => [key(entry), BigInt(entry.gas)]),
  );
  const problems: string[] = [];
  for (const row of rows) {
    if (row.target !== undefined && row.gas > row.target) {
      problems.push(`${key(row)}: ${row.gas} is over its target of ${row.target}`);
    }
    const before = committed.get(key(row));
    committed.delete(key(row));
    if (before === undefined) {
      problems.push(`new operation ${key(row)} (${row.gas}) is not in the snapshot`);
      continue;
    }
    const change = (Number(row.gas - before) / Number(before)) * 100;
    if (Math.abs(change) > tolerance) {
      problems.push(`${key(row)}: ${before} -> ${row.gas} (${change > 0 ? "+" : ""}${change.toFixed(2)}%)`);
    }
  }
  for (const missing of committed.keys()) problems.push(`${missing} is in the snapshot but was not measured`);
  if (problems.length > 0) {
    console.error(`\nGas snapshot check failed (tolerance ${tolerance}%):\n  ${problems.join("\n  ")}`);
    console.error("If the change is intended, run `npm run bench -- --update` and commit the snapshot.");
    return false;
  }
  console.log(`Gas snapshot check passed: ${rows.length} operations within ${tolerance}% of ${path}`);
  return true;
}
