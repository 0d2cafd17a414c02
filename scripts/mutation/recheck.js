// Re-runs the survivors of the last `sumo test` against the current tests, without regenerating or re-running the
// mutants that were already killed: after tests are added for the survivors, this says which of them now die.
//
//   node scripts/mutation/recheck.js              every mutant SuMo left live
//   node scripts/mutation/recheck.js m1a2b3c4 ... only these
//
// It reads `.sumo/results/results.csv` (or the file SUMO_RESULTS names, e.g. from a run in another checkout),
// applies each mutant to this checkout's contract (checking that the text it replaces is still there), runs the same
// focused compile and test stages as `sumo test` (from sumo-config.js, so SUMO_TARGETS/SUMO_TESTS apply),
// restores the contract, and writes `.sumo/results/recheck.csv`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

import { focusedStages, runStages, testingTimeOutInSec } from "../../sumo-config.js";

const RESULTS = process.env.SUMO_RESULTS ?? ".sumo/results/results.csv";
const RECHECK = ".sumo/results/recheck.csv";

if (!existsSync(RESULTS)) {
  console.error(`No ${RESULTS}: run \`npx sumo test\` first.`);
  process.exit(2);
}

// SuMo writes one `$`-separated line per mutant:
// Hash$File$Operator$Start$End$StartLine$EndLine$Original$Replacement$Status$Time
const mutants = readFileSync(RESULTS, "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line.includes("$"))
  .map((line) => {
    const [hash, path, operator, start, end, startLine, , original, replacement, status] = line.split("$");
    // SuMo records absolute paths; the mutant is applied to this checkout's copy of the contract.
    const file = `contracts/${path.split("/contracts/").pop()}`;
    return { hash, file, operator, start: Number(start), end: Number(end), startLine, original, replacement, status };
  });

const wanted = process.argv.slice(2);
const selected = wanted.length
  ? mutants.filter((mutant) => wanted.includes(mutant.hash))
  : mutants.filter((mutant) => mutant.status === "live");
if (wanted.length && selected.length !== wanted.length) {
  const known = new Set(mutants.map((mutant) => mutant.hash));
  console.error(`Unknown mutants: ${wanted.filter((hash) => !known.has(hash)).join(", ")}`);
  process.exit(2);
}

// The same stages as `sumo test`, output kept quiet; a timeout stops the tests themselves.
const run = (stages) => runStages(stages, { stdio: "pipe", encoding: "utf8", timeout: testingTimeOutInSec * 1000 });

// SuMo's CSV drops the line breaks of a mutated span that crosses lines, so texts are compared with runs of
// whitespace collapsed.
const collapse = (text) => text.replace(/\s+/g, " ");

const lines = ["hash,file,line,original,replacement,status"];
let killed = 0;
for (const mutant of selected) {
  const source = readFileSync(mutant.file, "utf8");
  // SuMo's offsets are JavaScript string indices into the file it mutated.
  if (collapse(source.slice(mutant.start, mutant.end)) !== collapse(mutant.original)) {
    console.error(`${mutant.hash}: ${mutant.file} changed since the run (line ${mutant.startLine}); run sumo again.`);
    process.exit(1);
  }
  let status;
  try {
    writeFileSync(mutant.file, source.slice(0, mutant.start) + mutant.replacement + source.slice(mutant.end));
    const compile = run(focusedStages.compile);
    if (compile.status !== 0) status = "stillborn";
    else {
      const test = run(focusedStages.test);
      status = test.error ? "timedout" : test.status === 0 ? "live" : "killed";
    }
  } finally {
    writeFileSync(mutant.file, source);
  }
  if (status !== "live") killed += 1;
  const where = `${mutant.file}:${mutant.startLine}`;
  console.log(`${mutant.hash} ${where} '${mutant.original.trim()}' -> '${mutant.replacement.trim()}': ${status}`);
  lines.push(
    [mutant.hash, mutant.file, mutant.startLine, mutant.original.trim(), mutant.replacement.trim(), status].join(","),
  );
}
mkdirSync(".sumo/results", { recursive: true });
writeFileSync(RECHECK, `${lines.join("\n")}\n`);
console.log(`${killed} of ${selected.length} no longer survive (${RECHECK}).`);
