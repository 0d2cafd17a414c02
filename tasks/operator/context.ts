import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type ContractRunner, type ContractTransactionResponse, type TransactionReceipt, Wallet } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { DeploymentName } from "../../sdk/deployments.js";
import { JOULESTACK_ABIS, decodeRevert, describeError } from "../../sdk/errors.js";
import { formatAmount, parseAmount } from "../../sdk/units.js";
import { TestStablecoin__factory } from "../../typechain-types/index.js";

/** The deployed contracts an operator task can address, by their deployment record names. */
export type { DeploymentName } from "../../sdk/deployments.js";

/** What every operator task works with: the selected network, its first account and its deployment records. */
export interface Operator {
  readonly ethers: HardhatEthers;
  /** The network's first account; reading it on a network without one fails with a hint to configure a key. */
  readonly signer: HardhatEthersSigner;
  /** The signer when the network has an account, else the provider: enough for read-only tasks. */
  readonly runner: ContractRunner;
  readonly networkName: string;
  readonly chainId: bigint;
  /** The address of a deployed contract: `override` when given, else the network's deployment record. */
  address(name: DeploymentName, override?: string): string;
  /** Whether the network's deployment records include `name`. */
  hasDeployment(name: DeploymentName): boolean;
  /**
   * Who signs for an investor or holder: the wallet whose private key is in the environment variable `keyEnv`,
   * or the network's first account when `keyEnv` is empty.
   */
  account(keyEnv: string): Promise<HardhatEthersSigner | Wallet>;
  /** The block a deployment was mined in (0 when the record does not say), to bound event queries. */
  deploymentBlock(name: DeploymentName): number;
  /** Sends a transaction, waits for it, and prints what it was, its hash and its gas. */
  send(label: string, transaction: Promise<ContractTransactionResponse>): Promise<TransactionReceipt>;
  /** The settlement stablecoin's decimals and symbol, read once. */
  stablecoin(
    asset: string,
  ): Promise<{ decimals: number; symbol: string; parse(text: string): bigint; format(value: bigint): string }>;
}

interface DeploymentRecord {
  address: string;
  receipt?: { blockNumber?: string | number };
}

/**
 * Wraps an operator action: it connects to the selected network and, when anything fails, prints the decoded
 * custom error (`Name(arg=value)`) instead of a stack trace of hex, and makes the process exit non-zero.
 */
export function operatorAction<ArgsT>(
  action: (args: ArgsT, operator: Operator) => Promise<void>,
): (args: ArgsT, hre: HardhatRuntimeEnvironment) => Promise<void> {
  return async (args, hre) => {
    try {
      const operator = await connectOperator(hre);
      await action(args, operator);
    } catch (error) {
      console.error(`Error: ${describeTaskError(error)}`);
      process.exitCode = 1;
    }
  };
}

/**
 * One line for any failure: a decoded custom error, or the first line of the message. A configuration variable
 * Hardhat could not find (a network's RPC URL, the deployer key) is named with where to set it: `.env`.
 */
export function describeTaskError(error: unknown): string {
  const described = describeError(error, JOULESTACK_ABIS);
  // Hardhat's own message, or hardhat-keystore's when it is asked first (e.g. for its development keystore).
  const missing =
    /Configuration Variable "([A-Za-z0-9_]+)" not found/.exec(described) ??
    /Key "([A-Za-z0-9_]+)" not found in the (?:development )?keystore/.exec(described);
  if (missing !== null) {
    return `the environment variable ${missing[1]} is not set: add it to .env (see .env.example) or export it in the shell`;
  }
  return described.split("\n")[0].trim();
}

/**
 * Simulates a call before its approval is sent: it passes when the call would succeed or fail only with one of
 * the `tolerated` errors (typically the missing allowance the next step grants), and throws anything else.
 */
export async function preflight(simulation: Promise<unknown>, tolerated: readonly string[]): Promise<void> {
  try {
    await simulation;
  } catch (error) {
    const decoded = decodeRevert(error, JOULESTACK_ABIS);
    if (decoded === undefined || !tolerated.some((name) => decoded.startsWith(`${name}(`))) throw error;
  }
}

