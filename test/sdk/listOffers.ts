import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Wallet, encodeBytes32String, id } from "ethers";

import { signPurchaseAuthorization } from "../../sdk/authorization.js";
import { bestOffer, listOffers } from "../../sdk/offers.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
} from "../../typechain-types/index.js";
import { HOUR, Kind, ZONE, meter, registerDevice } from "../helpers/compute.js";
import { DEV_MNEMONIC, type LocalNode, startLocalNode } from "../helpers/node.js";

const USD = (amount: bigint) => amount * 1_000_000n;

/**
 * listOffers against a real `hardhat node` over HTTP: two clusters (ERCOT-NORTH with one recorded delivery 75%
 * carbon-free, CAISO with none and a bond that covers only part of its window), a window that started, a sold-out
 * window and two open ones; then bestOffer over what was read, and the purchases it chose, gasless.
 */
describe("sdk/offers listOffers on a local node", function () {
  this.timeout(300_000);
  let node: LocalNode;

  before(async function () {
    node = await startLocalNode();
  });

  after(async function () {
    await node?.stop();
  });

  it("reads every open window with its price, zone, remaining credits and carbon-free share", async function () {
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const [deployer, providerA, providerB, buyer] = [0, 1, 2, 3].map((i) =>
      HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider),
    );
    const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
    const usd = await (await new TestStablecoin__factory(deployer).deploy(deployer.address)).waitForDeployment();
    const registry = await (await new DeviceRegistry__factory(deployer).deploy(deployer.address)).waitForDeployment();
    const energy = await (
      await new MeteredEnergy__factory(deployer).deploy(await registry.getAddress(), deployer.address)
    ).waitForDeployment();
    const recs = await (
      await new RenewableCertificates__factory(deployer).deploy(await energy.getAddress(), deployer.address)
    ).waitForDeployment();
    const market = await (
      await new ComputeMarket__factory(deployer).deploy(
        await usd.getAddress(),
        await energy.getAddress(),
        await recs.getAddress(),
        "",
      )
    ).waitForDeployment();
    const marketAddress = await market.getAddress();
    await send(registry.grantRole(await registry.REGISTRAR_ROLE(), deployer.address));
    const solarKey = new Wallet(id("joulestack offers solar meter"));
    const solar = await registerDevice(registry, solarKey, providerA.address, Kind.Solar, ZONE);

    const cluster = (gridZone: string, gpuCount: number, who: HDNodeWallet) =>
      send(
        market.connect(who).registerCluster({
          gpuClass: "H100-SXM",
          gpuCount,
          gridZone,
          minWhPerGpuHour: 500,
          maxWhPerGpuHour: 1000,
          operator: who.address,
          payout: who.address,
          payoutIsIntake: false,
        }),
      );
    await cluster(ZONE, 4, providerA);
    await cluster(encodeBytes32String("CAISO"), 8, providerB);
    for (const [who, bond] of [
      [providerA, USD(1000n)],
      [providerB, USD(30n)],
    ] as const) {
      await send(usd.mint(who.address, bond));
      await send(usd.connect(who).approve(marketAddress, bond));
      await send(market.connect(who).postBond(who === providerA ? 1n : 2n, bond));
    }
    await send(usd.mint(buyer.address, USD(1000n)));
    await send(usd.connect(buyer).approve(marketAddress, USD(1000n)));

    const now = BigInt((await provider.getBlock("latest"))!.timestamp);
    const h0 = (now / HOUR + 2n) * HOUR;
    await send(market.connect(providerA).offerWindow(1n, h0, 1n, USD(2n))); // runs, then delivers
    await send(market.connect(providerA).offerWindow(1n, h0 + 3n * HOUR, 1n, 1_500_000n)); // open
    await send(market.connect(providerA).offerWindow(1n, h0 + 6n * HOUR, 1n, USD(1n))); // sold out below
    await send(market.connect(providerB).offerWindow(2n, h0 + 5n * HOUR, 2n, USD(3n))); // 16 unsold, bond for 10
    const [ran, openA, soldOut, openB] = await Promise.all([
      market.creditId(1n, h0),
      market.creditId(1n, h0 + 3n * HOUR),
      market.creditId(1n, h0 + 6n * HOUR),
      market.creditId(2n, h0 + 5n * HOUR),
    ]);
    await send(market.connect(buyer).buy(ran, 2n, buyer.address));
    await send(market.connect(buyer).buy(soldOut, 4n, buyer.address));

    // Before any delivery: the ERCOT window that has not started is listed with an undefined share.
    const before = await listOffers(provider, marketAddress);
    expect(before.map((o) => o.creditId)).to.deep.equal([ran, openA, openB]);
    expect(before.every((o) => o.carbonFreePpm === undefined)).to.equal(true);

    // The first window runs: redeem, meter 1.5 kWh of solar in its hour, record 2 GPU-hours using 2 kWh.
    await provider.send("evm_setNextBlockTimestamp", [Number(h0)]);
    await send(market.connect(buyer).redeem(buyer.address, ran, 2n, id("job")));
    await provider.send("evm_setNextBlockTimestamp", [Number(h0 + HOUR)]);
    await provider.send("evm_mine", []);
    await meter(energy.connect(deployer), solarKey, solar, [h0, h0 + HOUR], [0n, 1_500n]);
    await send(energy.connect(providerA).setApprovalForAll(marketAddress, true));
    await send(
      market.connect(providerA).recordDelivery(ran, {
        gpuHoursDelivered: 2n,
        whUsed: 2_000n,
        kwhBatchIds: [await energy.batchId(solar, h0 / HOUR)],
        kwhAmountsWh: [1_500n],
        recIds: [],
        recAmounts: [],
      }),
    );

    const offers = await listOffers(provider, marketAddress);
    expect(
      offers.map((o) => [
        o.creditId,
        o.clusterId,
        o.zone,
        o.pricePerGpuHour,
        o.windowStart,
        o.windowEnd,
        o.unsoldGpuHours,
        o.remainingGpuHours,
        o.carbonFreePpm,
      ]),
    ).to.deep.equal([
      [openA, 1n, "ERCOT-NORTH", 1_500_000n, h0 + 3n * HOUR, h0 + 4n * HOUR, 4n, 4n, 750_000n],
      [openB, 2n, "CAISO", USD(3n), h0 + 5n * HOUR, h0 + 7n * HOUR, 16n, 10n, undefined],
    ]);
    expect(offers[0].deliveredWh).to.deep.equal({ carbonFree: 1_500n, used: 2_000n, deliveries: 1 });
    const all = await listOffers(provider, marketAddress, { includeSoldOut: true });
    expect(all.map((o) => [o.creditId, o.remainingGpuHours])).to.deep.equal([
      [openA, 4n],
      [soldOut, 0n],
      [openB, 10n],
    ]);

    // The cheapest 8 GPU-hours: all 4 of the ERCOT window, then 4 in CAISO. Bought gasless, as chosen.
    const choice = bestOffer(offers, { gpuHours: 8n, objective: "price" });
    if (choice.kind !== "allocation") throw new Error(choice.reason);
    expect(choice.parts.map((p) => [p.offer.creditId, p.gpuHours])).to.deep.equal([
      [openA, 4n],
      [openB, 4n],
    ]);
    expect(choice.totalCost).to.equal(4n * 1_500_000n + 4n * USD(3n));
    for (const part of choice.parts) {
      const signed = await signPurchaseAuthorization(buyer, {
        market: marketAddress,
        creditId: part.offer.creditId,
        gpuHours: part.gpuHours,
        validBefore: part.offer.windowStart,
      });
      await send(market.connect(deployer).buyWithAuthorization(...signed.args));
    }
    const after = await listOffers(provider, marketAddress);
    expect(after.map((o) => [o.creditId, o.remainingGpuHours])).to.deep.equal([[openB, 6n]]);

    // Greenest with a floor of 50%: only the ERCOT window qualified, and it is now sold out.
    expect(
      bestOffer(after, { gpuHours: 1n, objective: "carbon", constraints: { minCarbonFreeShare: 0.5 } }),
    ).to.deep.include({ kind: "cannot-fill", available: 0n, bound: ["minCarbonFreeShare"] });
  });
});
