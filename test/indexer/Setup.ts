import { expect } from "chai";
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type LocalNode, freePort, startLocalNode } from "../helpers/node.js";
import { type PlayedChain, checkSetup, playDemo } from "./harness.js";

/** Bad set-ups end in one line naming what is wrong (exit code 2), before Ponder starts. */
describe("indexer: set-up errors", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let chain: PlayedChain;
  let scratch: string;

  before(async function () {
    node = await startLocalNode();
    chain = await playDemo(node.url, { play: false });
    scratch = mkdtempSync(join(tmpdir(), "joulestack-indexer-setup-"));
  });

  after(async function () {
    await chain?.close();
    await node?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function expectOneLine(chains: string, message: string | RegExp) {
    const { code, stdout, stderr } = await checkSetup({ JOULESTACK_CHAINS: chains });
    expect(code, `${stdout}${stderr}`).to.equal(2);
    const lines = stderr.trim().split("\n");
    expect(lines, stderr).to.have.length(1);
    if (typeof message === "string") expect(lines[0]).to.equal(`indexer: ${message}`);
    else expect(lines[0]).to.match(message);
  }

  const copyOfDeployments = (name: string) => {
    const dir = join(scratch, name);
    cpSync(chain.deploymentsDir, dir, { recursive: true });
    return dir;
  };

  it("accepts a good set-up", async function () {
    const { code, stdout } = await checkSetup({ JOULESTACK_CHAINS: `31337=${node.url}=${chain.deploymentsDir}` });
    expect(code).to.equal(0);
    expect(stdout.trim()).to.equal("indexer: 1 chain(s) ready: 31337");
  });

  it("names a missing or unreadable deployment record", async function () {
    const missing = copyOfDeployments("missing");
    unlinkSync(join(missing, "ComputeMarket.json"));
    await expectOneLine(
      `31337=${node.url}=${missing}`,
      `chain 31337: no deployment record ComputeMarket.json in ${missing}`,
    );

    const broken = copyOfDeployments("broken");
    writeFileSync(join(broken, "TrancheVault.json"), "{ not json");
    await expectOneLine(
      `31337=${node.url}=${broken}`,
      new RegExp(`^indexer: chain 31337: deployment record ${join(broken, "TrancheVault.json")} is not readable JSON`),
    );

    const nowhere = join(scratch, "nowhere");
    await expectOneLine(
      `31337=${node.url}=${nowhere}`,
      `chain 31337: the deployments folder ${nowhere} does not exist`,
    );
  });

  it("names a record whose address has no contract on the chain", async function () {
    const wrong = copyOfDeployments("wrong-address");
    const file = join(wrong, "FlexibilityMarket.json");
    const record = JSON.parse((await import("node:fs")).readFileSync(file, "utf8"));
    record.address = "0x000000000000000000000000000000000000dEaD";
    writeFileSync(file, JSON.stringify(record));
    await expectOneLine(
      `31337=${node.url}=${wrong}`,
      `chain 31337: no contract at 0x000000000000000000000000000000000000dEaD, the FlexibilityMarket address in ${file}`,
    );
  });

  it("names an RPC that is down", async function () {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expectOneLine(
      `31337=${url}=${chain.deploymentsDir}`,
      `chain 31337: the RPC ${url} is not reachable (ECONNREFUSED)`,
    );
  });

  it("names a chain id that does not match the RPC or the records", async function () {
    await expectOneLine(
      `31338=${node.url}=${chain.deploymentsDir}`,
      `chain 31338: the deployments in ${chain.deploymentsDir} were made on chain 31337, not 31338`,
    );
    const relabelled = copyOfDeployments("relabelled");
    writeFileSync(join(relabelled, ".chain"), JSON.stringify({ chainId: "31338" }));
    await expectOneLine(
      `31338=${node.url}=${relabelled}`,
      `chain 31338: the RPC ${node.url} serves chain 31337, not 31338`,
    );
  });

  it("names records made on another chain with the same id", async function () {
    const other = copyOfDeployments("other-chain");
    const genesis = `0x${"ab".repeat(32)}`;
    writeFileSync(join(other, ".chain"), JSON.stringify({ chainId: "31337", genesisHash: genesis }));
    await expectOneLine(
      `31337=${node.url}=${other}`,
      new RegExp(
        `^indexer: chain 31337: the deployments in ${other} were made on another chain \\(genesis ${genesis}, the RPC's is 0x[0-9a-f]{64}\\): deploy again$`,
      ),
    );
  });

  it("names a missing or malformed JOULESTACK_CHAINS", async function () {
    await expectOneLine("", /^indexer: JOULESTACK_CHAINS is not set/);
    await expectOneLine(
      "31337=deployments",
      `JOULESTACK_CHAINS entry "31337=deployments" is not chainId=rpcUrl=deploymentsDir`,
    );
    await expectOneLine(`x=${node.url}=d`, `JOULESTACK_CHAINS entry "x=${node.url}=d": chain id "x" is not a number`);
  });
});
