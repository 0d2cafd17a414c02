/**
 * A compute market for agents to shop in, on a running node: the suite deployed with the project's deploy scripts
 * (records saved in a fresh folder, as the MCP server and the x402 endpoint read them), two GPU clusters with one
 * delivered window each as a track record, a green one in ERCOT-NORTH whose delivery was matched hour by hour with
 * its own solar kWh and a cheap one in CAISO that proved no carbon-free energy, and then new windows of each on sale.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Wallet, getAddress, id, parseEther, parseUnits, type Signer } from "ethers";
import { network } from "hardhat";
import { setupLogger } from "named-logs-console";

import { DeviceKind, batchId, gridZone, meteredEnergyDomain, signReading } from "../../sdk/energy.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  TestStablecoin__factory,
} from "../../sdk/contracts.js";
import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";

const HOUR = 3_600n;
export const USDC = (dollars: string) => parseUnits(dollars, 6);
const WH_PER_GPU_HOUR = 1_000n;

export interface SeededCluster {
  readonly clusterId: bigint;
  readonly zone: string;
  /** The window on sale. */
  readonly creditId: bigint;
  readonly pricePerGpuHour: bigint;
  readonly capacity: bigint;
  /** The delivered window of its track record. */
  readonly pastCreditId: bigint;
}

export interface SeededMarket {
  readonly rpcUrl: string;
  readonly deploymentsDir: string;
  readonly addresses: { market: string; stablecoin: string };
  readonly green: SeededCluster;
  readonly cheap: SeededCluster;
  /** A key with ETH (and `agentFunds` stablecoin) for each name asked for. */
  readonly keys: Record<string, string>;
  /** Moves the node's clock to `timestamp` and mines a block. */
  timeTravel(timestamp: bigint): Promise<void>;
  /** Records `gpuHours` delivered for `creditId` (after its end), their energy unproven. */
  deliver(creditId: bigint, gpuHours: bigint): Promise<void>;
  close(): Promise<void>;
}

