// Reads what the indexer indexes: the chains named in JOULESTACK_CHAINS, the deployment records hardhat-deploy wrote
// for each (`deployments/<network>/*.json`: address, deployment block, chain), and the contracts' ABIs from the
// compiled artifacts. Shared by the launcher (bin/run.js), which checks it against the RPCs, and ponder.config.ts.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { decodeAbiParameters, getContractAddress } from "viem";

export const INDEXER_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const PROJECT_ROOT = resolve(INDEXER_ROOT, "..");

/** A setup problem, reported as one line naming what is wrong. */
export class SetupError extends Error {}

/** The deployed contracts the indexer needs on every chain, with the artifact folder of each. */
export const CONTRACTS = {
  DeviceRegistry: "energy",
  MeteredEnergy: "energy",
  RenewableCertificates: "certificates",
  FlexibilityMarket: "flexibility",
  ComputeMarket: "compute",
  InvestorRegistry: "compliance",
  TrancheVault: "finance",
};
/** Indexed when the deployment has it (public networks settle in an existing stablecoin instead). */
export const OPTIONAL_CONTRACTS = { TestStablecoin: "tokens" };
/** Deployed by the vault's constructor, one per tranche, so they have no record of their own. */
export const NOTE_CONTRACT = { TrancheNote: "finance" };

/**
 * Parses `chainId=rpcUrl=deploymentsDir` entries separated by commas, spaces or new lines. The URL may itself contain
 * `=`: the chain id ends at the first `=` and the folder starts after the last one. Relative folders are resolved
 * against the project root.
 */
export function parseChains(text) {
  if (text === undefined || text.trim() === "") {
    throw new SetupError(
      "JOULESTACK_CHAINS is not set: give chainId=rpcUrl=deploymentsDir, e.g. 31337=http://127.0.0.1:8545=deployments/localhost",
    );
  }
  const chains = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const first = entry.indexOf("=");
      const last = entry.lastIndexOf("=");
      if (first <= 0 || last === first) {
        throw new SetupError(`JOULESTACK_CHAINS entry "${entry}" is not chainId=rpcUrl=deploymentsDir`);
      }
      const chainId = Number(entry.slice(0, first));
      const rpcUrl = entry.slice(first + 1, last);
      const dir = entry.slice(last + 1);
      if (!Number.isSafeInteger(chainId) || chainId <= 0) {
        throw new SetupError(`JOULESTACK_CHAINS entry "${entry}": chain id "${entry.slice(0, first)}" is not a number`);
      }
      if (!/^https?:\/\//.test(rpcUrl)) {
        throw new SetupError(`JOULESTACK_CHAINS entry for chain ${chainId}: "${rpcUrl}" is not an http(s) RPC URL`);
      }
      if (dir === "") throw new SetupError(`JOULESTACK_CHAINS entry for chain ${chainId} names no deployments folder`);
      return { chainId, rpcUrl, deploymentsDir: isAbsolute(dir) ? dir : resolve(PROJECT_ROOT, dir) };
    });
  const seen = new Set();
  for (const { chainId } of chains) {
    if (seen.has(chainId)) throw new SetupError(`JOULESTACK_CHAINS names chain ${chainId} twice`);
    seen.add(chainId);
  }
  return chains;
}

function readJson(file, what) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SetupError(`${what} ${file} is not readable JSON (${error.code ?? error.message})`);
  }
}

/** The ABI of a contract from the compiled artifacts (`npm run build` writes them). */
export function artifactAbi(name, folder, artifactsDir = join(PROJECT_ROOT, "artifacts")) {
  const file = join(artifactsDir, "contracts", folder, `${name}.sol`, `${name}.json`);
  if (!existsSync(file)) throw new SetupError(`the compiled artifact ${file} is missing: run \`npm run build\``);
  return readJson(file, "artifact").abi;
}

const eventSignatures = (abi) =>
  abi
    .filter((item) => item.type === "event")
    .map((event) => `${event.name}(${event.inputs.map((input) => input.type).join(",")})`)
    .sort();

