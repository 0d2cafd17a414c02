import { expect } from "chai";
import { id as keccakId, type Signer } from "ethers";
import { network } from "hardhat";

import { signPermit } from "../../sdk/permit.js";

import { readLineage } from "../../sdk/lineage.js";
import { decodeMetadata, isoHour } from "../helpers/metadata.js";
import type { TestStablecoin } from "../../typechain-types/index.js";
import {
  HOUR,
  Kind,
  OTHER_ZONE,
  ZONE,
  deployComputeSuite,
  meter,
  meterKey,
  registerDevice,
} from "../helpers/compute.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const PRICE = USD("2");
const JOB = keccakId("job: fine-tune llama, agent alice");

async function permitFor(stablecoin: TestStablecoin, owner: Signer, spender: string, value: bigint) {
  const deadline = BigInt(await networkHelpers.time.latest()) + HOUR;
  const signature = await signPermit(owner, await stablecoin.getAddress(), spender, value, deadline);
  return { deadline, v: signature.v, r: signature.r, s: signature.s };
}

/**
 * A 1,024-GPU H100 cluster in ERCOT-NORTH (500 to 1,000 Wh per GPU-hour) with 10,000 USD of bond and a three-hour
 * window two hours from now at 2 USD per GPU-hour; a solar and a wind meter in the same zone and a wind meter in
 * CAISO, all owned by the provider; three agent wallets with 5,000 USD each.
 */
async function computeFixture() {
  const suite = await deployComputeSuite(provider, ethers);
  const { stablecoin, registry, energy, certificates, market } = suite;
  const [, providerSigner, operator, payout, alice, bob, carol] = await ethers.getSigners();
  const solarKey = meterKey("solar");
  const windKey = meterKey("wind");
  const caisoKey = meterKey("caiso wind");
  const solar = await registerDevice(registry, solarKey, providerSigner.address, Kind.Solar, ZONE);
  const wind = await registerDevice(registry, windKey, providerSigner.address, Kind.Wind, ZONE);
  const caiso = await registerDevice(registry, caisoKey, providerSigner.address, Kind.Wind, OTHER_ZONE);

  const asProvider = market.connect(providerSigner);
  await asProvider.registerCluster({
    gpuClass: "H100-SXM",
    gpuCount: 1024,
    gridZone: ZONE,
    minWhPerGpuHour: 500,
    maxWhPerGpuHour: 1000,
    operator: operator.address,
    payout: payout.address,
    payoutIsIntake: false,
  });
  const clusterId = await market.clusterCount();
  await stablecoin.mint(providerSigner.address, USD("10000"));
  await stablecoin.connect(providerSigner).approve(await market.getAddress(), USD("10000"));
  await asProvider.postBond(clusterId, USD("10000"));
  await energy.connect(providerSigner).setApprovalForAll(await market.getAddress(), true);
  await certificates.connect(providerSigner).setApprovalForAll(await market.getAddress(), true);
  await energy.connect(providerSigner).setApprovalForAll(await certificates.getAddress(), true);

  const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
  await asProvider.offerWindow(clusterId, start, 3, PRICE);
  const creditId = await market.creditId(clusterId, start);
  for (const agent of [alice, bob, carol]) await stablecoin.mint(agent.address, USD("5000"));

  return {
    ...suite,
    providerSigner,
    operator,
    payout,
    alice,
    bob,
    carol,
    solarKey,
    windKey,
    caisoKey,
    solar,
    wind,
    caiso,
    clusterId,
    start,
    end: start + 3n * HOUR,
    creditId,
  };
}

type Fixture = Awaited<ReturnType<typeof computeFixture>>;

