import type { NetworkUserConfig } from "hardhat/types/config";

import { configVariable } from "hardhat/config";

/** A public network Joulestack is configured for. Its RPC URL comes from `<PREFIX>_RPC_URL`. */
export interface PublicNetwork {
  readonly name: string;
  readonly chainId: number;
  readonly envPrefix: string;
  readonly chainType: "l1" | "op";
}

export const PUBLIC_NETWORKS: readonly PublicNetwork[] = [
  { name: "sepolia", chainId: 11155111, envPrefix: "SEPOLIA", chainType: "l1" },
  { name: "baseSepolia", chainId: 84532, envPrefix: "BASE_SEPOLIA", chainType: "op" },
  { name: "arbitrumSepolia", chainId: 421614, envPrefix: "ARBITRUM_SEPOLIA", chainType: "l1" },
  { name: "optimismSepolia", chainId: 11155420, envPrefix: "OP_SEPOLIA", chainType: "op" },
];

/**
 * The public networks as Hardhat network configs. Their URL and deployer key are configuration variables, read
 * from the environment (`.env` is loaded by dotenv) only when that network is used, so every other network and the
 * tests run without them, and a missing variable fails with an error that names it. Without DEPLOYER_PRIVATE_KEY a
 * network has no account: read-only tasks (`device show`, `vault show`, ...) still work, and a task that must sign
 * says which variable to set.
 */
export function publicNetworks(): Record<string, NetworkUserConfig> {
  return Object.fromEntries(
    PUBLIC_NETWORKS.map((network) => [
      network.name,
      {
        type: "http",
        chainType: network.chainType,
        chainId: network.chainId,
        url: configVariable(`${network.envPrefix}_RPC_URL`),
        accounts: process.env.DEPLOYER_PRIVATE_KEY?.trim() ? [configVariable("DEPLOYER_PRIVATE_KEY")] : [],
      } satisfies NetworkUserConfig,
    ]),
  );
}
