// `npm run bench:indexer`: plays the demo scenario on a local node, then measures the indexer on PGlite (and on
// Postgres when DATABASE_URL names a server it may create databases on): events per second from block 0, the lag
// behind a new block, and peak memory, beside the node's own rate of serving the same logs and blocks.
import { JsonRpcProvider } from "ethers";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { TestStablecoin__factory } from "../../typechain-types/index.js";
import { startLocalNode } from "../../test/helpers/node.js";
import {
  type IndexerStore,
  type RunningIndexer,
  createStore,
  playDemo,
  sleep,
  startIndexer,
  waitCaughtUp,
} from "../../test/indexer/harness.js";

const periods = Number(process.env.BENCH_PERIODS ?? 2);
const LIVE_SAMPLES = 5;

/** Resident memory of a process and its descendants, in MB (Linux; 0 elsewhere). */
function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return 0;
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(status, "utf8"))?.[1] ?? 0);
  let children: number[] = [];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    children = [];
  }
  return kb / 1024 + children.reduce((total, child) => total + rssMb(child), 0);
}

async function rpc(url: string, method: string, params: unknown[]) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: any }).result;
}

async function measure(label: string, store: IndexerStore, spec: Parameters<typeof startIndexer>[0], events: number) {
  const provider = new JsonRpcProvider(spec[0].rpcUrl, undefined, { cacheTimeout: -1 });
  const started = Date.now();
  const indexer: RunningIndexer = await startIndexer(spec, store);
  const serving = Date.now();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(indexer.process.pid!))), 200);
  try {
    await waitCaughtUp(indexer);
    const caught = Date.now();
    const lags: number[] = [];
    const [signer] = await (
      await import("hardhat")
    ).network
      .create({ network: "localhost", override: { url: spec[0].rpcUrl } })
      .then((connection) => connection.ethers.getSigners());
    const stablecoin = TestStablecoin__factory.connect(
      JSON.parse(readFileSync(join(spec[0].deploymentsDir, "TestStablecoin.json"), "utf8")).address,
      signer,
    );
    for (let i = 0; i < LIVE_SAMPLES; i++) {
      const receipt = await (await stablecoin.mint(signer.address, 1_000_000n)).wait();
      const mined = Date.now();
      for (;;) {
        const status = (await fetch(`${indexer.url}/v1/status`).then((response) => response.json())) as {
          chains: { indexedBlock: number | null }[];
        };
        if ((status.chains[0].indexedBlock ?? -1) >= receipt!.blockNumber) break;
        await sleep(25);
      }
      lags.push(Date.now() - mined);
      await sleep(300);
    }
    lags.sort((a, b) => a - b);
    const indexing = (caught - serving) / 1000;
    return {
      database: label,
      startupSeconds: ((serving - started) / 1000).toFixed(1),
      indexingSeconds: indexing.toFixed(1),
      eventsPerSecond: Math.round(events / indexing),
      liveLagMedianMs: lags[Math.floor(lags.length / 2)],
      liveLagMaxMs: lags[lags.length - 1],
      peakMemoryMb: Math.round(peak),
    };
  } finally {
    clearInterval(sampler);
    await indexer.stop();
    provider.destroy();
  }
}

async function main() {
  const node = await startLocalNode();
  const cleanups: (() => Promise<void>)[] = [() => node.stop()];
  try {
    console.log(`Playing the demo scenario (${periods} periods) on ${node.url}`);
    const chain = await playDemo(node.url, { periods });
    cleanups.push(() => chain.close());
    const provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 });
    const chainId = Number((await provider.getNetwork()).chainId);
    const head = await provider.getBlockNumber();
    provider.destroy();
    const addresses = readdirSync(chain.deploymentsDir)
      .filter((file) => file.endsWith(".json") && file !== "Stablecoin.json")
      .map((file) => JSON.parse(readFileSync(join(chain.deploymentsDir, file), "utf8")).address as string);

    // The node's own rate: every log of the deployed contracts from block 0, and each block that has one.
    const fetchStarted = Date.now();
    const logs: { blockNumber: string }[] = await rpc(node.url, "eth_getLogs", [
      { fromBlock: "0x0", toBlock: "latest", address: addresses },
    ]);
    for (const block of new Set(logs.map((log) => log.blockNumber))) {
      await rpc(node.url, "eth_getBlockByNumber", [block, false]);
    }
    const fetchSeconds = (Date.now() - fetchStarted) / 1000;
    // The tranche notes (created by the vault) are indexed too; their transfers are a handful more.
    const events = logs.length;
    console.log(
      `${events} events in ${head} blocks; the node serves them with their blocks in ${fetchSeconds.toFixed(1)} s`,
    );

    const spec = [{ chainId, rpcUrl: node.url, deploymentsDir: chain.deploymentsDir }];
    const rows = [];
    const pglite = await createStore();
    const savedUrl = process.env.DATABASE_URL;
    try {
      delete process.env.DATABASE_URL;
      rows.push(await measure("PGlite", pglite, spec, events));
    } finally {
      if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
      await pglite.drop();
    }
    if (process.env.DATABASE_URL) {
      const postgres = await createStore();
      try {
        rows.push(await measure("Postgres", postgres, spec, events));
      } finally {
        await postgres.drop();
      }
    } else {
      console.log("Postgres: skipped (set DATABASE_URL to a server the benchmark may create a database on)");
    }
    console.log(`\nnode: ${Math.round(events / fetchSeconds)} events/s (eth_getLogs from block 0 plus their blocks)`);
    console.table(rows);
  } finally {
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  }
}

await main();