/** Alice buys 1,500 GPU-hours (approve, then buy) and Bob 500 (permit), then the window starts and Alice redeems. */
async function soldAndRedeemedFixture() {
  const f = await computeFixture();
  const { market, stablecoin, alice, bob, creditId, start } = f;
  await stablecoin.connect(alice).approve(await market.getAddress(), 1500n * PRICE);
  await market.connect(alice).buy(creditId, 1500, alice.address);
  const permit = await permitFor(stablecoin, bob, await market.getAddress(), 500n * PRICE);
  await market.connect(bob).buyWithPermit(creditId, 500, bob.address, permit.deadline, permit.v, permit.r, permit.s);
  await networkHelpers.time.increaseTo(start);
  await market.connect(alice).redeem(alice.address, creditId, 1500, JOB);
  return f;
}

/**
 * After the window: solar meters 200, 150 and 100 kWh in its three hours; wind in the same zone makes 1 MWh in its
 * first hour, certified as 1 REC of the window's vintage; wind in CAISO makes 1 MWh too (not certified).
 */
async function afterWindowFixture() {
  const f = await soldAndRedeemedFixture();
  const { energy, certificates, providerSigner, solarKey, windKey, caisoKey, solar, wind, caiso, start, end } = f;
  await networkHelpers.time.increaseTo(end);
  await meter(
    energy,
    solarKey,
    solar,
    [start - HOUR, start, start + HOUR, start + 2n * HOUR, end],
    [0n, 0n, 200_000n, 150_000n, 100_000n],
  );
  await meter(energy, windKey, wind, [start, start + HOUR], [0n, 1_000_000n]);
  await meter(energy, caisoKey, caiso, [start, start + HOUR], [0n, 1_000_000n]);
  const windBatch = await energy.batchId(wind, start / HOUR);
  await certificates.connect(providerSigner).requestIssuance([windBatch], [1_000_000n]);
  await certificates.certify(1n, [windBatch], [1_000_000n], "ipfs://evidence");
  const solarBatches = [0n, 1n, 2n].map((offset) => (start / HOUR + offset) | (solar << 64n));
  const recId = (await certificates.getRequest(1n)).certificateId;
  return { ...f, solarBatches, windBatch, recId };
}

function report(
  delivered: bigint,
  whUsed: bigint,
  kwhBatchIds: bigint[] = [],
  kwhAmountsWh: bigint[] = [],
  recIds: bigint[] = [],
  recAmounts: bigint[] = [],
) {
  return { gpuHoursDelivered: delivered, whUsed, kwhBatchIds, kwhAmountsWh, recIds, recAmounts };
}

async function lineageAddresses(f: Fixture) {
  return {
    market: await f.market.getAddress(),
    energy: await f.energy.getAddress(),
    certificates: await f.certificates.getAddress(),
    registry: await f.registry.getAddress(),
  };
}

