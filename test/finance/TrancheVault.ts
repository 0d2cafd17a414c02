import { expect } from "chai";
import { network } from "hardhat";

import type { ITrancheVault } from "../../typechain-types/finance/TrancheVault.js";
import { readVaultPeriod } from "../../sdk/vault.js";
import { deployFinance } from "../helpers/finance.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const DAY = 24n * 60n * 60n;
const PERIOD = 30n * DAY;

async function baseFixture() {
  const suite = await deployFinance(provider, ethers);
  const [deployer, alice, bob, carol, outsider, expired, frozen, producer] = await ethers.getSigners();
  const now = BigInt(await networkHelpers.time.latest());
  await suite.registry.listInvestors(
    [alice, bob, carol].map((s) => s.address),
    now + 3650n * DAY,
    276,
  );
  await suite.registry.listInvestor(expired.address, now + DAY, 250);
  await suite.registry.listInvestor(frozen.address, now + 3650n * DAY, 250);
  await suite.registry.setFrozen(frozen.address, true);
  const vaultAddress = await suite.vault.getAddress();
  for (const s of [alice, bob, carol, outsider, expired, frozen, producer]) {
    await suite.stablecoin.mint(s.address, USD("2000000"));
    await suite.stablecoin.connect(s).approve(vaultAddress, ethers.MaxUint256);
  }
  return { ...suite, deployer, alice, bob, carol, outsider, expired, frozen, producer, vaultAddress };
}

/** Fully subscribed (alice senior + equity, bob mezzanine), closed and drawn; the first period not yet over. */
async function activeFixture() {
  const f = await baseFixture();
  await f.vault.connect(f.alice).subscribe(0, USD("600000"));
  await f.vault.connect(f.bob).subscribe(1, USD("300000"));
  await f.vault.connect(f.alice).subscribe(2, USD("100000"));
  await f.vault.closeFunding();
  await f.vault.drawdown();
  return f;
}

/** Active, with one period of revenue distributed. */
async function distributedFixture() {
  const f = await activeFixture();
  await f.vault.connect(f.producer).receiveRevenue(0, USD("80000"));
  await networkHelpers.time.increaseTo((await f.vault.startTime()) + PERIOD);
  await f.vault.distribute(1);
  return f;
}

function tranches(): ITrancheVault.TrancheParamsStruct[] {
  return [
    { name: "S", symbol: "S", targetSize: USD("600"), minSubscription: 1n, couponBps: 800, amortizationPerPeriod: 0n },
    { name: "E", symbol: "E", targetSize: USD("400"), minSubscription: 1n, couponBps: 0, amortizationPerPeriod: 0n },
  ];
}

async function params(asset: string, registry: string, admin: string): Promise<ITrancheVault.VaultParamsStruct> {
  return {
    asset,
    registry,
    admin,
    projectWallet: admin,
    feeRecipient: admin,
    fundingDeadline: BigInt(await networkHelpers.time.latest()) + 10n * DAY,
    periodLength: PERIOD,
    periodCount: 3,
    servicingFeePerPeriod: 0n,
    reserveTargetBps: 0,
    minCoverageBps: 0,
  };
}

