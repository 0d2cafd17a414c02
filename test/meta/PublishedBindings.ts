import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";

import * as sdk from "../../sdk/index.js";

/** Every deployable contract and interface is published to integrators through the SDK's bindings. */
const CONTRACTS = new URL("../../contracts", import.meta.url).pathname;
// Libraries are linked in, abstract bases (utils/) are inherited: integrators call the contracts and interfaces.
const UNPUBLISHED = new Set(["mocks", "libraries", "utils"]);

function solidityFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? UNPUBLISHED.has(entry.name)
        ? []
        : solidityFiles(join(folder, entry.name))
      : entry.name.endsWith(".sol")
        ? [join(folder, entry.name)]
        : [],
  );
}

describe("published bindings", function () {
  it("include a factory for every contract and interface, and nothing test-only", function () {
    const expected = solidityFiles(CONTRACTS).map((file) => `${basename(file, ".sol")}__factory`);
    const exported = Object.keys(sdk).filter((name) => name.endsWith("__factory"));
    expect(exported.sort()).to.deep.equal(expected.sort());
    expect(readFileSync(new URL("../../sdk/contracts.ts", import.meta.url), "utf8")).to.not.match(/mocks\//);
  });
});
