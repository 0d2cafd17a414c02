import { expect } from "chai";
import { Wallet, id } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DeviceKind, gridZone } from "../../sdk/energy.js";
import { DeviceRegistry__factory, TestStablecoin__factory } from "../../typechain-types/index.js";
import { type LocalNode, startLocalNode } from "../helpers/node.js";
import {
  type IndexerStore,
  type PlayedChain,
  type RunningIndexer,
  createStore,
  getJson,
  graphqlAll,
  playDemo,
  startIndexer,
  waitCaughtUp,
} from "./harness.js";

const address = (dir: string, name: string) =>
  JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")).address as string;

/** Registers `count` solar devices with the deployer (it holds the registrar role after deployment). */
async function registerDevices(chain: PlayedChain, count: number, label: string) {
  const [deployer] = await chain.ethers.getSigners();
  const registry = DeviceRegistry__factory.connect(address(chain.deploymentsDir, "DeviceRegistry"), deployer);
  const now = BigInt((await chain.ethers.provider.getBlock("latest"))!.timestamp);
  for (let i = 0; i < count; i++) {
    await (
      await registry.registerDevice({
        signer: new Wallet(id(`${label}:${i}`)).address,
        owner: deployer.address,
        kind: DeviceKind.Solar,
        capacityW: 1_000_000n + BigInt(i),
        gridZone: gridZone("ERCOT-NORTH"),
        commissionedAt: now - 86_400n,
        metadataURI: `ipfs://${label}/${i}`,
      })
    ).wait();
  }
  return registry;
}

const chainIdOf = async (chain: PlayedChain) => Number((await chain.ethers.provider.getNetwork()).chainId);