describe("TrancheVault", function () {
  describe("constructor", function () {
    type Tranches = ReturnType<typeof tranches>;
    type Factory = Awaited<ReturnType<typeof ethers.getContractFactory>>;
    type Params = Awaited<ReturnType<typeof params>>;
    const withTranche = (edit: (t: Tranches) => void) => {
      const t = tranches();
      edit(t);
      return t;
    };
    // Each bad constructor input on its own.
    const badInputs: [string, (factory: Factory, p: Params) => Promise<void>][] = [
      [
        "no tranche",
        (factory, p) =>
          expect(factory.deploy(p, []))
            .to.be.revertedWithCustomError(factory, "TrancheVaultInvalidTrancheCount")
            .withArgs(0n),
      ],
      [
        "six tranches",
        (factory, p) =>
          expect(
            factory.deploy(
              p,
              Array.from({ length: 6 }, () => tranches()[1]),
            ),
          )
            .to.be.revertedWithCustomError(factory, "TrancheVaultInvalidTrancheCount")
            .withArgs(6n),
      ],
      [
        "a coupon on the residual tranche",
        (factory, p) =>
          expect(
            factory.deploy(
              p,
              withTranche((t) => (t[1].couponBps = 100)),
            ),
          )
            .to.be.revertedWithCustomError(factory, "TrancheVaultInvalidTranche")
            .withArgs(1n),
      ],
      // Notes pack balances in 96 bits and the vault packs the schedule in 112: a tranche beyond them is refused.
      [
        "a target beyond 96 bits",
        (factory, p) =>
          expect(
            factory.deploy(
              p,
              withTranche((t) => (t[0].targetSize = 2n ** 96n)),
            ),
          )
            .to.be.revertedWithCustomError(factory, "TrancheVaultInvalidTranche")
            .withArgs(0n),
      ],
      [
        "an amortization beyond 112 bits",
        (factory, p) =>
          expect(
            factory.deploy(
              p,
              withTranche((t) => (t[0].amortizationPerPeriod = 2n ** 112n)),
            ),
          )
            .to.be.revertedWithCustomError(factory, "TrancheVaultInvalidTranche")
            .withArgs(0n),
      ],
      [
        "a zero project wallet",
        (factory, p) =>
          expect(factory.deploy({ ...p, projectWallet: ethers.ZeroAddress }, tranches())).to.be.revertedWithCustomError(
            factory,
            "TrancheVaultZeroAddress",
          ),
      ],
      [
        "no period",
        (factory, p) =>
          expect(factory.deploy({ ...p, periodCount: 0 }, tranches()))
            .to.be.revertedWithCustomError(factory, "TrancheVaultInvalidSchedule")
            .withArgs(p.fundingDeadline, PERIOD, 0),
      ],
    ];
    for (const [name, check] of badInputs) {
      it(`reverts for ${name}`, async function () {
        const { stablecoin, registry, deployer } = await networkHelpers.loadFixture(baseFixture);
        const factory = await ethers.getContractFactory("TrancheVault");
        await check(
          factory,
          await params(await stablecoin.getAddress(), await registry.getAddress(), deployer.address),
        );
      });
    }

    it("issues notes in the stablecoin's decimals and grants the admin every role", async function () {
      const { vault, notes, deployer } = await networkHelpers.loadFixture(baseFixture);
      expect(await notes[0].decimals()).to.equal(6n);
      expect(await notes[2].symbol()).to.equal("JSN-EQ");
      expect(await notes[1].trancheId()).to.equal(1n);
      expect(await notes[1].vault()).to.equal(ethers.getAddress(await vault.getAddress()));
      expect(await vault.trancheCount()).to.equal(3n);
      expect((await vault.params()).periodCount).to.equal(12n);
      for (const role of [await vault.OPERATOR_ROLE(), await vault.AGENT_ROLE(), await vault.LOSS_ASSESSOR_ROLE()]) {
        expect(await vault.hasRole(role, deployer.address)).to.equal(true);
      }
    });
  });

  describe("subscribe", function () {
    for (const [who, error] of [
      ["outsider", "TrancheVaultInvestorNotVerified"],
      ["expired", "TrancheVaultInvestorNotVerified"],
      ["frozen", "TrancheVaultAccountFrozen"],
    ] as const) {
      it(`reverts when the investor is ${who}`, async function () {
        const f = await networkHelpers.loadFixture(baseFixture);
        if (who === "expired") await networkHelpers.time.increase(2n * DAY);
        const investor = f[who];
        await expect(f.vault.connect(investor).subscribe(0, USD("10000")))
          .to.be.revertedWithCustomError(f.vault, error)
          .withArgs(investor.address);
      });
    }

    it("reverts a permit subscription from an unlisted investor", async function () {
      const f = await networkHelpers.loadFixture(baseFixture);
      await expect(
        f.vault.connect(f.outsider).subscribeWithPermit(0, USD("10000"), 0n, 27, ethers.ZeroHash, ethers.ZeroHash),
      )
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultInvestorNotVerified")
        .withArgs(f.outsider.address);
    });

    it("reverts when the subscription would exceed the target", async function () {
      const { vault, alice, bob, stablecoin, vaultAddress } = await networkHelpers.loadFixture(baseFixture);
      await vault.connect(alice).subscribe(0, USD("500000"));
      await expect(vault.connect(bob).subscribe(0, USD("100001")))
        .to.be.revertedWithCustomError(vault, "TrancheVaultOverSubscribed")
        .withArgs(0n, USD("600000"), USD("600001"));
    });

    it("reverts below the minimum unless the subscription fills the target", async function () {
      const { vault, alice, bob } = await networkHelpers.loadFixture(baseFixture);
      await expect(vault.connect(alice).subscribe(0, USD("9999")))
        .to.be.revertedWithCustomError(vault, "TrancheVaultSubscriptionTooSmall")
        .withArgs(0n, USD("10000"), USD("9999"));
      await vault.connect(alice).subscribe(0, USD("595000"));
      await expect(vault.connect(bob).subscribe(0, USD("5000"))).to.emit(vault, "Subscribed");
    });

    it("reverts once funding closed", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.vault.connect(f.alice).subscribe(3, USD("10000")))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultUnexpectedState")
        .withArgs(2n);
    });

    it("reverts for an unknown tranche", async function () {
      const g = await networkHelpers.loadFixture(baseFixture);
      await expect(g.vault.connect(g.alice).subscribe(3, USD("10000")))
        .to.be.revertedWithCustomError(g.vault, "TrancheVaultUnknownTranche")
        .withArgs(3n);
    });

    it("reverts from the funding deadline on", async function () {
      const g = await networkHelpers.loadFixture(baseFixture);
      const deadline = (await g.vault.params()).fundingDeadline;
      // Subscriptions close at the deadline itself.
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(g.vault.connect(g.alice).subscribe(0, USD("10000")))
        .to.be.revertedWithCustomError(g.vault, "TrancheVaultFundingDeadlinePassed")
        .withArgs(deadline);
    });

    it("rejects a fee-on-transfer stablecoin", async function () {
      const { registry, deployer, alice } = await networkHelpers.loadFixture(baseFixture);
      const token = await ethers.deployContract("FeeOnTransferToken");
      const vault = await ethers.deployContract("TrancheVault", [
        await params(await token.getAddress(), await registry.getAddress(), deployer.address),
        tranches(),
      ]);
      await token.mint(alice.address, USD("100"));
      await token.connect(alice).approve(await vault.getAddress(), USD("100"));
      await expect(vault.connect(alice).subscribe(0, USD("100")))
        .to.be.revertedWithCustomError(vault, "TrancheVaultTransferFeeDetected")
        .withArgs(USD("100"), USD("99"));
    });
  });

  describe("closeFunding and refund", function () {
    it("reverts while targets are unmet before the deadline", async function () {
      const { vault } = await networkHelpers.loadFixture(baseFixture);
      await expect(vault.closeFunding())
        .to.be.revertedWithCustomError(vault, "TrancheVaultFundingStillOpen")
        .withArgs((await vault.params()).fundingDeadline);
    });

    it("fails after the deadline and gives every investor exactly what they paid", async function () {
      const { vault, stablecoin, alice, bob, notes } = await networkHelpers.loadFixture(baseFixture);
      await vault.connect(alice).subscribe(0, USD("250000"));
      await vault.connect(bob).subscribe(2, USD("1234.567891"));
      await networkHelpers.time.increaseTo((await vault.params()).fundingDeadline);
      await expect(vault.closeFunding()).to.emit(vault, "FundingFailed").withArgs(USD("251234.567891"));
      await expect(vault.connect(alice).refund(0, alice.address)).to.changeTokenBalance(
        ethers,
        stablecoin,
        alice,
        USD("250000"),
      );
      await expect(vault.connect(bob).refund(2, bob.address))
        .to.emit(vault, "Refunded")
        .withArgs(2n, bob.address, bob.address, USD("1234.567891"), USD("1234.567891"));
      expect(await notes[0].totalSupply()).to.equal(0n);
      await expect(vault.connect(alice).refund(0, alice.address))
        .to.be.revertedWithCustomError(vault, "TrancheVaultNothingToClaim")
        .withArgs(0n, alice.address);
    });
  });

  describe("drawdown", function () {
    it("reverts before funding closes", async function () {
      const { vault, alice, stablecoin, vaultAddress } = await networkHelpers.loadFixture(baseFixture);
      await vault.connect(alice).subscribe(0, USD("600000"));
      await expect(vault.drawdown()).to.be.revertedWithCustomError(vault, "TrancheVaultUnexpectedState").withArgs(0n);
    });

    it("reverts for a non-operator", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.vault.connect(f.alice).drawdown())
        .to.be.revertedWithCustomError(f.vault, "AccessControlUnauthorizedAccount")
        .withArgs(f.alice.address, await f.vault.OPERATOR_ROLE());
    });

    it("reverts when repeated", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.vault.drawdown()).to.be.revertedWithCustomError(f.vault, "TrancheVaultAlreadyDrawn");
    });
  });

  describe("receiveRevenue", function () {
    it("reverts before funding closes", async function () {
      const g = await networkHelpers.loadFixture(baseFixture);
      await expect(g.vault.connect(g.producer).receiveRevenue(0, 1n))
        .to.be.revertedWithCustomError(g.vault, "TrancheVaultUnexpectedState")
        .withArgs(0n);
    });

    it("reverts for a zero amount", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.vault.connect(f.producer).receiveRevenue(1, 0n)).to.be.revertedWithCustomError(
        f.vault,
        "TrancheVaultZeroAmount",
      );
    });

    it("books revenue by source to the open period", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await f.vault.connect(f.producer).receiveRevenue(2, USD("7"));
      await f.vault.connect(f.producer).receiveRevenue(2, USD("3"));
      expect(await f.vault.openPeriodRevenue()).to.equal(USD("10"));
      const { revenueBySource } = await readVaultPeriod(ethers.provider, await f.vault.getAddress(), 1n);
      expect(revenueBySource).to.deep.equal([0n, 0n, USD("10"), 0n]);
      expect(await f.vault.pendingRevenue()).to.equal(USD("10"));
      expect(await f.vault.revenueAsset()).to.equal(ethers.getAddress(await f.stablecoin.getAddress()));
    });
  });

  describe("distribute", function () {
    it("reverts before the period ends", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await f.vault.connect(f.producer).receiveRevenue(0, USD("80000"));
      const endsAt = (await f.vault.startTime()) + PERIOD;
      await expect(f.vault.distribute(1))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultPeriodNotEnded")
        .withArgs(1n, endsAt);
    });

    it("reverts when repeated or out of order", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await expect(f.vault.distribute(1))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultPeriodAlreadyDistributed")
        .withArgs(1n);
      await expect(f.vault.distribute(3))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultPeriodOutOfOrder")
        .withArgs(2n, 3n);
    });
  });

  describe("writeDown", function () {
    it("reverts above total principal", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.vault.writeDown(USD("1000000") + 1n))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultWriteDownExceedsPrincipal")
        .withArgs(USD("1000000") + 1n, USD("1000000"));
    });

    it("reverts for zero", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.vault.writeDown(0n)).to.be.revertedWithCustomError(f.vault, "TrancheVaultZeroAmount");
    });

    it("reverts for a non-assessor", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.vault.connect(f.alice).writeDown(1n))
        .to.be.revertedWithCustomError(f.vault, "AccessControlUnauthorizedAccount")
        .withArgs(f.alice.address, await f.vault.LOSS_ASSESSOR_ROLE());
    });

    it("reaches the senior tranche only once the juniors are gone", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await f.vault.writeDown(USD("450000"));
      expect((await f.vault.tranche(2)).principal).to.equal(0n);
      expect((await f.vault.tranche(1)).principal).to.equal(0n);
      expect((await f.vault.tranche(0)).principal).to.equal(USD("550000"));
      expect(await f.vault.principalOf(0, f.alice.address)).to.equal(USD("550000"));
    });
  });

  describe("note transfers", function () {
    for (const [who, error] of [
      ["outsider", "TrancheVaultInvestorNotVerified"],
      ["expired", "TrancheVaultInvestorNotVerified"],
      ["frozen", "TrancheVaultAccountFrozen"],
    ] as const) {
      it(`reverts transfer and transferFrom to a ${who} account`, async function () {
        const f = await networkHelpers.loadFixture(activeFixture);
        await networkHelpers.time.increase(2n * DAY);
        const to = f[who].address;
        await expect(f.notes[0].connect(f.alice).transfer(to, 1n))
          .to.be.revertedWithCustomError(f.vault, error)
          .withArgs(to);
        await f.notes[0].connect(f.alice).approve(f.bob.address, 1n);
        await expect(f.notes[0].connect(f.bob).transferFrom(f.alice.address, to, 1n))
          .to.be.revertedWithCustomError(f.vault, error)
          .withArgs(to);
      });
    }

    it("reverts when the sender is frozen", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await f.registry.setFrozen(f.alice.address, true);
      await expect(f.notes[0].connect(f.alice).transfer(f.bob.address, 1n))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.alice.address);
    });

    it("reverts when anyone but the vault mints, allots, pays out, cancels or recovers notes", async function () {
      const f = await networkHelpers.loadFixture(activeFixture);
      await expect(f.notes[0].connect(f.alice).mint(f.alice.address, 1n))
        .to.be.revertedWithCustomError(f.notes[0], "TrancheNoteUnauthorized")
        .withArgs(f.alice.address);
      await expect(f.notes[0].connect(f.alice).allot(1n))
        .to.be.revertedWithCustomError(f.notes[0], "TrancheNoteUnauthorized")
        .withArgs(f.alice.address);
      await expect(f.notes[0].connect(f.alice).take(f.alice.address))
        .to.be.revertedWithCustomError(f.notes[0], "TrancheNoteUnauthorized")
        .withArgs(f.alice.address);
      await expect(f.notes[0].connect(f.alice).cancel(f.alice.address))
        .to.be.revertedWithCustomError(f.notes[0], "TrancheNoteUnauthorized")
        .withArgs(f.alice.address);
      await expect(f.notes[0].recover(f.alice.address, f.bob.address))
        .to.be.revertedWithCustomError(f.notes[0], "TrancheNoteUnauthorized")
        .withArgs(f.deployer.address);
    });
  });

  describe("claim and redeem", function () {
    for (const [who, error] of [
      ["outsider", "TrancheVaultInvestorNotVerified"],
      ["expired", "TrancheVaultInvestorNotVerified"],
      ["frozen", "TrancheVaultAccountFrozen"],
    ] as const) {
      it(`reverts when claiming to a ${who} receiver`, async function () {
        const f = await networkHelpers.loadFixture(distributedFixture);
        const receiver = f[who].address;
        await expect(f.vault.connect(f.alice).claim(0, receiver))
          .to.be.revertedWithCustomError(f.vault, error)
          .withArgs(receiver);
      });
    }

    it("reverts when the holder is frozen or has nothing to claim", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await f.registry.setFrozen(f.bob.address, true);
      await expect(f.vault.connect(f.bob).claim(1, f.bob.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.bob.address);
      await expect(f.vault.connect(f.carol).claim(1, f.carol.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultNothingToClaim")
        .withArgs(1n, f.carol.address);
    });

    it("reverts redeem before maturity", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await expect(f.vault.connect(f.alice).redeem(0, f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultUnexpectedState")
        .withArgs(2n);
    });

    it("keeps paying the others when one payee is blocked by the stablecoin", async function () {
      const { registry, deployer, alice, bob, carol } = await networkHelpers.loadFixture(baseFixture);
      const token = await ethers.deployContract("BlocklistToken");
      const vault = await ethers.deployContract("TrancheVault", [
        await params(await token.getAddress(), await registry.getAddress(), deployer.address),
        tranches(),
      ]);
      for (const [who, id, amount] of [
        [alice, 0, USD("300")],
        [bob, 0, USD("300")],
        [carol, 1, USD("400")],
      ] as const) {
        await token.mint(who.address, amount);
        await token.connect(who).approve(await vault.getAddress(), amount);
        await vault.connect(who).subscribe(id, amount);
      }
      await vault.closeFunding();
      await vault.drawdown();
      await token.mint(deployer.address, USD("100"));
      await token.approve(await vault.getAddress(), USD("100"));
      await vault.receiveRevenue(1, USD("100"));
      await networkHelpers.time.increaseTo((await vault.startTime()) + PERIOD);
      await vault.distribute(1);
      await token.setBlocked(alice.address, true);
      await expect(vault.connect(alice).claim(0, alice.address)).to.be.revertedWithCustomError(
        token,
        "BlocklistTokenBlocked",
      );
      // Each holds half of senior: 300 × 8% × 30/365 = 1.972602 (rounded down from 1.9726027...).
      const coupon = USD("1.972602");
      await expect(vault.connect(bob).claim(0, bob.address)).to.changeTokenBalance(ethers, token, bob, coupon);
      await expect(vault.connect(alice).claim(0, carol.address)).to.changeTokenBalance(ethers, token, carol, coupon);
    });
  });

  describe("fees", function () {
    it("pays the fee owed to the recipient, and only operators change the recipient", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await expect(f.vault.connect(f.alice).setFeeRecipient(f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "AccessControlUnauthorizedAccount")
        .withArgs(f.alice.address, await f.vault.OPERATOR_ROLE());
      await expect(f.vault.setFeeRecipient(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        f.vault,
        "TrancheVaultZeroAddress",
      );
      await expect(f.vault.setFeeRecipient(f.carol.address))
        .to.emit(f.vault, "FeeRecipientSet")
        .withArgs(f.deployer.address, f.carol.address);
      expect((await f.vault.fees()).owed).to.equal(USD("500"));
      await expect(f.vault.connect(f.alice).payFees()).to.changeTokenBalance(ethers, f.stablecoin, f.carol, USD("500"));
      await expect(f.vault.payFees()).to.be.revertedWithCustomError(f.vault, "TrancheVaultZeroAmount");
    });
  });
});
