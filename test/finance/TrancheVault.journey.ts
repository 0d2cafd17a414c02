import { expect } from "chai";
import { network } from "hardhat";

import { signPermit } from "../../sdk/permit.js";
import { readVaultPeriod } from "../../sdk/vault.js";
import { deployFinance } from "../helpers/finance.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const DAY = 24n * 60n * 60n;
const PERIOD = 30n * DAY;
/** What the README's waterfall rules give for one period, worked by hand (see each figure's derivation). */
interface Period {
  feePaid: bigint;
  reserveDrawn: bigint;
  swept: bigint;
  equityResidual: bigint;
  /** Allotted to senior and mezzanine: interest and principal paid. */
  allotted: [bigint, bigint];
  /** Outstanding principal of senior and mezzanine after the period. */
  principal: [bigint, bigint];
  arrears: [bigint, bigint];
  reserve: bigint;
  coverage: bigint;
  breached: boolean;
}

/*
 * The journey's twelve periods, worked from the rules in the README ("The vault's life, step by step") and the
 * vault's NatSpec, one step at a time: servicing fee 500 USD → interest by seniority, arrears included, at the
 * coupon APR × 30/365 on the outstanding principal, rounded down (the reserve covers shortfalls) → reserve to 1% of
 * the outstanding debt principal (0 at maturity) → scheduled principal (senior 25,000 per period, cumulative;
 * mezzanine bullet; all of it at maturity) → while coverage (period revenue / service due) is below 1.20x, the rest
 * to debt principal → written-off debt principal made good → equity residual.
 */