function readRecord(dir, chainId, name) {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) return undefined;
  const record = readJson(file, `chain ${chainId}: deployment record`);
  const startBlock = Number(record.receipt?.blockNumber);
  if (!/^0x[0-9a-fA-F]{40}$/.test(record.address ?? "") || !Number.isSafeInteger(startBlock)) {
    throw new SetupError(`chain ${chainId}: deployment record ${file} has no address or deployment block`);
  }
  return { file, address: record.address, startBlock, abi: record.abi ?? [], argsData: record.argsData };
}

/** The tranche notes of a vault: created by its constructor one per tranche, at the vault's nonces 1, 2, ... */
function noteAddresses(vault, vaultAbi) {
  const constructor = vaultAbi.find((item) => item.type === "constructor");
  if (!constructor || !vault.argsData) {
    throw new SetupError(`deployment record ${vault.file} has no constructor arguments to find the tranche notes`);
  }
  const [, tranches] = decodeAbiParameters(constructor.inputs, vault.argsData);
  return tranches.map((_, index) => getContractAddress({ from: vault.address, nonce: BigInt(index + 1) }));
}

/**
 * Everything the indexer needs, read from the environment, the deployment records and the artifacts. Throws a
 * SetupError naming the first thing that is missing or inconsistent.
 */
export function readSetup(env = process.env) {
  const specs = parseChains(env.JOULESTACK_CHAINS);
  const abis = {};
  for (const [name, folder] of Object.entries({ ...CONTRACTS, ...OPTIONAL_CONTRACTS, ...NOTE_CONTRACT })) {
    abis[name] = artifactAbi(name, folder, env.JOULESTACK_ARTIFACTS);
  }
  const chains = specs.map((spec) => {
    const { chainId, deploymentsDir } = spec;
    if (!existsSync(deploymentsDir)) {
      throw new SetupError(`chain ${chainId}: the deployments folder ${deploymentsDir} does not exist`);
    }
    const marker = join(deploymentsDir, ".chain");
    const recorded = existsSync(marker) ? readJson(marker, `chain ${chainId}: chain record`) : undefined;
    if (recorded?.chainId !== undefined && Number(recorded.chainId) !== chainId) {
      throw new SetupError(
        `chain ${chainId}: the deployments in ${deploymentsDir} were made on chain ${recorded.chainId}, not ${chainId}`,
      );
    }
    const contracts = {};
    for (const name of Object.keys({ ...CONTRACTS, ...OPTIONAL_CONTRACTS })) {
      const record = readRecord(deploymentsDir, chainId, name);
      if (record === undefined) {
        if (name in OPTIONAL_CONTRACTS) continue;
        const present = readdirSync(deploymentsDir).filter((file) => file.endsWith(".json"));
        throw new SetupError(
          `chain ${chainId}: no deployment record ${name}.json in ${deploymentsDir}` +
            (present.length === 0 ? " (the folder has none: deploy first)" : ""),
        );
      }
      // The records carry the ABI they were deployed with; indexing them with other events would miss logs.
      const recordEvents = eventSignatures(record.abi).join(";");
      if (record.abi.length > 0 && recordEvents !== eventSignatures(abis[name]).join(";")) {
        throw new SetupError(
          `chain ${chainId}: ${record.file} was deployed with other events than artifacts/ has for ${name}: redeploy or rebuild`,
        );
      }
      contracts[name] = record;
    }
    const notes = noteAddresses(contracts.TrancheVault, abis.TrancheVault);
    return {
      ...spec,
      name: `chain${chainId}`,
      genesisHash: recorded?.genesisHash,
      local: isLoopback(spec.rpcUrl),
      contracts,
      notes,
    };
  });
  return { chains, abis };
}

export function isLoopback(url) {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}

/** Where PGlite keeps its files when DATABASE_URL is unset. */
export function pgliteDirectory(env = process.env) {
  return env.JOULESTACK_INDEXER_DATA ? resolve(env.JOULESTACK_INDEXER_DATA) : join(INDEXER_ROOT, ".ponder", "pglite");
}
