// Runs the indexer (indexer/bin/run.js) as a separate process against local nodes, on PGlite in a fresh temporary
// folder, or on a fresh Postgres database when DATABASE_URL is set (a server the tests may create databases on).
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { setupLogger } from "named-logs-console";

import { runScenario } from "../../tasks/demo/scenario.js";
import { PROJECT_ROOT, freePort } from "../helpers/node.js";

export const RUN_JS = join(PROJECT_ROOT, "indexer", "bin", "run.js");

export interface IndexedChain {
  chainId: number;
  rpcUrl: string;
  deploymentsDir: string;
}

export const chainsEnv = (chains: IndexedChain[]) =>
  chains.map((chain) => `${chain.chainId}=${chain.rpcUrl}=${chain.deploymentsDir}`).join(",");

/** Where one indexer keeps its data: a PGlite folder, or its own Postgres database when DATABASE_URL is set. */
export interface IndexerStore {
  readonly env: NodeJS.ProcessEnv;
  readonly kind: "pglite" | "postgres";
  drop(): Promise<void>;
}

const indexerRequire = createRequire(join(PROJECT_ROOT, "indexer", "package.json"));

async function withPostgres<T>(url: string, run: (client: any) => Promise<T>): Promise<T> {
  const pg = indexerRequire("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createStore(): Promise<IndexerStore> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `joulestack_test_${randomBytes(6).toString("hex")}`;
    await withPostgres(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      kind: "postgres",
      env: { DATABASE_URL: url.toString() },
      drop: () => withPostgres(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
    };
  }
  const folder = mkdtempSync(join(tmpdir(), "joulestack-indexer-"));
  return {
    kind: "pglite",
    env: { DATABASE_URL: "", JOULESTACK_INDEXER_DATA: join(folder, "pglite") },
    drop: async () => rmSync(folder, { recursive: true, force: true }),
  };
}

export interface RunningIndexer {
  readonly url: string;
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `indexer/bin/run.js start` on a free port and resolves once its HTTP server answers. */
export async function startIndexer(chains: IndexedChain[], store: IndexerStore, timeoutMs = 120_000) {
  const port = await freePort();
  const child = spawn(process.execPath, [RUN_JS, "start"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...store.env, JOULESTACK_CHAINS: chainsEnv(chains), PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const indexer: RunningIndexer = {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      // run.js stops Ponder and exits; it is killed outright if that takes longer than it should.
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the indexer exited (${child.exitCode}):\n${output}`);
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return indexer;
    await sleep(250);
  }
  await indexer.stop();
  throw new Error(`the indexer did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Freshness {
  caughtUp: boolean;
  chains: { chainId: number; indexedBlock: number | null; headBlock: number | null; caughtUp: boolean }[];
}

/** Polls /v1/status until every chain's indexed block is its head; returns that status. */
export async function waitCaughtUp(indexer: RunningIndexer, timeoutMs = 180_000): Promise<Freshness> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (indexer.process.exitCode !== null) throw new Error(`the indexer exited:\n${indexer.output()}`);
    last = await fetch(`${indexer.url}/v1/status`).then(
      (response) => (response.ok ? response.json() : response.status),
      (error) => String(error),
    );
    if ((last as Freshness)?.caughtUp === true) return last as Freshness;
    await sleep(250);
  }
  throw new Error(
    `the indexer did not catch up within ${timeoutMs} ms (last status ${JSON.stringify(last)}):\n${indexer.output().slice(-3000)}`,
  );
}

export async function getJson<T = any>(indexer: RunningIndexer, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${indexer.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

/** Every row of a Ponder GraphQL list field, page by page. */
export async function graphqlAll<T = any>(indexer: RunningIndexer, field: string, where: string, fields: string) {
  const rows: T[] = [];
  let after: string | null = null;
  for (;;) {
    const query = `{ ${field}(where: ${where}, limit: 1000${after ? `, after: ${JSON.stringify(after)}` : ""}) { items { ${fields} } pageInfo { hasNextPage endCursor } } }`;
    const response = await fetch(`${indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as any;
    if (body.errors) throw new Error(`GraphQL ${field}: ${JSON.stringify(body.errors)}`);
    const page = body.data[field];
    rows.push(...page.items);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

export interface PlayedChain {
  provider: EthereumProvider;
  ethers: HardhatEthers;
  networkHelpers: NetworkHelpers;
  deploymentsDir: string;
  close(): Promise<void>;
}

/** Deploys the suite on a node (recording the deployments in a fresh folder) and plays the demo scenario on it. */
export async function playDemo(
  rpcUrl: string,
  options: { periods?: number; play?: boolean } = {},
): Promise<PlayedChain> {
  setupLogger(["rocketh", "@rocketh/node"], { enabled: false });
  const folder = mkdtempSync(join(tmpdir(), "joulestack-deployments-"));
  const connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
  const { provider, ethers, networkHelpers } = connection;
  const saveDeployments = { folder, environment: "localhost" };
  // The demo certifies RECs of one vintage month from its first hours: start it on the first of a month, as the
  // in-process demo does (the node's clock can only move forward).
  const latest = await ethers.provider.getBlock("latest");
  const now = new Date(latest!.timestamp * 1000);
  const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000;
  await networkHelpers.time.increaseTo(nextMonth);
  if (options.play === false) {
    const { loadAndExecuteDeploymentsFromFiles } = await import("../../rocketh/environment.js");
    await loadAndExecuteDeploymentsFromFiles({
      provider,
      environment: "localhost",
      saveDeployments: true,
      config: { deployments: folder },
    });
  } else {
    await runScenario(provider, ethers, networkHelpers, {
      periods: options.periods ?? 2,
      devices: 2,
      agents: 2,
      seed: 7,
      saveDeployments,
    });
  }
  return {
    provider,
    ethers,
    networkHelpers,
    deploymentsDir: join(folder, "localhost"),
    close: async () => {
      // Closing waits for the node, which a test may have stopped already: never wait long for it.
      await Promise.race([connection.close(), sleep(5_000)]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Runs `indexer/bin/run.js check` and resolves with its exit code and output. */
export async function checkSetup(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN_JS, "check"], { cwd: PROJECT_ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
