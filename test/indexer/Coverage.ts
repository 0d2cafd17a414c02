import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { isGeneric } from "../../indexer/lib/events.js";
import { CONTRACTS, NOTE_CONTRACT, OPTIONAL_CONTRACTS, artifactAbi } from "../../indexer/lib/setup.js";
import { PROJECT_ROOT } from "../helpers/node.js";

const SRC = join(PROJECT_ROOT, "indexer", "src");

/** The `Contract:Event` handlers each module file registers (directly or through `onTransfers`). */
function registeredHandlers(): Map<string, string> {
  const handlers = new Map<string, string>();
  for (const file of readdirSync(SRC).filter((name) => name.endsWith(".ts"))) {
    const text = readFileSync(join(SRC, file), "utf8");
    for (const [, key] of text.matchAll(/\bon\("(\w+:\w+)"/g)) {
      expect(handlers.has(key), `${key} registered twice`).to.equal(false);
      handlers.set(key, file);
    }
    for (const [, contract] of text.matchAll(/onTransfers\(ponder, "(\w+)"/g)) {
      handlers.set(`${contract}:TransferSingle`, file);
      handlers.set(`${contract}:TransferBatch`, file);
    }
  }
  return handlers;
}

/** Every event of every Joulestack contract is indexed, each domain's in its own module file. */
describe("indexer: event coverage", function () {
  const folders: Record<string, string> = { ...CONTRACTS, ...OPTIONAL_CONTRACTS, ...NOTE_CONTRACT };
  const handlers = registeredHandlers();

  for (const [contract, folder] of Object.entries(folders)) {
    it(`handles every event of ${contract} in src/${folder === "tokens" ? "other" : folder}.ts or as a generic event`, function () {
      const events = artifactAbi(contract, folder).filter((item: { type: string }) => item.type === "event");
      expect(events.length).to.be.greaterThan(0);
      for (const { name } of events as { name: string }[]) {
        const key = `${contract}:${name}`;
        if (isGeneric(contract, name)) {
          expect(handlers.has(key), `${key} is generic and must not have a domain handler too`).to.equal(false);
          continue;
        }
        expect(handlers.get(key), `${key} has no handler`).to.equal(`${folder}.ts`);
      }
    });
  }

  it("registers no handler for an event that no ABI has", function () {
    for (const key of handlers.keys()) {
      const [contract, name] = key.split(":");
      const folder = folders[contract];
      expect(folder, `${key}: unknown contract`).to.not.equal(undefined);
      const names = artifactAbi(contract, folder).map((item: { name?: string }) => item.name);
      expect(names, `${key}: no such event`).to.include(name);
    }
  });
});
