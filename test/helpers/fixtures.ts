import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { toBeHex, zeroPadValue } from "ethers";
import { setupLogger } from "named-logs-console";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import { TestStablecoin__factory } from "../../typechain-types/index.js";

// Deploy scripts log every transaction; tests only want their own output.
setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

let deployments = 0;

/**
 * Options for a deploy run in a test fixture: the deploy scripts go through the CREATE2 factory as on every chain,
 * with a salt of their own, so that each fixture gets fresh contracts even on a chain where an earlier fixture
 * deployed the suite (see `saltOf` in rocketh/deploy.ts).
 */
export function freshDeployment(): { extra: { salt: string } } {
  deployments += 1;
  return { extra: { salt: zeroPadValue(toBeHex(deployments), 32) } };
}

/**
 * Runs the project's own `deploy/` scripts on the given chain and returns the deployed contracts as TypeChain
 * bindings, so that tests exercise exactly what gets deployed.
 */
export async function deploySuite(provider: EthereumProvider, ethers: HardhatEthers, tags?: string[]) {
  const env = await loadAndExecuteDeploymentsFromFiles({ provider, tags, ...freshDeployment() });
  const [deployer] = await ethers.getSigners();
  const stablecoin = TestStablecoin__factory.connect(env.get("TestStablecoin").address, deployer);
  return { env, deployer, stablecoin };
}
