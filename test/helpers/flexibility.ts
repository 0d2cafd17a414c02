import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { Signer, TypedDataDomain } from "ethers";
import type { EthereumProvider } from "hardhat/types/providers";

import { encodeBytes32String } from "ethers";
import { setupLogger } from "named-logs-console";

import { METER_READING_TYPES } from "../../sdk/energy.js";
import { DELIVERY_ATTESTATION_TYPES } from "../../sdk/flexibility.js";
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

/** Signs a meter reading as `signer` under a kWh token's EIP-712 domain (read with `meteredEnergyDomain`). */
export async function signReading(
  signer: Signer,
  domain: TypedDataDomain,
  reading: { deviceId: bigint; cumulativeWh: bigint; timestamp: bigint },
): Promise<string> {
  return signer.signTypedData(domain, METER_READING_TYPES, reading);
}

/**
 * Signs a delivery attestation as `signer` under a market's EIP-712 domain (read with `flexibilityMarketDomain`);
 * the attestation names its verifier, `signer` itself unless given.
 */
export async function signAttestation(
  signer: Signer,
  domain: TypedDataDomain,
  attestation: { commitmentId: bigint; deliveredWh: bigint; verifier?: string },
): Promise<string> {
  return signer.signTypedData(domain, DELIVERY_ATTESTATION_TYPES, {
    ...attestation,
    verifier: attestation.verifier ?? (await signer.getAddress()),
  });
}
