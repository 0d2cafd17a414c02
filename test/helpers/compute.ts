import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { Wallet, encodeBytes32String, getAddress, id, type Signer } from "ethers";
import { setupLogger } from "named-logs-console";

import { meteredEnergyDomain, signReading } from "../../sdk/energy.js";
import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
  type DeviceRegistry,
  type MeteredEnergy,
} from "../../typechain-types/index.js";
import { freshDeployment } from "./fixtures.js";

setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

export const HOUR = 3600n;
export const ZONE = encodeBytes32String("ERCOT-NORTH");
export const OTHER_ZONE = encodeBytes32String("CAISO");
/** Device kinds, in the order of `IDeviceRegistry.DeviceKind`. */
export const Kind = { Solar: 0, Wind: 1, Nuclear: 5, GridImport: 8 } as const;

/** Runs the stablecoin, energy, certificate and compute deploy scripts and connects the deployed contracts. */
export async function deployComputeSuite(provider: EthereumProvider, ethers: HardhatEthers) {
  const env = await loadAndExecuteDeploymentsFromFiles({
    provider,
    tags: ["stablecoin", "energy", "certificates", "compute"],
    ...freshDeployment(),
  });
  const [deployer] = await ethers.getSigners();
  const connect = <T>(factory: { connect(address: string, runner: Signer): T }, name: string) =>
    factory.connect(getAddress(env.get(name).address), deployer);
  return {
    env,
    deployer,
    stablecoin: connect(TestStablecoin__factory, "TestStablecoin"),
    registry: connect(DeviceRegistry__factory, "DeviceRegistry"),
    energy: connect(MeteredEnergy__factory, "MeteredEnergy"),
    certificates: connect(RenewableCertificates__factory, "RenewableCertificates"),
    market: connect(ComputeMarket__factory, "ComputeMarket"),
  };
}

/** A deterministic meter key (meters sign readings but never send transactions). */
export function meterKey(label: string): Wallet {
  return new Wallet(id(`joulestack compute test meter ${label}`));
}

/** Registers a device of `kind` in `zone`, owned by `owner`, as the registry's registrar; returns its id. */
export async function registerDevice(
  registry: DeviceRegistry,
  signer: Wallet,
  owner: string,
  kind: number,
  zone: string,
): Promise<bigint> {
  await (
    await registry.registerDevice({
      signer: signer.address,
      owner,
      kind,
      capacityW: 5_000_000n,
      gridZone: zone,
      commissionedAt: 1_700_000_000n,
      metadataURI: "ipfs://device",
    })
  ).wait();
  return registry.deviceCount();
}

/**
 * Submits signed meter readings for `deviceId` at `timestamps` (each inside the clock hour of the previous one), with
 * the cumulative counter rising by `deltasWh[i]` at reading `i`. A device's first reading only sets its baseline and
 * is the owner's act: it goes through `resumeMetering`, sent by the device's owner (one of the node's accounts).
 */
export async function meter(
  energy: MeteredEnergy,
  signer: Wallet,
  deviceId: bigint,
  timestamps: bigint[],
  deltasWh: bigint[],
): Promise<void> {
  const provider = energy.runner!.provider! as unknown as { getSigner(address: string): Promise<Signer> };
  const domain = await meteredEnergyDomain(await energy.getAddress(), energy.runner!);
  const state = await energy.meterState(deviceId);
  let cumulativeWh = state.cumulativeWh;
  const readings = [];
  const signatures = [];
  for (let i = 0; i < timestamps.length; i++) {
    cumulativeWh += deltasWh[i];
    const reading = { deviceId, cumulativeWh, timestamp: timestamps[i] };
    readings.push(reading);
    signatures.push(await signReading(signer, domain, reading));
  }
  if (state.timestamp === 0n && readings.length > 0) {
    const registry = DeviceRegistry__factory.connect(await energy.registry(), energy.runner);
    const owner = await provider.getSigner((await registry.meteringProfile(deviceId)).owner);
    await (await energy.connect(owner).resumeMetering(readings.shift()!, signatures.shift()!)).wait();
  }
  if (readings.length > 0) await (await energy.submitReadings(readings, signatures)).wait();
}
