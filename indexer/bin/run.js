#!/usr/bin/env node
// Starts the indexer: reads JOULESTACK_CHAINS and the deployment records, checks every chain's RPC (reachable, the
// chain id it claims, the chain the records were made on, code at every address), clears data indexed from an
// earlier chain, then runs `ponder start` (or `dev`) and stops it on SIGINT/SIGTERM. Any setup problem ends in one
// line naming what is wrong, and exit code 2.
//
//   JOULESTACK_CHAINS=31337=http://127.0.0.1:8545=deployments/localhost node indexer/bin/run.js start
//
// Environment: DATABASE_URL (Postgres; PGlite in JOULESTACK_INDEXER_DATA or indexer/.ponder/pglite when unset),
// DATABASE_SCHEMA (Postgres; default "joulestack"), PORT (default 42069), HOSTNAME (default 127.0.0.1).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { INDEXER_ROOT, SetupError, pgliteDirectory, readSetup } from "../lib/setup.js";

async function rpc(url, method, params = []) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new SetupError(`the RPC ${url} is not reachable (${error.cause?.code ?? error.name ?? error.message})`);
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok || body?.result === undefined) {
    throw new SetupError(
      `the RPC ${url} failed ${method} (HTTP ${response.status}${body?.error ? `: ${body.error.message}` : ""})`,
    );
  }
  return body.result;
}

/** Checks each chain against its RPC; returns what identifies the chains' current histories. */
async function checkChains(setup) {
  const identity = [];
  for (const chain of setup.chains) {
    const where = `chain ${chain.chainId}`;
    const served = Number(await rpc(chain.rpcUrl, "eth_chainId").catch(prefix(where)));
    if (served !== chain.chainId) {
      throw new SetupError(`${where}: the RPC ${chain.rpcUrl} serves chain ${served}, not ${chain.chainId}`);
    }
    const genesis = await rpc(chain.rpcUrl, "eth_getBlockByNumber", ["0x0", false]).catch(prefix(where));
    if (chain.genesisHash && genesis.hash !== chain.genesisHash) {
      throw new SetupError(
        `${where}: the deployments in ${chain.deploymentsDir} were made on another chain (genesis ${chain.genesisHash}, the RPC's is ${genesis.hash}): deploy again`,
      );
    }
    for (const [name, record] of Object.entries(chain.contracts)) {
      const code = await rpc(chain.rpcUrl, "eth_getCode", [record.address, "latest"]).catch(prefix(where));
      if (code === "0x") {
        throw new SetupError(`${where}: no contract at ${record.address}, the ${name} address in ${record.file}`);
      }
    }
    identity.push({ chainId: chain.chainId, genesis: genesis.hash, contracts: chain.contracts, notes: chain.notes });
  }
  return createHash("sha256")
    .update(JSON.stringify(identity, (key, value) => (key === "abi" || key === "argsData" ? undefined : value)))
    .digest("hex");
}

const prefix = (where) => (error) => {
  throw error instanceof SetupError ? new SetupError(`${where}: ${error.message}`) : error;
};

/**
 * A local node restarted is a new chain under the same id, and Ponder would reuse what it stored of the old one.
 * So the data is kept only while the chains are the same ones (same genesis blocks and addresses).
 */
async function clearDataOfOtherChains(fingerprint, schema) {
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    try {
      await client.connect();
    } catch (error) {
      throw new SetupError(`DATABASE_URL: cannot connect to Postgres (${error.code ?? error.message})`);
    }
    try {
      await client.query(
        "CREATE TABLE IF NOT EXISTS public.joulestack_indexer (schema_name text PRIMARY KEY, fingerprint text NOT NULL)",
      );
      const { rows } = await client.query("SELECT fingerprint FROM public.joulestack_indexer WHERE schema_name = $1", [
        schema,
      ]);
      if (rows[0]?.fingerprint !== fingerprint) {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.query("DROP SCHEMA IF EXISTS ponder_sync CASCADE");
        await client.query(
          "INSERT INTO public.joulestack_indexer VALUES ($1, $2) ON CONFLICT (schema_name) DO UPDATE SET fingerprint = $2",
          [schema, fingerprint],
        );
      }
    } finally {
      await client.end();
    }
    return;
  }
  const directory = pgliteDirectory(process.env);
  const stamp = join(directory, "..", `${directory.split(/[\\/]/).pop()}.chains`);
  const previous = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : undefined;
  if (previous !== `${schema}:${fingerprint}`) {
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(join(directory, ".."), { recursive: true });
    writeFileSync(stamp, `${schema}:${fingerprint}\n`);
  }
}

async function main() {
  const command = process.argv[2] ?? "start";
  if (!["start", "dev", "check"].includes(command))
    throw new SetupError(`unknown command "${command}" (start, dev, check)`);
  const setup = readSetup(process.env);
  const fingerprint = await checkChains(setup);
  if (command === "check") {
    console.log(`indexer: ${setup.chains.length} chain(s) ready: ${setup.chains.map((c) => c.chainId).join(", ")}`);
    return;
  }
  // PGlite has the folder to itself: its tables live in "public", where SQL over HTTP (/sql/*) looks for them.
  const schema = process.env.DATABASE_SCHEMA || (process.env.DATABASE_URL ? "joulestack" : "public");
  await clearDataOfOtherChains(fingerprint, schema);

  const ponder = join(INDEXER_ROOT, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
  const args = [
    ponder,
    command,
    "--root",
    INDEXER_ROOT,
    "--schema",
    schema,
    "--port",
    process.env.PORT ?? "42069",
    "--hostname",
    process.env.HOSTNAME_BIND ?? "127.0.0.1",
    ...process.argv.slice(3),
  ];
  const child = spawn(process.execPath, args, {
    stdio: "inherit",
    env: { ...process.env, DATABASE_SCHEMA: schema },
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      child.kill(signal);
      // Ponder stops in a few seconds; if it hangs (e.g. on an RPC that went away), it is killed.
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error) => {
  if (error instanceof SetupError) {
    console.error(`indexer: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