describe("indexer: restarts, new chains and several chains", function () {
  this.timeout(900_000);
  const cleanups: (() => Promise<void>)[] = [];
  let indexer: RunningIndexer | undefined;

  afterEach(async function () {
    await indexer?.stop();
    indexer = undefined;
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  });

  async function freshChain(options: { chainId?: number } = {}) {
    const node: LocalNode = await startLocalNode(60_000, options);
    cleanups.push(() => node.stop());
    const chain = await playDemo(node.url, { play: false });
    cleanups.push(() => chain.close());
    return { node, chain, chainId: await chainIdOf(chain) };
  }
  async function newStore(): Promise<IndexerStore> {
    const store = await createStore();
    cleanups.push(() => store.drop());
    return store;
  }

  it("resumes after a restart from where it stopped, counting nothing twice", async function () {
    const { node, chain, chainId } = await freshChain();
    const registry = await registerDevices(chain, 2, "resume-a");
    const store = await newStore();
    const spec = [{ chainId, rpcUrl: node.url, deploymentsDir: chain.deploymentsDir }];
    indexer = await startIndexer(spec, store);
    await waitCaughtUp(indexer);
    expect(await graphqlAll(indexer, "devices", `{ chainId: ${chainId} }`, "deviceId")).to.have.length(2);
    await indexer.stop();

    await registerDevices(chain, 1, "resume-b");
    const [deployer] = await chain.ethers.getSigners();
    const stablecoin = TestStablecoin__factory.connect(address(chain.deploymentsDir, "TestStablecoin"), deployer);
    await (await stablecoin.mint(deployer.address, 5_000_000n)).wait();

    indexer = await startIndexer(spec, store);
    await waitCaughtUp(indexer);
    expect(indexer.output(), "Ponder resumed its own data").to.match(/crash recovery/i);
    const devices = await graphqlAll(indexer, "devices", `{ chainId: ${chainId} }`, "deviceId capacityW");
    expect(devices.map((device) => device.deviceId).sort()).to.deep.equal(["1", "2", "3"]);
    expect(BigInt(devices.length)).to.equal(await registry.deviceCount());
    const changes = await graphqlAll(indexer, "deviceChanges", `{ chainId: ${chainId} }`, "id");
    expect(changes, "one registration row per device").to.have.length(3);
    const transfers = await graphqlAll(
      indexer,
      "contractEvents",
      `{ chainId: ${chainId}, contract: "TestStablecoin", event: "Transfer" }`,
      "id",
    );
    const logs = await stablecoin.queryFilter(stablecoin.filters.Transfer());
    expect(transfers).to.have.length(logs.length);
  });

  it("never serves a previous chain's data after the node restarts as a new chain", async function () {
    const first = await freshChain();
    await registerDevices(first.chain, 3, "old-chain");
    const store = await newStore();
    indexer = await startIndexer(
      [{ chainId: first.chainId, rpcUrl: first.node.url, deploymentsDir: first.chain.deploymentsDir }],
      store,
    );
    await waitCaughtUp(indexer);
    expect(await graphqlAll(indexer, "devices", `{ chainId: ${first.chainId} }`, "deviceId")).to.have.length(3);
    await indexer.stop();
    indexer = undefined;
    await first.node.stop();

    // The same chain id and, deployed by the same account, the same addresses: only the history differs.
    const second = await freshChain();
    expect(second.chainId).to.equal(first.chainId);
    expect(address(second.chain.deploymentsDir, "DeviceRegistry")).to.equal(
      address(first.chain.deploymentsDir, "DeviceRegistry"),
    );
    await registerDevices(second.chain, 1, "new-chain");
    indexer = await startIndexer(
      [{ chainId: second.chainId, rpcUrl: second.node.url, deploymentsDir: second.chain.deploymentsDir }],
      store,
    );
    await waitCaughtUp(indexer);
    const devices = await graphqlAll(indexer, "devices", `{ chainId: ${second.chainId} }`, "deviceId metadataUri");
    expect(devices).to.deep.equal([{ deviceId: "1", metadataUri: "ipfs://new-chain/0" }]);
    const missing = await getJson(indexer, `/v1/chains/${second.chainId}/devices/2/hours`);
    expect(missing.status).to.equal(404);
  });

  it("indexes two local chains with different chain ids into one database", async function () {
    const a = await freshChain();
    const b = await freshChain({ chainId: 31_338 });
    expect(a.chainId).to.equal(31_337);
    expect(b.chainId).to.equal(31_338);
    await registerDevices(a.chain, 1, "chain-a");
    await registerDevices(b.chain, 2, "chain-b");
    const store = await newStore();
    indexer = await startIndexer(
      [
        { chainId: a.chainId, rpcUrl: a.node.url, deploymentsDir: a.chain.deploymentsDir },
        { chainId: b.chainId, rpcUrl: b.node.url, deploymentsDir: b.chain.deploymentsDir },
      ],
      store,
    );
    const status = await waitCaughtUp(indexer);
    expect(status.chains.map((chain) => chain.chainId)).to.deep.equal([31_337, 31_338]);
    const onA = await graphqlAll(indexer, "devices", `{ chainId: ${a.chainId} }`, "metadataUri");
    const onB = await graphqlAll(indexer, "devices", `{ chainId: ${b.chainId} }`, "metadataUri");
    expect(onA.map((device) => device.metadataUri)).to.deep.equal(["ipfs://chain-a/0"]);
    expect(onB.map((device) => device.metadataUri).sort()).to.deep.equal(["ipfs://chain-b/0", "ipfs://chain-b/1"]);
    const hoursA = await getJson(indexer, `/v1/chains/${a.chainId}/devices/1/hours`);
    const hoursB = await getJson(indexer, `/v1/chains/${b.chainId}/devices/2/hours`);
    expect(hoursA.body.device.capacityW).to.equal("1000000");
    expect(hoursB.body.device.capacityW).to.equal("1000001");
    expect((await getJson(indexer, `/v1/chains/${a.chainId}/devices/2/hours`)).status).to.equal(404);
    expect((await getJson(indexer, `/v1/chains/1/devices/1/hours`)).body.error).to.equal("chain 1 is not indexed");
  });

  it("answers 503 naming the RPC while a chain's node is down", async function () {
    const { node, chain, chainId } = await freshChain();
    const store = await newStore();
    indexer = await startIndexer([{ chainId, rpcUrl: node.url, deploymentsDir: chain.deploymentsDir }], store);
    await waitCaughtUp(indexer);
    await node.stop();
    const { status, body } = await getJson(indexer, `/v1/chains/${chainId}/devices/1/hours`);
    expect(status).to.equal(503);
    expect(body.error).to.equal("not caught up");
    expect(body.chains[0].error).to.match(new RegExp(`^RPC ${node.url} unreachable`));
  });
});
