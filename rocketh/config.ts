import type { UserConfig } from "rocketh/types";

import * as deployExtension from "@rocketh/deploy";
import * as readExecuteExtension from "@rocketh/read-execute";

/**
 * Named accounts used by the deploy scripts. On the local chains they are the first unlocked accounts; on a public
 * network every name resolves to the single deployer key, which then hands roles over with operator tasks.
 */
export const config = {
  accounts: {
    deployer: { default: 0 },
  },
  data: {},
  chains: {
    // Hardhat's chain id is shared by several local node implementations, so name it explicitly.
    31337: {
      info: {
        id: 31337,
        name: "Hardhat",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
        testnet: true,
      },
    },
  },
} as const satisfies UserConfig;

export const extensions = { ...deployExtension, ...readExecuteExtension };

export type Extensions = typeof extensions;
export type Accounts = typeof config.accounts;
export type Data = typeof config.data;
