import { expect } from "chai";
import { network } from "hardhat";

import { signPermit } from "../../sdk/permit.js";
import { readVaultPeriod } from "../../sdk/vault.js";
import { deployFinance } from "../helpers/finance.js";
import { WaterfallModel } from "./waterfallModel.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const DAY = 24n * 60n * 60n;
const PERIOD = 30n * DAY;
enum Source {
  Compute,
  Energy,
  Flexibility,
  Other,
}

async function journeyFixture() {
  const suite = await deployFinance(provider, ethers);
  const [deployer, s1, s2, s3, m1, m1Cold, e1, e2, producer] = await ethers.getSigners();
  const expiry = BigInt(await networkHelpers.time.latest()) + 5n * 365n * DAY;
  await suite.registry.listInvestors(
    [s1, s2, s3, m1, m1Cold, e1, e2].map((s) => s.address),
    expiry,
    276,
  );
  await suite.stablecoin.mint(producer.address, USD("2000000"));
  await suite.stablecoin.connect(producer).approve(await suite.vault.getAddress(), ethers.MaxUint256);
  return { ...suite, deployer, s1, s2, s3, m1, m1Cold, e1, e2, producer };
}

describe("TrancheVault journey", function () {
  it("funds, services twelve periods through a shortfall, a breach, a cure and a write-down, and pays every holder to the unit", async function () {
    const f = await networkHelpers.loadFixture(journeyFixture);
    const { vault, stablecoin, notes, deployer, s1, s2, s3, m1, m1Cold, e1, e2, producer } = f;
    const vaultAddress = await vault.getAddress();
    const model = new WaterfallModel(
      [
        { coupon: 800n, amortization: USD("25000") },
        { coupon: 1200n, amortization: 0n },
        { coupon: 0n, amortization: 0n },
      ],
      PERIOD,
      12n,
      USD("500"),
      100n,
      12_000n,
    );
    const received = new Map<string, bigint>();
    const credit = (who: string, amount: bigint) => received.set(who, (received.get(who) ?? 0n) + amount);

    // --- funding: approve-then-subscribe, and permit-in-one-transaction ---
    const subscriptions: [typeof s1, number, bigint][] = [
      [s1, 0, USD("400000")],
      [m1, 1, USD("300000")],
      [e1, 2, USD("60000")],
      [e2, 2, USD("40000")],
    ];
    for (const [who, id, amount] of subscriptions) {
      await stablecoin.mint(who.address, amount);
      await stablecoin.connect(who).approve(vaultAddress, amount);
      await expect(vault.connect(who).subscribe(id, amount))
        .to.emit(vault, "Subscribed")
        .withArgs(id, who.address, amount);
      model.subscribe(id, who.address, amount);
    }
    const permitAmount = USD("200000");
    await stablecoin.mint(s2.address, permitAmount);
    const deadline = (await networkHelpers.time.latest()) + 3600;
    const signature = await signPermit(s2, await stablecoin.getAddress(), vaultAddress, permitAmount, deadline);
    await vault.connect(s2).subscribeWithPermit(0, permitAmount, deadline, signature.v, signature.r, signature.s);
    model.subscribe(0, s2.address, permitAmount);
    expect(await notes[0].balanceOf(s2.address)).to.equal(permitAmount);

    await expect(vault.closeFunding()).to.emit(vault, "FundingClosed");
    await expect(vault.drawdown()).to.changeTokenBalances(
      ethers,
      stablecoin,
      [vault, deployer],
      [-USD("1000000"), USD("1000000")],
    );
    const start = await vault.startTime();

    // --- twelve periods of revenue from several sources ---
    const revenue: Record<number, [Source, string][]> = {
      1: [
        [Source.Compute, "50000"],
        [Source.Energy, "25000"],
        [Source.Flexibility, "5000"],
      ],
      2: [
        [Source.Compute, "50000"],
        [Source.Energy, "25000"],
        [Source.Flexibility, "5000"],
      ],
      3: [
        [Source.Compute, "45000"],
        [Source.Energy, "30000"],
        [Source.Other, "5000"],
      ],
      4: [[Source.Flexibility, "500"]], // shortfall: the reserve pays interest
      5: [], // nothing: the reserve runs dry and interest falls into arrears
      6: [
        [Source.Compute, "70000"],
        [Source.Energy, "30000"],
      ], // arrears caught up but coverage < 1.2x: sweep
      7: [
        [Source.Compute, "60000"],
        [Source.Energy, "20000"],
      ], // cured
      8: [
        [Source.Compute, "60000"],
        [Source.Energy, "20000"],
      ],
      9: [
        [Source.Compute, "60000"],
        [Source.Energy, "20000"],
      ],
      10: [
        [Source.Compute, "60000"],
        [Source.Energy, "20000"],
      ],
      11: [
        [Source.Compute, "60000"],
        [Source.Energy, "20000"],
      ],
      12: [
        [Source.Compute, "60000"],
        [Source.Other, "650000"],
      ], // the site is sold at maturity
    };
    for (let period = 1n; period <= 12n; period++) {
      for (const [source, amount] of revenue[Number(period)]) {
        await expect(vault.connect(producer).receiveRevenue(source, USD(amount)))
          .to.emit(vault, "RevenueReceived")
          .withArgs(source, producer.address, USD(amount));
        model.revenue(USD(amount));
      }
      if (period === 8n) {
        // A loss is recognised: equity absorbs it first, then mezzanine.
        await expect(vault.writeDown(USD("120000")))
          .to.emit(vault, "PrincipalWrittenDown")
          .withArgs(2, USD("100000"), 0n)
          .and.to.emit(vault, "PrincipalWrittenDown")
          .withArgs(1, USD("20000"), USD("280000"));
        model.writeDown(USD("120000"));
        expect(await vault.principalOf(2, e1.address)).to.equal(0n);
        expect(await vault.principalOf(1, m1.address)).to.equal(USD("280000"));
      }
      await networkHelpers.time.increaseTo(start + period * PERIOD);
      const expected = model.distribute(period);
      const tx = await vault.distribute(period);
      await expect(tx).to.emit(vault, "WaterfallDistributed");
      // The period's waterfall rebuilt from its events alone balances to the unit: every dollar that entered the
      // waterfall (revenue pool, reserve draws and releases) left it through exactly one step.
      const logs = (await tx.wait())!.logs.map((log) => vault.interface.parseLog(log)).filter((e) => e !== null);
      const waterfall = logs.find((e) => e.name === "WaterfallDistributed")!.args.report;
      const serviced = logs.filter((e) => e.name === "TrancheServiced").map((e) => e.args.report);
      expect(serviced.length).to.equal(3);
      const debtPaid = serviced.slice(0, 2).reduce((a, t) => a + t.interestPaid + t.principalPaid, 0n);
      expect(waterfall.cashAvailable + waterfall.reserveDrawn + waterfall.reserveReleased).to.equal(
        waterfall.feePaid + debtPaid + waterfall.reserveToppedUp + waterfall.equityResidual,
      );
      if (period === 4n) await expect(tx).to.emit(vault, "CovenantBreached").withArgs(4n, expected.coverage);
      if (period === 7n) await expect(tx).to.emit(vault, "CovenantCured").withArgs(7n, expected.coverage);

      const recorded = await readVaultPeriod(ethers.provider, await vault.getAddress(), period);
      const report = recorded.report!;
      expect(report.feePaid).to.equal(expected.feePaid);
      expect(report.reserveDrawn).to.equal(expected.reserveDrawn);
      expect(report.swept).to.equal(expected.swept);
      expect(report.equityResidual).to.equal(expected.equityResidual);
      expect(report.covenantBreached).to.equal(expected.breached);
      for (let id = 0; id < 2; id++) {
        const tranche = await vault.tranche(id);
        expect(tranche.principal).to.equal(model.tranches[id].principal);
        expect(tranche.interestArrears).to.equal(model.tranches[id].arrears);
        expect(recorded.tranches[id].allotted).to.equal(expected.pay[id]);
      }
      expect(await vault.reserve()).to.equal(model.reserve);

      if (period === 3n) {
        // A transfer carries no unclaimed entitlement: s1 keeps what accrued, s3 earns from now on.
        const before = await vault.claimableOf(0, s1.address);
        await notes[0].connect(s1).transfer(s3.address, USD("100000"));
        model.transfer(0, s1.address, s3.address, USD("100000"));
        expect(await vault.claimableOf(0, s1.address)).to.equal(before);
        expect(await vault.claimableOf(0, s3.address)).to.equal(0n);
        // s2 claims along the way; m1 claims to a cold wallet.
        const s2Amount = model.take(0, s2.address);
        await expect(vault.connect(s2).claim(0, s2.address)).to.changeTokenBalance(ethers, stablecoin, s2, s2Amount);
        credit(s2.address, s2Amount);
        const m1Amount = model.take(1, m1.address);
        await expect(vault.connect(m1).claim(1, m1Cold.address))
          .to.emit(vault, "Claimed")
          .withArgs(1, m1.address, m1Cold.address, m1Amount);
        credit(m1Cold.address, m1Amount);
      }
      if (period === 5n) {
        expect(model.tranches[1].arrears).to.be.greaterThan(0n);
        expect(report.reserveDrawn).to.be.greaterThan(0n);
      }
      if (period === 6n) expect(report.swept).to.be.greaterThan(0n);
    }
    expect(await vault.state()).to.equal(3n); // Matured
    const revenueOf = async (period: bigint) =>
      (await readVaultPeriod(ethers.provider, await vault.getAddress(), period)).revenueBySource[Source.Other];
    expect(await revenueOf(3n)).to.equal(USD("5000"));
    expect(await revenueOf(12n)).to.equal(USD("650000"));

    // --- every holder redeems and gets exactly what the model says ---
    const holders: [typeof s1, number][] = [
      [s1, 0],
      [s2, 0],
      [s3, 0],
      [m1, 1],
      [e1, 2],
      [e2, 2],
    ];
    for (const [who, id] of holders) {
      const amount = model.take(id, who.address);
      expect(await vault.claimableOf(id, who.address)).to.equal(amount);
      await expect(vault.connect(who).redeem(id, who.address)).to.changeTokenBalance(ethers, stablecoin, who, amount);
      credit(who.address, amount);
      expect(await notes[id].balanceOf(who.address)).to.equal(0n);
    }
    for (const who of [s1, s2, s3, m1, m1Cold, e1, e2]) {
      expect(await stablecoin.balanceOf(who.address)).to.equal(received.get(who.address) ?? 0n);
    }
    // Hand-checked anchors: senior got its full principal back; equity only the residual after its write-down.
    expect(received.get(s1.address)! + received.get(s2.address)! + received.get(s3.address)!).to.be.greaterThan(
      USD("600000"),
    );
    expect((await vault.tranche(0)).principal).to.equal(0n);
    expect((await vault.tranche(1)).principal).to.equal(0n);

    await expect(vault.payFees()).to.changeTokenBalance(ethers, stablecoin, deployer, model.feesOwed);
    expect(model.feesOwed).to.equal(USD("6000"));

    // What is left is rounding dust only, and the books reconcile.
    const totals = await vault.totals();
    const held = await stablecoin.balanceOf(vaultAddress);
    expect(held).to.equal(
      totals.paidIn + totals.revenue - totals.drawn - totals.refunded - totals.claimed - totals.feesPaid,
    );
    expect(held).to.be.lessThan(10n);
  });
});
