import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { Wallet, getAddress, id } from "ethers";
import { setupLogger } from "named-logs-console";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import {
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  type DeviceRegistry,
} from "../../typechain-types/index.js";
import type { IDeviceRegistry } from "../../typechain-types/energy/DeviceRegistry.js";
import {
  DeviceKind,
  gridZone,
  meteredEnergyDomain,
  signReading,
  type MeterReading,
  type TypedDataSigner,
} from "../../sdk/energy.js";
import { freshDeployment } from "./fixtures.js";

setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

/** One hour in seconds, as a bigint for reading timestamps. */
export const HOUR = 3600n;

/**
 * Runs the energy and certificate deploy scripts and returns the contracts connected to the deployer (admin,
 * registrar, issuer and pauser), plus the kWh token's EIP-712 domain for signing readings.
 */
export async function deployEnergySuite(provider: EthereumProvider, ethers: HardhatEthers) {
  const env = await loadAndExecuteDeploymentsFromFiles({
    provider,
    tags: ["energy", "certificates"],
    ...freshDeployment(),
  });
  const [deployer] = await ethers.getSigners();
  const registry = DeviceRegistry__factory.connect(getAddress(env.get("DeviceRegistry").address), deployer);
  const energy = MeteredEnergy__factory.connect(getAddress(env.get("MeteredEnergy").address), deployer);
  const certificates = RenewableCertificates__factory.connect(
    getAddress(env.get("RenewableCertificates").address),
    deployer,
  );
  const { chainId } = await ethers.provider.getNetwork();
  const domain = await meteredEnergyDomain(await energy.getAddress(), deployer);
  return { env, deployer, registry, energy, certificates, domain, chainId };
}

/** A deterministic meter key that is not one of the node's accounts (meters never send transactions). */
export function meterKey(label: string): Wallet {
  return new Wallet(id(`joulestack meter ${label}`));
}

/** A registration for a device, with the fields a test does not care about filled in. */
export function registration(
  fields: Partial<IDeviceRegistry.DeviceRegistrationStruct> & { signer: string; owner: string },
): IDeviceRegistry.DeviceRegistrationStruct {
  return {
    kind: DeviceKind.Solar,
    capacityW: 100_000n,
    gridZone: gridZone("ERCOT-NORTH"),
    commissionedAt: 1_700_000_000n,
    metadataURI: "ipfs://device",
    ...fields,
  };
}

/** Registers a device as the registry's connected registrar and returns its id. */
export async function registerDevice(
  registry: DeviceRegistry,
  device: IDeviceRegistry.DeviceRegistrationStruct,
): Promise<bigint> {
  await (await registry.registerDevice(device)).wait();
  return registry.deviceCount();
}

/** A reading and its signature by `signer`, ready for `submitReading`. */
export async function signedReading(
  signer: TypedDataSigner,
  domain: Awaited<ReturnType<typeof deployEnergySuite>>["domain"],
  reading: MeterReading,
): Promise<[MeterReading, string]> {
  return [reading, await signReading(signer, domain, reading)];
}
