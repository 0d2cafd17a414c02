import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Hardhat's coverage has no branch data, so this stands in for it on the failure paths: every custom error that a
 * Joulestack contract declares must be expected by some test, as `revertedWithCustomError(<contract>, "Name")` in a
 * TypeScript test or as `Name.selector` in a Solidity test. Errors inherited from OpenZeppelin are exercised by
 * OpenZeppelin's own suite and are not listed here.
 */
const ROOT = new URL("../..", import.meta.url).pathname;
const PRODUCTION_SOURCES = join(ROOT, "contracts");
const TEST_SOURCES = join(ROOT, "test");
const SKIPPED_FOLDERS = new Set(["mocks"]);

function filesUnder(folder: string, suffixes: string[], skip = new Set<string>()): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : filesUnder(path, suffixes, skip);
    return suffixes.some((suffix) => entry.name.endsWith(suffix)) ? [path] : [];
  });
}

function declaredErrors(): Map<string, string> {
  const declared = new Map<string, string>();
  for (const file of filesUnder(PRODUCTION_SOURCES, [".sol"], SKIPPED_FOLDERS)) {
    for (const match of readFileSync(file, "utf8").matchAll(/^\s*error\s+(\w+)\s*\(/gm)) {
      declared.set(match[1], relative(ROOT, file));
    }
  }
  return declared;
}

function expectedErrors(): Set<string> {
  const expected = new Set<string>();
  for (const file of filesUnder(TEST_SOURCES, [".ts", ".sol"])) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/revertedWithCustomError\(\s*[^,()]+(?:\([^)]*\))?\s*,\s*"(\w+)"/g))
      expected.add(match[1]);
    for (const match of text.matchAll(/\b(\w+)\.selector\b/g)) expected.add(match[1]);
  }
  return expected;
}

describe("custom errors", function () {
  it("are each expected by at least one test", function () {
    const expected = expectedErrors();
    const untested = [...declaredErrors()]
      .filter(([name]) => !expected.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(untested, `custom errors no test expects:\n  ${untested.join("\n  ")}`).to.deep.equal([]);
  });
});