const PERIODS: Record<number, Period> = {
  1: {
    // revenue 80,000; service due = fee 500 + interest 3,945.205479 + 2,958.904109 + principal 25,000 + 0 = 32,404.109588
    // coverage 80,000 / 32,404.109588 = 24688 bps >= 12,000
    // senior interest: 0 arrears + 600,000 × 8% × 30/365 = 3,945.205479 (rounded down)
    // mezzanine interest: 0 arrears + 300,000 × 12% × 30/365 = 2,958.904109 (rounded down)
    // reserve: 0 − 0 drawn; target 1% × 900,000 debt principal = 9,000: topped up 9,000 → 9,000
    // equity: 80,000 − 7,404.109588 fee and interest from revenue − 9,000 top-up − 25,000 principal = 38,595.890412
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("38595.890412"),
    allotted: [USD("28945.205479"), USD("2958.904109")], // interest + principal paid
    principal: [USD("575000"), USD("300000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("9000"),
    coverage: 24688n,
    breached: false,
  },
  2: {
    // revenue 80,000; service due = fee 500 + interest 3,780.821917 + 2,958.904109 + principal 25,000 + 0 = 32,239.726026
    // coverage 80,000 / 32,239.726026 = 24814 bps >= 12,000
    // senior interest: 0 arrears + 575,000 × 8% × 30/365 = 3,780.821917 (rounded down)
    // mezzanine interest: 0 arrears + 300,000 × 12% × 30/365 = 2,958.904109 (rounded down)
    // reserve: 9,000 − 0 drawn; target 1% × 875,000 debt principal = 8,750: released 250 → 8,750
    // equity: 80,000 − 7,239.726026 fee and interest from revenue + 250 release − 25,000 principal = 48,010.273974
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("48010.273974"),
    allotted: [USD("28780.821917"), USD("2958.904109")], // interest + principal paid
    principal: [USD("550000"), USD("300000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("8750"),
    coverage: 24814n,
    breached: false,
  },
  3: {
    // revenue 80,000; service due = fee 500 + interest 3,616.438356 + 2,958.904109 + principal 25,000 + 0 = 32,075.342465
    // coverage 80,000 / 32,075.342465 = 24941 bps >= 12,000
    // senior interest: 0 arrears + 550,000 × 8% × 30/365 = 3,616.438356 (rounded down)
    // mezzanine interest: 0 arrears + 300,000 × 12% × 30/365 = 2,958.904109 (rounded down)
    // reserve: 8,750 − 0 drawn; target 1% × 850,000 debt principal = 8,500: released 250 → 8,500
    // equity: 80,000 − 7,075.342465 fee and interest from revenue + 250 release − 25,000 principal = 48,174.657535
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("48174.657535"),
    allotted: [USD("28616.438356"), USD("2958.904109")], // interest + principal paid
    principal: [USD("525000"), USD("300000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("8500"),
    coverage: 24941n,
    breached: false,
  },
  4: {
    // revenue 500; service due = fee 500 + interest 3,452.054794 + 2,958.904109 + principal 25,000 + 0 = 31,910.958903
    // coverage 500 / 31,910.958903 = 156 bps < 12,000: breached
    // senior interest: 0 arrears + 525,000 × 8% × 30/365 = 3,452.054794 (rounded down)
    // mezzanine interest: 0 arrears + 300,000 × 12% × 30/365 = 2,958.904109 (rounded down)
    // reserve: 8,500 − 6,410.958903 drawn; target 1% × 825,000 debt principal = 8,250: topped up 0 → 2,089.041097
    // equity: 500 − 500 fee and interest from revenue − 0 principal = 0
    feePaid: USD("500"),
    reserveDrawn: USD("6410.958903"),
    swept: USD("0"),
    equityResidual: USD("0"),
    allotted: [USD("3452.054794"), USD("2958.904109")], // interest + principal paid
    principal: [USD("525000"), USD("300000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("2089.041097"),
    coverage: 156n,
    breached: true,
  },
  5: {
    // revenue 0; service due = fee 500 + interest 3,452.054794 + 2,958.904109 + principal 50,000 + 0 = 56,910.958903
    // coverage 0 / 56,910.958903 = 0 bps < 12,000: breached
    // senior interest: 0 arrears + 525,000 × 8% × 30/365 = 3,452.054794 (rounded down)
    // mezzanine interest: 0 arrears + 300,000 × 12% × 30/365 = 2,958.904109 (rounded down)
    // reserve: 2,089.041097 − 2,089.041097 drawn; target 1% × 825,000 debt principal = 8,250: topped up 0 → 0
    // equity: 0 − 0 fee and interest from revenue − 0 principal = 0
    feePaid: USD("500"),
    reserveDrawn: USD("2089.041097"),
    swept: USD("0"),
    equityResidual: USD("0"),
    allotted: [USD("1589.041097"), USD("0")], // interest + principal paid
    principal: [USD("525000"), USD("300000")],
    arrears: [USD("1863.013697"), USD("2958.904109")],
    reserve: USD("0"),
    coverage: 0n,
    breached: true,
  },
  6: {
    // revenue 100,000; service due = fee 500 + interest 5,315.068491 + 5,917.808218 + principal 75,000 + 0 = 86,732.876709
    // coverage 100,000 / 86,732.876709 = 11529 bps < 12,000: breached
    // senior interest: 1,863.013697 arrears + 525,000 × 8% × 30/365 = 3,452.054794 (rounded down)
    // mezzanine interest: 2,958.904109 arrears + 300,000 × 12% × 30/365 = 2,958.904109 (rounded down)
    // reserve: 0 − 0 drawn; target 1% × 825,000 debt principal = 8,250: topped up 8,250 → 8,250
    // equity: 100,000 − 11,732.876709 fee and interest from revenue − 8,250 top-up − 80,017.123291 principal (of it 5,017.123291 swept) = 0
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("5017.123291"),
    equityResidual: USD("0"),
    allotted: [USD("85332.191782"), USD("5917.808218")], // interest + principal paid
    principal: [USD("444982.876709"), USD("300000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("8250"),
    coverage: 11529n,
    breached: true,
  },
  7: {
    // revenue 80,000; service due = fee 500 + interest 2,925.914805 + 2,958.904109 + principal 19,982.876709 + 0 = 26,367.695623
    // coverage 80,000 / 26,367.695623 = 30340 bps >= 12,000
    // senior interest: 0 arrears + 444,982.876709 × 8% × 30/365 = 2,925.914805 (rounded down)
    // mezzanine interest: 0 arrears + 300,000 × 12% × 30/365 = 2,958.904109 (rounded down)
    // reserve: 8,250 − 0 drawn; target 1% × 744,982.876709 debt principal = 7,449.828767: released 800.171233 → 7,449.828767
    // equity: 80,000 − 6,384.818914 fee and interest from revenue + 800.171233 release − 19,982.876709 principal = 54,432.47561
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("54432.47561"),
    allotted: [USD("22908.791514"), USD("2958.904109")], // interest + principal paid
    principal: [USD("425000"), USD("300000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("7449.828767"),
    coverage: 30340n,
    breached: false,
  },
  8: {
    // revenue 80,000; service due = fee 500 + interest 2,794.520547 + 2,761.643835 + principal 25,000 + 0 = 31,056.164382
    // coverage 80,000 / 31,056.164382 = 25759 bps >= 12,000
    // senior interest: 0 arrears + 425,000 × 8% × 30/365 = 2,794.520547 (rounded down)
    // mezzanine interest: 0 arrears + 280,000 × 12% × 30/365 = 2,761.643835 (rounded down)
    // reserve: 7,449.828767 − 0 drawn; target 1% × 705,000 debt principal = 7,050: released 399.828767 → 7,050
    // equity: 80,000 − 6,056.164382 fee and interest from revenue + 399.828767 release − 25,000 principal − 20,000 written-off principal made good = 29,343.664385
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("29343.664385"),
    allotted: [USD("27794.520547"), USD("22761.643835")], // interest + principal paid
    principal: [USD("400000"), USD("280000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("7050"),
    coverage: 25759n,
    breached: false,
  },
  9: {
    // revenue 80,000; service due = fee 500 + interest 2,630.136986 + 2,761.643835 + principal 25,000 + 0 = 30,891.780821
    // coverage 80,000 / 30,891.780821 = 25896 bps >= 12,000
    // senior interest: 0 arrears + 400,000 × 8% × 30/365 = 2,630.136986 (rounded down)
    // mezzanine interest: 0 arrears + 280,000 × 12% × 30/365 = 2,761.643835 (rounded down)
    // reserve: 7,050 − 0 drawn; target 1% × 680,000 debt principal = 6,800: released 250 → 6,800
    // equity: 80,000 − 5,891.780821 fee and interest from revenue + 250 release − 25,000 principal = 49,358.219179
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("49358.219179"),
    allotted: [USD("27630.136986"), USD("2761.643835")], // interest + principal paid
    principal: [USD("375000"), USD("280000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("6800"),
    coverage: 25896n,
    breached: false,
  },
  10: {
    // revenue 80,000; service due = fee 500 + interest 2,465.753424 + 2,761.643835 + principal 25,000 + 0 = 30,727.397259
    // coverage 80,000 / 30,727.397259 = 26035 bps >= 12,000
    // senior interest: 0 arrears + 375,000 × 8% × 30/365 = 2,465.753424 (rounded down)
    // mezzanine interest: 0 arrears + 280,000 × 12% × 30/365 = 2,761.643835 (rounded down)
    // reserve: 6,800 − 0 drawn; target 1% × 655,000 debt principal = 6,550: released 250 → 6,550
    // equity: 80,000 − 5,727.397259 fee and interest from revenue + 250 release − 25,000 principal = 49,522.602741
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("49522.602741"),
    allotted: [USD("27465.753424"), USD("2761.643835")], // interest + principal paid
    principal: [USD("350000"), USD("280000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("6550"),
    coverage: 26035n,
    breached: false,
  },
  11: {
    // revenue 80,000; service due = fee 500 + interest 2,301.369863 + 2,761.643835 + principal 25,000 + 0 = 30,563.013698
    // coverage 80,000 / 30,563.013698 = 26175 bps >= 12,000
    // senior interest: 0 arrears + 350,000 × 8% × 30/365 = 2,301.369863 (rounded down)
    // mezzanine interest: 0 arrears + 280,000 × 12% × 30/365 = 2,761.643835 (rounded down)
    // reserve: 6,550 − 0 drawn; target 1% × 630,000 debt principal = 6,300: released 250 → 6,300
    // equity: 80,000 − 5,563.013698 fee and interest from revenue + 250 release − 25,000 principal = 49,686.986302
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("49686.986302"),
    allotted: [USD("27301.369863"), USD("2761.643835")], // interest + principal paid
    principal: [USD("325000"), USD("280000")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("6300"),
    coverage: 26175n,
    breached: false,
  },
  12: {
    // revenue 710,000; service due = fee 500 + interest 2,136.986301 + 2,761.643835 + principal 325,000 + 280,000 = 610,398.630136
    // coverage 710,000 / 610,398.630136 = 11631 bps < 12,000: breached
    // senior interest: 0 arrears + 325,000 × 8% × 30/365 = 2,136.986301 (rounded down)
    // mezzanine interest: 0 arrears + 280,000 × 12% × 30/365 = 2,761.643835 (rounded down)
    // reserve: 6,300 − 0 drawn; target at maturity is 0: released 6,300 → 0
    // equity: 710,000 − 5,398.630136 fee and interest from revenue + 6,300 release − 605,000 principal = 105,901.369864
    feePaid: USD("500"),
    reserveDrawn: USD("0"),
    swept: USD("0"),
    equityResidual: USD("105901.369864"),
    allotted: [USD("327136.986301"), USD("282761.643835")], // interest + principal paid
    principal: [USD("0"), USD("0")],
    arrears: [USD("0"), USD("0")],
    reserve: USD("0"),
    coverage: 11631n,
    breached: true,
  },
};

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
    }
    const permitAmount = USD("200000");
    await stablecoin.mint(s2.address, permitAmount);
    const deadline = (await networkHelpers.time.latest()) + 3600;
    const signature = await signPermit(s2, await stablecoin.getAddress(), vaultAddress, permitAmount, deadline);
    await vault.connect(s2).subscribeWithPermit(0, permitAmount, deadline, signature.v, signature.r, signature.s);
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
      }
      if (period === 8n) {
        // A loss is recognised: equity absorbs it first, then mezzanine.
        await expect(vault.writeDown(USD("120000")))
          .to.emit(vault, "PrincipalWrittenDown")
          .withArgs(2, USD("100000"), 0n)
          .and.to.emit(vault, "PrincipalWrittenDown")
          .withArgs(1, USD("20000"), USD("280000"));
        expect(await vault.principalOf(2, e1.address)).to.equal(0n);
        expect(await vault.principalOf(1, m1.address)).to.equal(USD("280000"));
      }
      await networkHelpers.time.increaseTo(start + period * PERIOD);
      const expected = PERIODS[Number(period)];
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
      if (period === 4n) await expect(tx).to.emit(vault, "CovenantBreached").withArgs(4n, 156n);
      if (period === 7n) await expect(tx).to.emit(vault, "CovenantCured").withArgs(7n, 30_340n);

      const recorded = await readVaultPeriod(ethers.provider, await vault.getAddress(), period);
      const report = recorded.report!;
      expect(report.feePaid).to.equal(expected.feePaid);
      expect(report.reserveDrawn).to.equal(expected.reserveDrawn);
      expect(report.swept).to.equal(expected.swept);
      expect(report.equityResidual).to.equal(expected.equityResidual);
      expect(report.coverageBps).to.equal(expected.coverage);
      expect(report.covenantBreached).to.equal(expected.breached);
      for (let id = 0; id < 2; id++) {
        const tranche = await vault.tranche(id);
        expect(tranche.principal).to.equal(expected.principal[id]);
        expect(tranche.interestArrears).to.equal(expected.arrears[id]);
        expect(recorded.tranches[id].allotted).to.equal(expected.allotted[id]);
      }
      expect(await vault.reserve()).to.equal(expected.reserve);

      if (period === 3n) {
        // A transfer carries no unclaimed entitlement: s1 keeps what accrued, s3 earns from now on.
        // s1 holds 400,000 / 600,000 of senior: 2/3 × (28,945.205479 + 28,780.821917 + 28,616.438356) =
        // 2/3 × 86,342.465752 = 57,561.643834.
        expect(await vault.claimableOf(0, s1.address)).to.equal(USD("57561.643834"));
        await notes[0].connect(s1).transfer(s3.address, USD("100000"));
        expect(await vault.claimableOf(0, s1.address)).to.equal(USD("57561.643834"));
        expect(await vault.claimableOf(0, s3.address)).to.equal(0n);
        // s2 claims along the way (1/3 × 86,342.465752 = 28,780.821917); m1 claims to a cold wallet (all of
        // mezzanine: 3 × 2,958.904109 = 8,876.712327 in coupons, of which the accumulator, rounded down once per
        // note, gives 8,876.712326).
        const s2Amount = USD("28780.821917");
        await expect(vault.connect(s2).claim(0, s2.address)).to.changeTokenBalance(ethers, stablecoin, s2, s2Amount);
        credit(s2.address, s2Amount);
        const m1Amount = USD("8876.712326");
        await expect(vault.connect(m1).claim(1, m1Cold.address))
          .to.emit(vault, "Claimed")
          .withArgs(1, m1.address, m1Cold.address, m1Amount);
        credit(m1Cold.address, m1Amount);
      }
    }
    expect(await vault.state()).to.equal(3n); // Matured
    const revenueOf = async (period: bigint) =>
      (await readVaultPeriod(ethers.provider, await vault.getAddress(), period)).revenueBySource[Source.Other];
    expect(await revenueOf(3n)).to.equal(USD("5000"));
    expect(await revenueOf(12n)).to.equal(USD("650000"));

    // --- every holder redeems what is left of its share, rounded down once over its whole history ---
    // Senior allotments: 86,342.465752 in periods 1-3 and 550,610.846308 in periods 4-12; mezzanine 334,520.547938
    // in all; equity residuals 473,026.140002 in all.
    const holders: [typeof s1, number, bigint][] = [
      // 2/3 × 86,342.465752 + 1/2 × 550,610.846308 = 332,867.066988 (rounded down)
      [s1, 0, USD("332867.066988")],
      // 1/3 × 636,953.312060 = 212,317.770686, less the 28,780.821917 claimed
      [s2, 0, USD("183536.948769")],
      // 1/6 × 550,610.846308 = 91,768.474384 (rounded down)
      [s3, 0, USD("91768.474384")],
      // 334,520.547937 (one unit of rounding below the allotments), less the 8,876.712326 claimed
      [m1, 1, USD("325643.835611")],
      // 60% × 473,026.140002 = 283,815.684001
      [e1, 2, USD("283815.684001")],
      // 40% × 473,026.140002 = 189,210.456000 (rounded down)
      [e2, 2, USD("189210.456")],
    ];
    for (const [who, id, amount] of holders) {
      expect(await vault.claimableOf(id, who.address)).to.equal(amount);
      await expect(vault.connect(who).redeem(id, who.address)).to.changeTokenBalance(ethers, stablecoin, who, amount);
      credit(who.address, amount);
      expect(await notes[id].balanceOf(who.address)).to.equal(0n);
    }
    for (const who of [s1, s2, s3, m1, m1Cold, e1, e2]) {
      expect(await stablecoin.balanceOf(who.address)).to.equal(received.get(who.address) ?? 0n);
    }
    // Senior got its 600,000 back with 36,953.312 of interest (less 2 units of rounding); equity 473,026.14.
    expect(received.get(s1.address)! + received.get(s2.address)! + received.get(s3.address)!).to.equal(
      USD("636953.312058"),
    );
    expect((await vault.tranche(0)).principal).to.equal(0n);
    expect((await vault.tranche(1)).principal).to.equal(0n);

    // 12 periods × 500 USD, each paid in full.
    await expect(vault.payFees()).to.changeTokenBalance(ethers, stablecoin, deployer, USD("6000"));

    // What is left is rounding dust only, and the books reconcile.
    const totals = await vault.totals();
    const held = await stablecoin.balanceOf(vaultAddress);
    expect(held).to.equal(
      totals.paidIn + totals.revenue - totals.drawn - totals.refunded - totals.claimed - totals.feesPaid,
    );
    expect(held).to.be.lessThan(10n);
  });
});
