import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { setupLogger } from "named-logs-console";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import {
  InvestorRegistry__factory,
  TestStablecoin__factory,
  TrancheNote__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";
import { freshDeployment } from "./fixtures.js";

setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

/** Runs the `finance` deploy scripts and returns the registry, the example vault and its three notes. */
export async function deployFinance(provider: EthereumProvider, ethers: HardhatEthers) {
  const env = await loadAndExecuteDeploymentsFromFiles({ provider, tags: ["finance"], ...freshDeployment() });
  const [deployer] = await ethers.getSigners();
  const stablecoin = TestStablecoin__factory.connect(env.get("TestStablecoin").address, deployer);
  const registry = InvestorRegistry__factory.connect(env.get("InvestorRegistry").address, deployer);
  const vault = TrancheVault__factory.connect(env.get("TrancheVault").address, deployer);
  const notes = await Promise.all(
    [0n, 1n, 2n].map(async (id) => TrancheNote__factory.connect((await vault.tranche(id)).note, deployer)),
  );
  return { env, deployer, stablecoin, registry, vault, notes };
}
