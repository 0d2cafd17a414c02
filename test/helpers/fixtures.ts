import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { setupLogger } from "named-logs-console";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import { TestStablecoin__factory } from "../../typechain-types/index.js";

// Deploy scripts log every transaction; tests only want their own output.
setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

/**
 * Runs the project's own `deploy/` scripts on the given chain and returns the deployed contracts as TypeChain
 * bindings, so that tests exercise exactly what gets deployed.
 */
export async function deploySuite(provider: EthereumProvider, ethers: HardhatEthers, tags?: string[]) {
  const env = await loadAndExecuteDeploymentsFromFiles({ provider, tags });
  const [deployer] = await ethers.getSigners();
  const stablecoin = TestStablecoin__factory.connect(env.get("TestStablecoin").address, deployer);
  return { env, deployer, stablecoin };
}
