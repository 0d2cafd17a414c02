// Runs `hardhat test` (every Solidity and TypeScript suite, or what the arguments select), streams its output, and
// closes with one plain line `N passed, N failed, N skipped` summed over every runner, which CI reads.
import { spawn } from "node:child_process";

const ANSI = /\x1b\[[0-9;]*m/g;
// A runner closes its section with indented mocha-style counts ("  4 passing (9ms)", "  1 pending", "  1 failing");
// when several runners ran, Hardhat adds unindented totals ("13 passing (9 solidity, 4 mocha)"), which count
// pending tests as passing.
const RUNNER_COUNT = /^ {2}(\d+) (passing|failing|pending)\b/;
const OVERALL_COUNT = /^(\d+) (passing|failing) \(/;

const runners = { passing: 0, failing: 0, pending: 0 };
const overall = { passing: undefined, failing: 0 };
let partialLine = "";

function scan(chunk) {
  const lines = (partialLine + chunk).split("\n");
  partialLine = lines.pop() ?? "";
  for (const raw of lines) {
    const line = raw.replace(ANSI, "");
    const runner = RUNNER_COUNT.exec(line);
    if (runner) runners[runner[2]] += Number(runner[1]);
    const all = OVERALL_COUNT.exec(line);
    if (all) overall[all[2]] = Number(all[1]);
  }
}

const child = spawn("hardhat", ["test", ...process.argv.slice(2)], {
  stdio: ["inherit", "pipe", "pipe"],
  shell: process.platform === "win32",
});
child.stdout.on("data", (data) => {
  process.stdout.write(data);
  scan(data.toString());
});
child.stderr.on("data", (data) => process.stderr.write(data));
child.on("close", (code) => {
  scan("\n");
  const skipped = runners.pending;
  const passed = overall.passing === undefined ? runners.passing : overall.passing - skipped;
  let failed = overall.passing === undefined ? runners.failing : overall.failing;
  // A run that crashed before any runner reported still counts as a failure.
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});
