// Reads coverage/lcov.info (written by `hardhat test --coverage`) and fails when line coverage of the production
// contracts (contracts/ without mocks) is below the threshold. Usage: node scripts/check/coverage.js [minPercent]
import { readFileSync } from "node:fs";

const minimum = Number(process.argv[2] ?? 95);
const lcov = readFileSync("coverage/lcov.info", "utf8");

const files = [];
for (const record of lcov.split("end_of_record")) {
  const source = /^SF:(.*)$/m.exec(record)?.[1]?.trim();
  if (!source) continue;
  const path = source.slice(source.indexOf("contracts/"));
  if (!path.startsWith("contracts/") || path.startsWith("contracts/mocks/")) continue;
  const found = Number(/^LF:(\d+)$/m.exec(record)?.[1] ?? 0);
  const hit = Number(/^LH:(\d+)$/m.exec(record)?.[1] ?? 0);
  files.push({ path, found, hit });
}

const found = files.reduce((sum, file) => sum + file.found, 0);
const hit = files.reduce((sum, file) => sum + file.hit, 0);
const percent = found === 0 ? 100 : (hit / found) * 100;
for (const file of files.filter((f) => f.found > 0 && f.hit < f.found)) {
  console.log(`  ${file.path}: ${file.hit}/${file.found} lines (${((file.hit / file.found) * 100).toFixed(1)}%)`);
}
console.log(`Line coverage of production contracts: ${hit}/${found} = ${percent.toFixed(2)}% (minimum ${minimum}%)`);
if (percent < minimum) process.exit(1);
