/**
 * The chain an agent entry point (the MCP server, the x402 endpoint) works against: a JSON-RPC provider, the key it
 * signs with and the addresses of the Joulestack contracts it uses.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { JsonRpcProvider, NonceManager, Wallet, getAddress } from "ethers";

import { type DeploymentName, getDeployment } from "../../sdk/deployments.js";

/** The contracts the agent entry points use. */
export interface AgentAddresses {
  readonly market: string;
  readonly stablecoin: string;
  readonly energy: string;
  readonly certificates: string;
  readonly registry: string;
  /** The tranche vault whose status `vault_status` reports (absent when the deployment has none). */
  readonly vault?: string;
}

export interface AgentChain {
  readonly provider: JsonRpcProvider;
  /** The signing account, behind a nonce manager so that concurrent calls do not reuse a nonce. */
  readonly signer: NonceManager;
  readonly address: string;
  readonly chainId: bigint;
  readonly addresses: AgentAddresses;
  /** The first block worth reading events from (the market's deployment block, or 0). */
  readonly fromBlock: number;
  close(): void;
}

/** The environment variables the entry points read. */
export const AGENT_ENV = {
  rpcUrl: "JOULESTACK_RPC_URL",
  privateKey: "JOULESTACK_AGENT_PRIVATE_KEY",
  deployments: "JOULESTACK_DEPLOYMENTS",
} as const;

const NAMES: Record<keyof AgentAddresses, DeploymentName[]> = {
  market: ["ComputeMarket"],
  stablecoin: ["TestStablecoin", "Stablecoin"],
  energy: ["MeteredEnergy"],
  certificates: ["RenewableCertificates"],
  registry: ["DeviceRegistry"],
  vault: ["TrancheVault"],
};

/**
 * Reads the addresses from a folder of deployment records (`<Name>.json` with an `address`, as `hardhat deploy`
 * writes them), or, without a folder, from the package's address book for `chainId`.
 */
export function loadAddresses(chainId: bigint, folder?: string): { addresses: AgentAddresses; fromBlock: number } {
  const found: Partial<Record<keyof AgentAddresses, string>> = {};
  let fromBlock = 0;
  for (const [key, names] of Object.entries(NAMES) as [keyof AgentAddresses, DeploymentName[]][]) {
    for (const name of names) {
      let record: { address?: string; receipt?: { blockNumber?: number | string } } | undefined;
      if (folder !== undefined) {
        const file = join(folder, `${name}.json`);
        if (existsSync(file)) record = JSON.parse(readFileSync(file, "utf8"));
      } else {
        const contract = getDeployment(chainId).contracts[name];
        if (contract !== undefined)
          record = { address: contract.address, receipt: { blockNumber: contract.blockNumber } };
      }
      if (record?.address === undefined) continue;
      found[key] = getAddress(record.address);
      if (key === "market" && record.receipt?.blockNumber !== undefined) fromBlock = Number(record.receipt.blockNumber);
      break;
    }
    if (found[key] === undefined && key !== "vault") {
      const where = folder === undefined ? `the address book for chain ${chainId}` : folder;
      throw new Error(`no ${names.join(" or ")} deployment record in ${where}`);
    }
  }
  return { addresses: found as AgentAddresses, fromBlock };
}

/** Connects to `rpcUrl` with `privateKey` and the deployment found in `deployments` (or the address book). */
export async function connectAgentChain(options: {
  rpcUrl: string;
  privateKey: string;
  deployments?: string;
}): Promise<AgentChain> {
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { cacheTimeout: -1 });
  const { chainId } = await provider.getNetwork();
  const wallet = new Wallet(options.privateKey, provider);
  const { addresses, fromBlock } = loadAddresses(chainId, options.deployments);
  return {
    provider,
    signer: new NonceManager(wallet),
    address: wallet.address,
    chainId,
    addresses,
    fromBlock,
    close: () => provider.destroy(),
  };
}

/** Reads the connection settings from the environment; names the first variable that is missing. */
export function agentChainOptionsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const required = (name: string) => {
    const value = env[name];
    if (value === undefined || value === "") throw new Error(`set ${name}`);
    return value;
  };
  return {
    rpcUrl: required(AGENT_ENV.rpcUrl),
    privateKey: required(AGENT_ENV.privateKey),
    deployments: env[AGENT_ENV.deployments] || undefined,
  };
}
