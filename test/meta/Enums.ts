import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { ENUM_MEMBERS } from "../../sdk/enums.js";

/** Every enum the production contracts declare, read from the sources: `enum <Contract>.<Enum>` → members. */
const CONTRACTS = new URL("../../contracts", import.meta.url).pathname;

function solidityFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? entry.name === "mocks"
        ? []
        : solidityFiles(join(folder, entry.name))
      : entry.name.endsWith(".sol")
        ? [join(folder, entry.name)]
        : [],
  );
}

function declaredEnums(): Record<string, string[]> {
  const enums: Record<string, string[]> = {};
  for (const file of solidityFiles(CONTRACTS)) {
    const source = readFileSync(file, "utf8").replace(/\/\/[^\n]*/g, "");
    const container = /\b(?:interface|contract|library)\s+(\w+)/.exec(source)?.[1];
    for (const match of source.matchAll(/\benum\s+(\w+)\s*\{([^}]*)\}/g)) {
      enums[`enum ${container}.${match[1]}`] = match[2]!
        .split(",")
        .map((member) => member.trim())
        .filter(Boolean);
    }
  }
  return enums;
}

describe("enum names in the SDK", function () {
  it("match every enum the contracts declare, member for member and in order", function () {
    expect(ENUM_MEMBERS).to.deep.equal(declaredEnums());
  });
});
