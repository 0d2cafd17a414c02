import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { Signer } from "ethers";
import type { EthereumProvider } from "hardhat/types/providers";

import { encodeBytes32String } from "ethers";
import { setupLogger } from "named-logs-console";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import {
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  MeteredEnergy__factory,
  TestStablecoin__factory,
} from "../../typechain-types/index.js";
import { freshDeployment } from "./fixtures.js";

setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

export const ZONE = encodeBytes32String("ERCOT-NORTH");
export const OTHER_ZONE = encodeBytes32String("CAISO");
export const HOUR = 3600n;
/** DeviceRegistry.DeviceKind */
export const Kind = { Solar: 0, Hydro: 2, Battery: 6, FlexibleLoad: 7 } as const;
/** IFlexibilityMarket.Direction */
export const Direction = { Export: 0, ConsumeLess: 1 } as const;

/** Deploys the stablecoin, the energy layer and the market with their own deploy scripts. */
export async function deployFlexibility(provider: EthereumProvider, ethers: HardhatEthers) {
  const env = await loadAndExecuteDeploymentsFromFiles({ provider, tags: ["flexibility"], ...freshDeployment() });
  const [deployer] = await ethers.getSigners();
  return {
    deployer,
    stablecoin: TestStablecoin__factory.connect(env.get("TestStablecoin").address, deployer),
    registry: DeviceRegistry__factory.connect(env.get("DeviceRegistry").address, deployer),
    energy: MeteredEnergy__factory.connect(env.get("MeteredEnergy").address, deployer),
    market: FlexibilityMarket__factory.connect(env.get("FlexibilityMarket").address, deployer),
  };
}

/** Signs a meter reading as `signer` under the given kWh token's EIP-712 domain. */
export async function signReading(
  signer: Signer,
  domain: { chainId: bigint; verifyingContract: string },
  reading: { deviceId: bigint; cumulativeWh: bigint; timestamp: bigint },
): Promise<string> {
  return signer.signTypedData(
    { name: "Joulestack Metered Energy", version: "1", ...domain },
    {
      MeterReading: [
        { name: "deviceId", type: "uint256" },
        { name: "cumulativeWh", type: "uint256" },
        { name: "timestamp", type: "uint64" },
      ],
    },
    reading,
  );
}

/** Signs a delivery attestation as `verifier` under the market's EIP-712 domain. */
export async function signAttestation(
  verifier: Signer,
  domain: { chainId: bigint; verifyingContract: string },
  attestation: { commitmentId: bigint; deliveredWh: bigint },
): Promise<string> {
  return verifier.signTypedData(
    { name: "Joulestack Flexibility Market", version: "1", ...domain },
    {
      DeliveryAttestation: [
        { name: "commitmentId", type: "uint256" },
        { name: "deliveredWh", type: "uint256" },
      ],
    },
    attestation,
  );
}