/** Deploys and seeds the market on the node at `rpcUrl`; `agents` names the funded agent keys to create. */
export async function seedAgentMarket(
  rpcUrl: string,
  options: { agents: readonly string[]; agentFunds?: bigint; seed?: string } = { agents: [] },
): Promise<SeededMarket> {
  setupLogger(["rocketh", "@rocketh/node"], { enabled: false });
  const folder = mkdtempSync(join(tmpdir(), "joulestack-agents-"));
  const connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
  const { provider, ethers } = connection;
  const env = await loadAndExecuteDeploymentsFromFiles({
    provider,
    environment: "localhost",
    saveDeployments: true,
    config: { deployments: folder },
  });
  const [deployer, greenProvider, cheapProvider, historyBuyer] = await ethers.getSigners();
  const at = (name: string) => getAddress(env.get(name).address);
  const stablecoin = TestStablecoin__factory.connect(at("TestStablecoin"), deployer);
  const registry = DeviceRegistry__factory.connect(at("DeviceRegistry"), deployer);
  const energy = MeteredEnergy__factory.connect(at("MeteredEnergy"), deployer);
  const market = ComputeMarket__factory.connect(at("ComputeMarket"), deployer);
  const marketAddress = await market.getAddress();
  const mined = async (sent: Promise<{ wait(): Promise<unknown> }>) => (await sent).wait();
  const latest = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const timeTravel = async (timestamp: bigint) => {
    await ethers.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
    await ethers.provider.send("evm_mine", []);
  };

  // A solar farm in ERCOT-NORTH owned by the green provider, whose meter signs its readings.
  const seed = options.seed ?? "joulestack agents";
  const meter = new Wallet(id(`${seed}: solar meter`));
  await mined(
    registry.registerDevice({
      signer: meter.address,
      owner: greenProvider.address,
      kind: DeviceKind.Solar,
      capacityW: 2_000_000n,
      gridZone: gridZone("ERCOT-NORTH"),
      commissionedAt: (await latest()) - 86_400n,
      metadataURI: "ipfs://joulestack-agents/solar",
    }),
  );
  const solar = await registry.deviceCount();

  const register = async (owner: Signer, zone: string, gpuCount: number) => {
    const asProvider = market.connect(owner);
    await mined(
      asProvider.registerCluster({
        gpuClass: "H100-SXM",
        gpuCount,
        gridZone: gridZone(zone),
        minWhPerGpuHour: 500,
        maxWhPerGpuHour: 1_500,
        operator: await owner.getAddress(),
        payout: await owner.getAddress(),
        payoutIsIntake: false,
      }),
    );
    const clusterId = await market.clusterCount();
    await mined(stablecoin.mint(await owner.getAddress(), USDC("10000")));
    await mined(stablecoin.connect(owner).approve(marketAddress, USDC("10000")));
    await mined(asProvider.postBond(clusterId, USDC("10000")));
    return clusterId;
  };
  const greenId = await register(greenProvider, "ERCOT-NORTH", 4);
  const cheapId = await register(cheapProvider, "CAISO", 2);

  // The track record: one hour of each cluster, bought, redeemed and delivered.
  const pastStart = ((await latest()) / HOUR + 1n) * HOUR;
  const offer = async (owner: Signer, clusterId: bigint, start: bigint, hours: bigint, price: bigint) => {
    await mined(market.connect(owner).offerWindow(clusterId, start, hours, price));
    return market.creditId(clusterId, start);
  };
  const pastGreen = await offer(greenProvider, greenId, pastStart, 1n, USDC("2.6"));
  const pastCheap = await offer(cheapProvider, cheapId, pastStart, 1n, USDC("1.8"));
  await mined(stablecoin.mint(historyBuyer.address, USDC("100")));
  await mined(stablecoin.connect(historyBuyer).approve(marketAddress, USDC("100")));
  const history = market.connect(historyBuyer);
  await mined(history.buy(pastGreen, 4, historyBuyer.address));
  await mined(history.buy(pastCheap, 2, historyBuyer.address));
  // Redeemed before the window starts: a redemption is for GPU-hours from its time to the end, in whole hours.
  await mined(history.redeem(historyBuyer.address, pastGreen, 4, id("history: green job")));
  await mined(history.redeem(historyBuyer.address, pastCheap, 2, id("history: cheap job")));
  const pastEnd = pastStart + HOUR;
  await timeTravel(pastEnd + 60n);

  // The solar meter read 5 kWh over the window's hour; the green provider burns 4 kWh of it for the 4 GPU-hours.
  const domain = await meteredEnergyDomain(await energy.getAddress(), ethers.provider);
  const readings = [
    { deviceId: solar, cumulativeWh: 0n, timestamp: pastStart - HOUR },
    { deviceId: solar, cumulativeWh: 0n, timestamp: pastStart },
    { deviceId: solar, cumulativeWh: 5_000n, timestamp: pastEnd },
  ];
  const signatures = await Promise.all(readings.map((reading) => signReading(meter, domain, reading)));
  await mined(energy.connect(greenProvider).resumeMetering(readings[0], signatures[0]));
  await mined(energy.submitReadings(readings.slice(1), signatures.slice(1)));
  await mined(energy.connect(greenProvider).setApprovalForAll(marketAddress, true));
  const used = 4n * WH_PER_GPU_HOUR;
  const report = (gpuHours: bigint, batches: bigint[], amounts: bigint[]) => ({
    gpuHoursDelivered: gpuHours,
    whUsed: gpuHours * WH_PER_GPU_HOUR,
    kwhBatchIds: batches,
    kwhAmountsWh: amounts,
    recIds: [],
    recAmounts: [],
  });
  await mined(
    market.connect(greenProvider).recordDelivery(pastGreen, report(4n, [batchId(solar, pastStart / HOUR)], [used])),
  );
  await mined(market.connect(cheapProvider).recordDelivery(pastCheap, report(2n, [], [])));

  // On sale now: the green cluster, 4 GPUs for 3 hours at 2.60; the cheap one, 2 GPUs for 2 hours at 2.00.
  const saleStart = ((await latest()) / HOUR + 2n) * HOUR;
  const green = {
    clusterId: greenId,
    zone: "ERCOT-NORTH",
    creditId: await offer(greenProvider, greenId, saleStart, 3n, USDC("2.6")),
    pricePerGpuHour: USDC("2.6"),
    capacity: 12n,
    pastCreditId: pastGreen,
  };
  const cheap = {
    clusterId: cheapId,
    zone: "CAISO",
    creditId: await offer(cheapProvider, cheapId, saleStart, 2n, USDC("2")),
    pricePerGpuHour: USDC("2"),
    capacity: 4n,
    pastCreditId: pastCheap,
  };

  const keys: Record<string, string> = {};
  for (const name of options.agents) {
    const wallet = new Wallet(id(`${seed}: agent ${name}`));
    keys[name] = wallet.privateKey;
    await mined(deployer.sendTransaction({ to: wallet.address, value: parseEther("1") }));
    if ((options.agentFunds ?? USDC("100")) > 0n)
      await mined(stablecoin.mint(wallet.address, options.agentFunds ?? USDC("100")));
  }

  const providers = new Map([
    [greenId, greenProvider],
    [cheapId, cheapProvider],
  ]);
  return {
    rpcUrl,
    deploymentsDir: join(folder, "localhost"),
    addresses: { market: marketAddress, stablecoin: await stablecoin.getAddress() },
    green,
    cheap,
    keys,
    timeTravel,
    deliver: async (creditId: bigint, gpuHours: bigint) => {
      const owner = providers.get(creditId >> 64n)!;
      await mined(market.connect(owner).recordDelivery(creditId, report(gpuHours, [], [])));
    },
    close: async () => {
      await connection.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