describe("ComputeMarket", function () {
  describe("deployment", function () {
    it("is wired to the stablecoin, the kWh token and the REC token", async function () {
      const { market, stablecoin, energy, certificates } = await networkHelpers.loadFixture(computeFixture);
      expect(await market.stablecoin()).to.equal(await stablecoin.getAddress());
      expect(await market.energy()).to.equal(await energy.getAddress());
      expect(await market.certificates()).to.equal(await certificates.getAddress());
      expect(await market.WH_PER_REC()).to.equal(1_000_000n);
    });
  });

  describe("buy", function () {
    it("sells credits to two agents (approve-then-buy and permit); the proceeds accrue to the payout", async function () {
      const { market, stablecoin, alice, bob, carol, payout, creditId } =
        await networkHelpers.loadFixture(computeFixture);
      await stablecoin.connect(alice).approve(await market.getAddress(), 1500n * PRICE);
      const buy = market.connect(alice).buy(creditId, 1500, alice.address);
      await expect(buy).to.changeTokenBalances(ethers, stablecoin, [alice, market], [-USD("3000"), USD("3000")]);
      await expect(buy)
        .to.emit(market, "CreditsSold")
        .withArgs(creditId, alice.address, alice.address, 1500n, USD("3000"))
        .and.to.emit(market, "ComputeRevenueAccrued")
        .withArgs(creditId, 1n, payout.address, USD("3000"), false);

      const permit = await permitFor(stablecoin, bob, await market.getAddress(), 500n * PRICE);
      await expect(
        market.connect(bob).buyWithPermit(creditId, 500, bob.address, permit.deadline, permit.v, permit.r, permit.s),
      ).to.changeTokenBalances(ethers, stablecoin, [bob, market], [-USD("1000"), USD("1000")]);
      expect(await market.balanceOf(alice.address, creditId)).to.equal(1500n);
      expect(await market.balanceOf(bob.address, creditId)).to.equal(500n);
      expect((await market.getWindow(creditId)).bondHeld).to.equal(USD("4000"));
      expect(await market.proceedsOf(payout.address)).to.deep.equal([USD("4000"), 0n]);

      // Anyone may push the proceeds to the payout.
      const push = market.connect(carol).pushProceeds(payout.address);
      await expect(push).to.changeTokenBalances(ethers, stablecoin, [market, payout], [-USD("4000"), USD("4000")]);
      await expect(push).to.emit(market, "ProceedsPaid").withArgs(payout.address, payout.address, USD("4000"), false);
      await expect(market.connect(carol).pushProceeds(payout.address))
        .to.be.revertedWithCustomError(market, "ComputeNothingToClaim")
        .withArgs(payout.address);
    });

    it("reverts when the window would be oversold", async function () {
      const { market, stablecoin, carol, creditId } = await networkHelpers.loadFixture(computeFixture);
      await stablecoin.connect(carol).approve(await market.getAddress(), USD("5000"));
      await market.connect(carol).buy(creditId, 2000, carol.address);
      await expect(market.connect(carol).buy(creditId, 1073, carol.address))
        .to.be.revertedWithCustomError(market, "ComputeWindowOversold")
        .withArgs(creditId, 3072n, 2000n, 1073n);
    });

    it("reverts when the window has started", async function () {
      const { market, stablecoin, carol, creditId, start } = await networkHelpers.loadFixture(soldAndRedeemedFixture);
      await stablecoin.connect(carol).approve(await market.getAddress(), USD("5000"));
      await expect(market.connect(carol).buy(creditId, 1, carol.address)).to.be.revertedWithCustomError(
        market,
        "ComputeWindowStarted",
      );
    });
  });

  describe("redeem", function () {
    it("burns the credits and tells the scheduler the job", async function () {
      const f = await networkHelpers.loadFixture(soldAndRedeemedFixture);
      expect(await f.market.balanceOf(f.alice.address, f.creditId)).to.equal(0n);
      expect(await f.market.redeemedBy(f.creditId, f.alice.address)).to.equal(1500n);
      const [event] = await f.market.queryFilter(f.market.filters.CreditsRedeemed(f.creditId));
      expect(event.args.jobReference).to.equal(JOB);
      expect(event.args.gpuHours).to.equal(1500n);
    });

    it("reverts for someone else's credits", async function () {
      const { market, alice, bob, creditId } = await networkHelpers.loadFixture(soldAndRedeemedFixture);
      await expect(market.connect(alice).redeem(bob.address, creditId, 1, JOB))
        .to.be.revertedWithCustomError(market, "ERC1155MissingApprovalForAll")
        .withArgs(alice.address, bob.address);
    });

    it("reverts one second before the end: nothing can be served, so the credits expire unrefunded", async function () {
      const { market, bob, creditId, end } = await networkHelpers.loadFixture(soldAndRedeemedFixture);
      await networkHelpers.time.setNextBlockTimestamp(end - 1n);
      await expect(market.connect(bob).redeem(bob.address, creditId, 500, JOB))
        .to.be.revertedWithCustomError(market, "ComputeRedemptionExceedsServable")
        .withArgs(creditId, 500n, 0n, end - 1n);
    });

    it("lets a holder redeem what the remaining whole hours can serve", async function () {
      const { market, bob, creditId, end } = await networkHelpers.loadFixture(soldAndRedeemedFixture);
      await networkHelpers.time.increaseTo(end - HOUR - 1n);
      // Alice redeemed 1,500 GPU-hours one second into the window, for its two whole hours left (2,048 GPU-hours):
      // 548 remain, below the 1,024 of the last hour.
      expect(await market.redeemableNow(creditId)).to.equal(548n);
      await expect(market.connect(bob).redeem(bob.address, creditId, 549, JOB))
        .to.be.revertedWithCustomError(market, "ComputeRedemptionExceedsServable")
        .withArgs(creditId, 549n, 548n, end - HOUR);
      await expect(market.connect(bob).redeem(bob.address, creditId, 500, JOB)).to.emit(market, "CreditsRedeemed");
      expect(await market.redeemableNow(creditId)).to.equal(48n);
    });

    it("reverts once the window ended: unredeemed credits expire", async function () {
      const { market, bob, creditId, end } = await networkHelpers.loadFixture(soldAndRedeemedFixture);
      // The window is [start, end): its end is the first second of expiry.
      await networkHelpers.time.setNextBlockTimestamp(end);
      await expect(market.connect(bob).redeem(bob.address, creditId, 500, JOB))
        .to.be.revertedWithCustomError(market, "ComputeCreditsExpired")
        .withArgs(creditId, end, end);
    });
  });

  describe("recordDelivery", function () {
    it("records a lot matched by same-hour solar kWh and a REC, refunds the under-delivery from the bond", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      const { market, energy, stablecoin, operator, providerSigner, alice, bob, creditId, clusterId } = f;
      const tx = market
        .connect(operator)
        .recordDelivery(
          creditId,
          report(1450n, 1_450_000n, f.solarBatches, [200_000n, 150_000n, 100_000n], [f.recId], [1n]),
        );
      await expect(tx)
        .to.emit(market, "DeliveryRecorded")
        .withArgs(creditId, clusterId, 1450n, 1500n, 1_450_000n, 450_000n, 1_000_000n, 10_000n)
        .and.to.emit(energy, "EnergyConsumed")
        .withArgs(
          providerSigner.address,
          await market.getAddress(),
          f.solarBatches[0],
          200_000n,
          ethers.toBeHex(creditId, 32),
        );
      for (const batch of f.solarBatches) expect(await energy.balanceOf(providerSigner.address, batch)).to.equal(0n);
      expect(await f.certificates.balanceOf(providerSigner.address, f.recId)).to.equal(0n);

      // Bob's 500 credits expired unredeemed: no refund, the bond they locked went back to the provider.
      expect(await market.expiredCredits(creditId)).to.equal(500n);
      expect(await market.refundOf(creditId, bob.address)).to.equal(0n);
      expect((await market.getCluster(clusterId)).bondFree).to.equal(USD("9900"));

      // Alice redeemed 1,500 GPU-hours and got 1,450: 50 x 2 USD come back from the bond.
      await expect(market.claimRefund(creditId, alice.address)).to.changeTokenBalances(
        ethers,
        stablecoin,
        [market, alice],
        [-USD("100"), USD("100")],
      );
      // What the market holds: the free bond and the 4,000 USD of sales owed to the payout.
      expect(await stablecoin.balanceOf(await market.getAddress())).to.equal(USD("9900") + USD("4000"));
    });

    it("lets the lineage reader rebuild the lot's devices, hours, Wh, RECs and revenue from events", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      await f.market
        .connect(f.operator)
        .recordDelivery(
          f.creditId,
          report(1450n, 1_450_000n, f.solarBatches, [200_000n, 150_000n, 100_000n], [f.recId], [1n]),
        );
      await f.market.claimRefund(f.creditId, f.alice.address);

      const lineage = await readLineage(ethers.provider, await lineageAddresses(f), f.creditId);
      expect(lineage.lot).to.deep.equal({
        gpuHoursDelivered: 1450n,
        gpuHoursRedeemed: 1500n,
        whUsed: 1_450_000n,
        whHourlyMatched: 450_000n,
        whRecMatched: 1_000_000n,
        carbonFreeBps: 10_000n,
      });
      expect(
        lineage.kwh.map(({ deviceId, hourStart, gridZone, source, wh }) => ({
          deviceId,
          hourStart,
          gridZone,
          source,
          wh,
        })),
      ).to.deep.equal([
        { deviceId: f.solar, hourStart: f.start, gridZone: "ERCOT-NORTH", source: "solar", wh: 200_000n },
        { deviceId: f.solar, hourStart: f.start + HOUR, gridZone: "ERCOT-NORTH", source: "solar", wh: 150_000n },
        { deviceId: f.solar, hourStart: f.start + 2n * HOUR, gridZone: "ERCOT-NORTH", source: "solar", wh: 100_000n },
      ]);
      expect(lineage.recs).to.have.length(1);
      expect(lineage.recs[0]).to.include({
        certificateId: f.recId,
        deviceId: f.wind,
        gridZone: "ERCOT-NORTH",
        source: "wind",
        recs: 1n,
        wh: 1_000_000n,
        beneficiary: f.providerSigner.address,
      });
      expect(lineage.revenue.gross).to.equal(USD("4000"));
      expect(lineage.revenue.refunds).to.equal(USD("100"));
      expect(lineage.revenue.net).to.equal(USD("3900"));
      expect(lineage.revenue.payouts.map((p) => p.payout)).to.deep.equal([f.payout.address, f.payout.address]);
    });

    it("reverts when kWh from another zone is attributed as hourly-matched", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      const caisoBatch = await f.energy.batchId(f.caiso, f.start / HOUR);
      await expect(
        f.market.connect(f.operator).recordDelivery(f.creditId, report(1450n, 1_450_000n, [caisoBatch], [1n])),
      )
        .to.be.revertedWithCustomError(f.market, "ComputeKwhZoneMismatch")
        .withArgs(caisoBatch, ZONE, OTHER_ZONE);
    });

    it("reverts when kWh from an hour outside the window is attributed", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      // The solar meter's first metered hour ends at the window start: it is the hour before the window.
      const before = (f.start / HOUR - 1n) | (f.solar << 64n);
      await expect(f.market.connect(f.operator).recordDelivery(f.creditId, report(1450n, 1_450_000n, [before], [1n])))
        .to.be.revertedWithCustomError(f.market, "ComputeKwhOutsideWindow")
        .withArgs(before, f.start - HOUR, f.start, f.end);
    });

    it("reverts when more energy is attributed than was used, and burns nothing", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      await expect(
        f.market
          .connect(f.operator)
          .recordDelivery(
            f.creditId,
            report(1450n, 1_449_999n, f.solarBatches, [200_000n, 150_000n, 100_000n], [f.recId], [1n]),
          ),
      )
        .to.be.revertedWithCustomError(f.market, "ComputeAttributionExceedsUsage")
        .withArgs(f.creditId, 1_449_999n, 1_450_000n);
    });

    it("reverts when the energy reported is outside the cluster's physical bounds", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      // 1,450 GPU-hours draw 725 kWh to 1,450 kWh: a tiny figure would show the lot 100% carbon-free.
      await expect(f.market.connect(f.operator).recordDelivery(f.creditId, report(1450n, 1_000n)))
        .to.be.revertedWithCustomError(f.market, "ComputeEnergyBelowMinimum")
        .withArgs(f.creditId, 1_000n, 725_000n);
      await expect(f.market.connect(f.operator).recordDelivery(f.creditId, report(1450n, 1_450_001n)))
        .to.be.revertedWithCustomError(f.market, "ComputeEnergyAboveMaximum")
        .withArgs(f.creditId, 1_450_001n, 1_450_000n);
    });

    it("reverts when a REC of another grid zone is retired for the lot", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      const caisoBatch = await f.energy.batchId(f.caiso, f.start / HOUR);
      await f.certificates.connect(f.providerSigner).requestIssuance([caisoBatch], [1_000_000n]);
      await f.certificates.certify(2n, [caisoBatch], [1_000_000n], "ipfs://evidence");
      const caisoRec = (await f.certificates.getRequest(2n)).certificateId;
      await expect(
        f.market.connect(f.operator).recordDelivery(f.creditId, report(1450n, 1_450_000n, [], [], [caisoRec], [1n])),
      )
        .to.be.revertedWithCustomError(f.market, "ComputeRecZoneMismatch")
        .withArgs(caisoRec, ZONE, OTHER_ZONE);
    });

    it("reverts when delivery is recorded twice", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      await f.market
        .connect(f.operator)
        .recordDelivery(f.creditId, report(1500n, 1_000_000n, [f.solarBatches[0]], [100_000n]));
      await expect(
        f.market
          .connect(f.operator)
          .recordDelivery(f.creditId, report(1500n, 1_000_000n, [f.solarBatches[0]], [100_000n])),
      )
        .to.be.revertedWithCustomError(f.market, "ComputeDeliveryAlreadyRecorded")
        .withArgs(f.creditId);
    });

    it("reverts for an account that is neither provider nor operator", async function () {
      const f = await networkHelpers.loadFixture(afterWindowFixture);
      await expect(f.market.connect(f.alice).recordDelivery(f.creditId, report(0n, 0n)))
        .to.be.revertedWithCustomError(f.market, "ComputeNotOperator")
        .withArgs(f.clusterId, f.alice.address);
    });
  });

  describe("setPayout", function () {
    it("routes later sales through a revenue intake, tagged as compute revenue", async function () {
      const f = await networkHelpers.loadFixture(computeFixture);
      const sink = await ethers.deployContract("ComputeRevenueSink", [await f.stablecoin.getAddress()]);
      await f.market.connect(f.providerSigner).setPayout(f.clusterId, await sink.getAddress(), true);
      await f.stablecoin.connect(f.carol).approve(await f.market.getAddress(), USD("20"));
      await expect(f.market.connect(f.carol).buy(f.creditId, 10, f.carol.address))
        .to.emit(f.market, "ComputeRevenueAccrued")
        .withArgs(f.creditId, f.clusterId, await sink.getAddress(), USD("20"), true)
        .and.not.to.emit(sink, "RevenueReceived");
      await expect(f.market.connect(f.alice).pushProceeds(await sink.getAddress()))
        .to.emit(sink, "RevenueReceived")
        .withArgs(0n, await f.market.getAddress(), USD("20"))
        .and.to.emit(f.market, "ProceedsPaid")
        .withArgs(await sink.getAddress(), await sink.getAddress(), USD("20"), true);
      expect(await f.stablecoin.balanceOf(await sink.getAddress())).to.equal(USD("20"));
    });

    it("reverts for someone other than the provider", async function () {
      const f = await networkHelpers.loadFixture(computeFixture);
      await expect(f.market.connect(f.alice).setPayout(f.clusterId, f.alice.address, false))
        .to.be.revertedWithCustomError(f.market, "ComputeNotProvider")
        .withArgs(f.clusterId, f.alice.address);
    });
  });

  describe("metadata", function () {
    it("describes a credit: cluster, GPU class, window in UTC, price, sales and status", async function () {
      const f = await networkHelpers.loadFixture(soldAndRedeemedFixture);
      const json = decodeMetadata(await f.market.uri(f.creditId));
      const [start, end] = [isoHour(f.start), isoHour(f.end)];
      expect(json.name).to.equal(`GPU-hour · cluster ${f.clusterId} · ${start}`);
      expect(json.description).to.equal(
        `One unit is one GPU-hour on H100-SXM cluster ${f.clusterId} between ${start} and ${end}, redeemable for a job until the window ends.`,
      );
      expect(json.decimals).to.equal(0);
      expect(json.properties).to.deep.equal({
        clusterId: Number(f.clusterId),
        gpuClass: "H100-SXM",
        gpuCount: 1024,
        gridZone: "ERCOT-NORTH",
        windowStart: start,
        windowEnd: end,
        pricePerGpuHour: Number(PRICE),
        capacity: 3 * 1024,
        sold: 2000,
        redeemed: 1500,
        delivered: 0,
        status: "redeemable",
      });
    });

    it("follows a window from on sale to settled", async function () {
      const f = await networkHelpers.loadFixture(computeFixture);
      const status = async () => decodeMetadata(await f.market.uri(f.creditId)).properties!.status;
      expect(await status()).to.equal("on sale");
      await networkHelpers.time.increaseTo(f.start);
      expect(await status()).to.equal("redeemable");
      await networkHelpers.time.increaseTo(f.end);
      expect(await status()).to.equal("awaiting delivery");
      await networkHelpers.time.increaseTo(f.end + 7n * 24n * HOUR + 1n);
      await f.market.lapseDelivery(f.creditId);
      expect(await status()).to.equal("settled");
    });

    it("reverts for a credit id that was never offered", async function () {
      const f = await networkHelpers.loadFixture(computeFixture);
      const unknown = await f.market.creditId(f.clusterId, f.end);
      await expect(f.market.uri(unknown))
        .to.be.revertedWithCustomError(f.market, "ComputeUnknownWindow")
        .withArgs(unknown);
    });

    it("keeps the JSON valid for any GPU class a provider registers", async function () {
      const f = await networkHelpers.loadFixture(computeFixture);
      const asProvider = f.market.connect(f.providerSigner);
      // Quotes, backslashes, every control character, JSON look-alikes and multi-byte text, then random labels.
      const labels = [
        'H100 "SXM5" \\ 80GB',
        Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).join(""),
        '","status":"settled"}',
        "\\u0000 \\\\\\",
        "B200 · 液冷 · 🔥",
        "%23#,;base64,",
      ];
      let seed = 0x1234_5678;
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
      const alphabet = '"\\\b\f\n\r\t\u0000\u001f\u007f/{}[]:,aZ9 ·é🔥';
      for (let i = 0; i < 24; i++) {
        const length = 1 + (random() % 24);
        labels.push(Array.from({ length }, () => [...alphabet][random() % [...alphabet].length]).join(""));
      }
      let start = f.end;
      for (const gpuClass of labels) {
        await asProvider.registerCluster({
          gpuClass,
          gpuCount: 8,
          gridZone: ZONE,
          minWhPerGpuHour: 500,
          maxWhPerGpuHour: 1000,
          operator: f.operator.address,
          payout: f.payout.address,
          payoutIsIntake: false,
        });
        const clusterId = await f.market.clusterCount();
        start += HOUR;
        await asProvider.offerWindow(clusterId, start, 1, PRICE);
        const json = decodeMetadata(await f.market.uri(await f.market.creditId(clusterId, start)));
        expect(json.properties!.gpuClass, JSON.stringify(gpuClass)).to.equal(gpuClass);
        expect(json.properties!.status).to.equal("on sale");
        expect(json.description).to.include(gpuClass);
      }
    });

    it("serves contract-level metadata (ERC-7572)", async function () {
      const f = await networkHelpers.loadFixture(computeFixture);
      const json = decodeMetadata(await f.market.contractURI());
      expect(json.name).to.equal("Joulestack GPU-hour credits");
      expect(json.symbol).to.equal("GPUh");
    });
  });
});
