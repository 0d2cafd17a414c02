import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { setupLogger } from "named-logs-console";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import {
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  InvestorRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
  TrancheNote__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";

setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

/**
 * Runs every deploy script and returns each production contract connected to the deployer (who holds every role the
 * scripts hand out), keyed by contract name, plus the example vault's first note as the `TrancheNote`.
 */
export async function deployEverything(provider: EthereumProvider, ethers: HardhatEthers) {
  const env = await loadAndExecuteDeploymentsFromFiles({ provider });
  const [deployer] = await ethers.getSigners();
  const vault = TrancheVault__factory.connect(env.get("TrancheVault").address, deployer);
  const contracts = {
    TestStablecoin: TestStablecoin__factory.connect(env.get("TestStablecoin").address, deployer),
    DeviceRegistry: DeviceRegistry__factory.connect(env.get("DeviceRegistry").address, deployer),
    MeteredEnergy: MeteredEnergy__factory.connect(env.get("MeteredEnergy").address, deployer),
    RenewableCertificates: RenewableCertificates__factory.connect(env.get("RenewableCertificates").address, deployer),
    FlexibilityMarket: FlexibilityMarket__factory.connect(env.get("FlexibilityMarket").address, deployer),
    InvestorRegistry: InvestorRegistry__factory.connect(env.get("InvestorRegistry").address, deployer),
    TrancheVault: vault,
    TrancheNote: TrancheNote__factory.connect((await vault.tranche(0n)).note, deployer),
  };
  return { env, deployer, contracts };
}
