import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { Wallet, encodeBytes32String, id, type Signer, type TypedDataDomain } from "ethers";
import { setupLogger } from "named-logs-console";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  InvestorRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
  TrancheNote__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";
import {
  METER_READING_TYPES,
  batchIdOfReading,
  certificateIdOfBatch,
  meteredEnergyDomain,
  type MeterReading,
} from "../../sdk/energy.js";
import { freshDeployment } from "./fixtures.js";

setupLogger(["rocketh", "@rocketh/node"], { enabled: false });

/**
 * Runs every deploy script and returns each production contract connected to the deployer (who holds every role the
 * scripts hand out), keyed by contract name, plus the example vault's first note as the `TrancheNote`.
 */
export async function deployEverything(provider: EthereumProvider, ethers: HardhatEthers) {
  const env = await loadAndExecuteDeploymentsFromFiles({ provider, ...freshDeployment() });
  const [deployer] = await ethers.getSigners();
  const vault = TrancheVault__factory.connect(env.get("TrancheVault").address, deployer);
  const contracts = {
    TestStablecoin: TestStablecoin__factory.connect(env.get("TestStablecoin").address, deployer),
    DeviceRegistry: DeviceRegistry__factory.connect(env.get("DeviceRegistry").address, deployer),
    MeteredEnergy: MeteredEnergy__factory.connect(env.get("MeteredEnergy").address, deployer),
    RenewableCertificates: RenewableCertificates__factory.connect(env.get("RenewableCertificates").address, deployer),
    FlexibilityMarket: FlexibilityMarket__factory.connect(env.get("FlexibilityMarket").address, deployer),
    ComputeMarket: ComputeMarket__factory.connect(env.get("ComputeMarket").address, deployer),
    InvestorRegistry: InvestorRegistry__factory.connect(env.get("InvestorRegistry").address, deployer),
    TrancheVault: vault,
    TrancheNote: TrancheNote__factory.connect((await vault.tranche(0n)).note, deployer),
  };
  return { env, deployer, contracts };
}

/** One hour in seconds. */
export const HOUR = 3600n;
/** One REC in Wh. */
export const MWH = 1_000_000n;

/**
 * Everything deployed, plus a solar device of `producer` (meter key `meter`, 4 MW) that produced 3 MWh in one hour:
 * 1 MWh certified into one REC, 1 MWh locked in a pending issuance request (id 2), 1 MWh still held as kWh.
 * Returns `reading(offset, wh)` to sign further readings, and the clock at the last accepted reading.
 */
export async function deployEnergyScenario(
  provider: EthereumProvider,
  ethers: HardhatEthers,
  time: { latest(): Promise<number>; increaseTo(t: bigint): Promise<void> },
) {
  const suite = await deployEverything(provider, ethers);
  const { DeviceRegistry: registry, MeteredEnergy: energy, RenewableCertificates: certificates } = suite.contracts;
  const [, producer, other] = await ethers.getSigners();
  const meter = new Wallet(id("joulestack security meter"));
  const { chainId } = await ethers.provider.getNetwork();
  const domain = await meteredEnergyDomain(await energy.getAddress(), ethers.provider);

  await registry.registerDevice({
    signer: meter.address,
    owner: producer.address,
    kind: 0,
    capacityW: 4n * MWH,
    gridZone: encodeBytes32String("ERCOT-NORTH"),
    commissionedAt: 1_700_000_000n,
    metadataURI: "",
  });
  const deviceId = 1n;
  const start = (BigInt(await time.latest()) / HOUR + 2n) * HOUR;
  await time.increaseTo(start + HOUR);
  const sign = (reading: MeterReading, key: Signer = meter, onDomain: TypedDataDomain = domain) =>
    key.signTypedData(onDomain, METER_READING_TYPES, { ...reading });
  // The owner starts metering; the next reading, an hour later, mints.
  const baseline = { deviceId, cumulativeWh: 500n, timestamp: start };
  await energy.connect(producer).resumeMetering(baseline, await sign(baseline));
  const reading = { deviceId, cumulativeWh: 500n + 3n * MWH, timestamp: start + HOUR };
  await energy.submitReading(reading, await sign(reading));
  const batch = batchIdOfReading(deviceId, start + HOUR);
  const rec = certificateIdOfBatch(batch);
  await energy.connect(producer).setApprovalForAll(await certificates.getAddress(), true);
  await certificates.connect(producer).requestIssuance([batch], [MWH]);
  await certificates.certify(1n, [batch], [MWH], "ipfs://evidence");
  await certificates.connect(producer).requestIssuance([batch], [MWH]);
  return { ...suite, producer, other, meter, domain, chainId, deviceId, batch, rec, lastReadingAt: start + HOUR, sign };
}