async function connectOperator(hre: HardhatRuntimeEnvironment): Promise<Operator> {
  const { ethers, networkName } = await hre.network.getOrCreate();
  const [firstSigner] = await ethers.getSigners();
  const signer = (): HardhatEthersSigner => {
    if (firstSigner === undefined) {
      throw new Error(
        `network ${networkName} has no account to sign with: set DEPLOYER_PRIVATE_KEY in .env (see .env.example) or export it in the shell`,
      );
    }
    return firstSigner;
  };
  const { chainId } = await ethers.provider.getNetwork();
  const directory = join(hre.config.paths.root, "deployments", networkName);
  const records = new Map<string, DeploymentRecord>();

  const record = (name: DeploymentName): DeploymentRecord => {
    const cached = records.get(name);
    if (cached !== undefined) return cached;
    const file = join(directory, `${name}.json`);
    if (!existsSync(file)) {
      if (networkName === "default" || networkName === "hardhat") {
        throw new Error(
          `the in-process network "${networkName}" starts empty: pass --network localhost (after \`npm run node\` and \`npm run deploy -- --network localhost\`) or a testnet`,
        );
      }
      throw new Error(
        `no deployment of ${name} on network "${networkName}" (${file}): run \`npm run deploy -- --network ${networkName}\` or pass its address`,
      );
    }
    let parsed: DeploymentRecord;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord;
    } catch (error) {
      throw new Error(
        `the deployment record ${file} is not valid JSON (${(error as Error).message}): redeploy, or restore the file`,
      );
    }
    if (typeof parsed?.address !== "string" || !ethers.isAddress(parsed.address)) {
      throw new Error(`the deployment record ${file} has no valid "address" field: redeploy, or restore the file`);
    }
    records.set(name, parsed);
    return parsed;
  };

  const tokens = new Map<string, Awaited<ReturnType<Operator["stablecoin"]>>>();

  return {
    ethers,
    get signer() {
      return signer();
    },
    runner: firstSigner ?? ethers.provider,
    networkName,
    chainId,
    address(name, override) {
      if (override !== undefined && override !== "") {
        if (!ethers.isAddress(override)) throw new Error(`"${override}" is not an address`);
        return ethers.getAddress(override);
      }
      return ethers.getAddress(record(name).address);
    },
    hasDeployment(name) {
      return records.has(name) || existsSync(join(directory, `${name}.json`));
    },
    async account(keyEnv) {
      if (keyEnv === "") return signer();
      const key = process.env[keyEnv]?.trim();
      if (key === undefined || key === "") throw new Error(`--key-env ${keyEnv}: the environment variable is not set`);
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
        throw new Error(`--key-env ${keyEnv}: the variable does not hold a 32-byte hex private key`);
      }
      return new Wallet(key.startsWith("0x") ? key : `0x${key}`, ethers.provider);
    },
    deploymentBlock(name) {
      const block = record(name).receipt?.blockNumber;
      return block === undefined ? 0 : Number(block);
    },
    async send(label, transaction) {
      const response = await transaction;
      const receipt = await response.wait();
      if (receipt === null) throw new Error(`${label}: the transaction ${response.hash} was dropped`);
      console.log(
        `${label}: tx ${receipt.hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed.toLocaleString("en-US")})`,
      );
      return receipt;
    },
    async stablecoin(asset) {
      const cached = tokens.get(asset);
      if (cached !== undefined) return cached;
      const token = TestStablecoin__factory.connect(asset, firstSigner ?? ethers.provider);
      const [decimals, symbol] = await Promise.all([token.decimals(), token.symbol()]);
      const info = {
        decimals: Number(decimals),
        symbol,
        parse: (text: string) => parseAmount(text, Number(decimals)),
        format: (value: bigint) => `${formatAmount(value, Number(decimals))} ${symbol}`,
      };
      tokens.set(asset, info);
      return info;
    },
  };
}
