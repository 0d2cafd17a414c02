import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { expect } from "chai";
import { network } from "hardhat";

import type { ITrancheVault } from "../../typechain-types/finance/TrancheVault.js";
import { readVaultPeriod } from "../../sdk/vault.js";
import { deployFinance } from "../helpers/finance.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const DAY = 24n * 60n * 60n;
const PERIOD = 30n * DAY;
const Failed = 1n;
const Active = 2n;
const Matured = 3n;

async function baseFixture() {
  const suite = await deployFinance(provider, ethers);
  const [deployer, alice, bob, carol, outsider, frozen, producer, aliceCold] = await ethers.getSigners();
  const now = BigInt(await networkHelpers.time.latest());
  await suite.registry.listInvestors(
    [alice, bob, carol, frozen, aliceCold].map((s) => s.address),
    now + 3650n * DAY,
    276,
  );
  await suite.registry.setFrozen(frozen.address, true);
  // Alice's hot and cold wallets belong to one investor identity; bob has his own.
  await suite.registry.linkIdentity(alice.address, ethers.id("investor:alice"));
  await suite.registry.linkIdentity(aliceCold.address, ethers.id("investor:alice"));
  await suite.registry.linkIdentity(bob.address, ethers.id("investor:bob"));
  const vaultAddress = await suite.vault.getAddress();
  for (const s of [alice, bob, carol, outsider, frozen, producer]) {
    await suite.stablecoin.mint(s.address, USD("2000000"));
    await suite.stablecoin.connect(s).approve(vaultAddress, ethers.MaxUint256);
  }
  return { ...suite, deployer, alice, bob, carol, outsider, frozen, producer, aliceCold, vaultAddress };
}

/** The example vault fully subscribed (alice senior + equity, bob mezzanine) and closed, not drawn. */
async function closedFixture() {
  const f = await baseFixture();
  await f.vault.connect(f.alice).subscribe(0, USD("600000"));
  await f.vault.connect(f.bob).subscribe(1, USD("300000"));
  await f.vault.connect(f.alice).subscribe(2, USD("100000"));
  await f.vault.closeFunding();
  return f;
}

/** Closed and drawn, with one period of revenue distributed. */
async function distributedFixture() {
  const f = await closedFixture();
  await f.vault.drawdown();
  await f.vault.connect(f.producer).receiveRevenue(0, USD("80000"));
  await networkHelpers.time.increaseTo((await f.vault.startTime()) + PERIOD);
  await f.vault.distribute(1);
  return f;
}

type Fixture = Awaited<ReturnType<typeof baseFixture>>;

/** A vault of `tranches` in `asset` with a 500 USD fee, three 30-day periods and no reserve or covenant. */
async function customVault(f: Fixture, asset: string, tranches: ITrancheVault.TrancheParamsStruct[], wallet?: string) {
  const vault = await ethers.deployContract("TrancheVault", [
    {
      asset,
      registry: await f.registry.getAddress(),
      admin: f.deployer.address,
      projectWallet: wallet ?? f.deployer.address,
      feeRecipient: f.deployer.address,
      fundingDeadline: BigInt(await networkHelpers.time.latest()) + 10n * DAY,
      periodLength: PERIOD,
      periodCount: 3,
      servicingFeePerPeriod: USD("500"),
      reserveTargetBps: 0,
      minCoverageBps: 0,
    },
    tranches,
  ]);
  return vault;
}

const equity = (size: string): ITrancheVault.TrancheParamsStruct => ({
  name: "E",
  symbol: "E",
  targetSize: USD(size),
  minSubscription: 1n,
  couponBps: 0,
  amortizationPerPeriod: 0n,
});
const senior = (size: string): ITrancheVault.TrancheParamsStruct => ({
  name: "S",
  symbol: "S",
  targetSize: USD(size),
  minSubscription: 1n,
  couponBps: 1_000,
  amortizationPerPeriod: 0n,
});

async function subscribeAll(
  vault: Awaited<ReturnType<typeof customVault>>,
  by: [HardhatEthersSigner, number, string][],
) {
  for (const [who, id, amount] of by) {
    await vault.connect(who).subscribe(id, USD(amount));
  }
}

describe("TrancheVault lifecycle", function () {
  describe("maturity follows the term", function () {
    it("keeps an equity-only vault open for revenue until its last period", async function () {
      const f = await networkHelpers.loadFixture(baseFixture);
      const vault = await customVault(f, await f.stablecoin.getAddress(), [equity("1000")]);
      await f.stablecoin.connect(f.alice).approve(vault, ethers.MaxUint256);
      await f.stablecoin.connect(f.producer).approve(vault, ethers.MaxUint256);
      await subscribeAll(vault, [[f.alice, 0, "1000"]]);
      await vault.closeFunding();
      await vault.drawdown();
      const start = await vault.startTime();
      for (const period of [1n, 2n, 3n]) {
        await vault.connect(f.producer).receiveRevenue(0, USD("700"));
        await networkHelpers.time.increaseTo(start + period * PERIOD);
        const tx = vault.distribute(period);
        if (period < 3n) await expect(tx).not.to.emit(vault, "VaultMatured");
        else await expect(tx).to.emit(vault, "VaultMatured").withArgs(3n);
        expect(await vault.state()).to.equal(period < 3n ? Active : Matured);
      }
      // Three periods of 700 less the 500 fee: 600 to the only holder, nothing stranded.
      await expect(vault.connect(f.alice).redeem(0, f.alice.address)).to.changeTokenBalance(
        ethers,
        f.stablecoin,
        f.alice,
        USD("600"),
      );
      await vault.payFees();
      expect(await f.stablecoin.balanceOf(vault)).to.equal(0n);
    });

    it("does not mature when debt is written off to zero, keeps the fee arrears and repays written-off debt first", async function () {
      const f = await networkHelpers.loadFixture(baseFixture);
      const vault = await customVault(f, await f.stablecoin.getAddress(), [senior("1000"), equity("500")]);
      for (const s of [f.alice, f.bob, f.producer]) await f.stablecoin.connect(s).approve(vault, ethers.MaxUint256);
      await subscribeAll(vault, [
        [f.alice, 0, "1000"],
        [f.bob, 1, "500"],
      ]);
      await vault.closeFunding();
      await vault.drawdown();
      const start = await vault.startTime();
      // The whole principal is lost: equity first, then the senior tranche.
      await vault.writeDown(USD("1500"));
      expect((await vault.tranche(0)).writtenDown).to.equal(USD("1000"));
      await networkHelpers.time.increaseTo(start + PERIOD);
      await expect(vault.distribute(1)).not.to.emit(vault, "VaultMatured");
      expect(await vault.state()).to.equal(Active);
      expect((await vault.fees()).arrears).to.equal(USD("500"));

      // A recovery arrives: the fee and its arrears first, then the written-off senior principal, then equity.
      await vault.connect(f.producer).receiveRevenue(3, USD("1500"));
      await networkHelpers.time.increaseTo(start + 2n * PERIOD);
      await vault.distribute(2);
      expect(await vault.fees()).to.deep.equal([USD("1000"), 0n]);
      const s = await vault.tranche(0);
      expect([s.principal, s.writtenDown, s.principalRepaid]).to.deep.equal([0n, USD("500"), USD("500")]);
      expect(await vault.claimableOf(0, f.alice.address)).to.equal(USD("500"));
      expect(await vault.claimableOf(1, f.bob.address)).to.equal(0n);
      const { tranches } = await readVaultPeriod(ethers.provider, await vault.getAddress(), 2n);
      expect(tranches[0].principalPaid).to.equal(USD("500"));

      await vault.connect(f.producer).receiveRevenue(3, USD("1100"));
      await networkHelpers.time.increaseTo(start + 3n * PERIOD);
      await expect(vault.distribute(3)).to.emit(vault, "VaultMatured").withArgs(3n);
      // 1,100 - 500 fee: 500 makes the senior whole, equity gets the last 100.
      expect((await vault.tranche(0)).principalRepaid).to.equal(USD("1000"));
      expect(await vault.claimableOf(0, f.alice.address)).to.equal(USD("1000"));
      expect(await vault.claimableOf(1, f.bob.address)).to.equal(USD("100"));
    });
  });

  describe("a raise that is never drawn", function () {
    it("cannot be distributed, and unwinds from the draw deadline on so every holder gets face value back", async function () {
      const f = await networkHelpers.loadFixture(closedFixture);
      const deadline = (await f.vault.startTime()) + PERIOD;
      expect(await f.vault.drawDeadline()).to.equal(deadline);
      await f.vault.connect(f.producer).receiveRevenue(1, USD("5000"));
      // Nothing was lent, so nothing can be written off.
      await expect(f.vault.writeDown(USD("1"))).to.be.revertedWithCustomError(f.vault, "TrancheVaultNotDrawn");

      // The exact boundary (t - 1, t, t + 1) is swept in test/finance/Boundaries.t.sol.
      await expect(f.vault.connect(f.outsider).unwind())
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultDrawDeadlineNotReached")
        .withArgs(deadline);
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(f.vault.drawdown())
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultDrawDeadlinePassed")
        .withArgs(deadline);
      await expect(f.vault.distribute(1)).to.be.revertedWithCustomError(f.vault, "TrancheVaultNotDrawn");

      // Anyone unwinds; revenue that arrived belongs to the residual tranche.
      await expect(f.vault.connect(f.outsider).unwind())
        .to.emit(f.vault, "RaiseUnwound")
        .withArgs(deadline, USD("1000000"), USD("5000"));
      expect(await f.vault.state()).to.equal(Failed);
      await expect(f.vault.connect(f.outsider).unwind())
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultUnexpectedState")
        .withArgs(Failed);
      await expect(f.vault.connect(f.alice).redeem(0, f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultUnexpectedState")
        .withArgs(Failed);

      await expect(f.vault.connect(f.bob).refund(1, f.bob.address))
        .to.emit(f.vault, "Refunded")
        .withArgs(1n, f.bob.address, f.bob.address, USD("300000"), USD("300000"));
      await expect(f.vault.connect(f.alice).refund(0, f.alice.address)).to.changeTokenBalance(
        ethers,
        f.stablecoin,
        f.alice,
        USD("600000"),
      );
      await expect(f.vault.connect(f.alice).refund(2, f.aliceCold.address))
        .to.emit(f.vault, "Refunded")
        .withArgs(2n, f.alice.address, f.aliceCold.address, USD("100000"), USD("105000"));
      expect(await f.stablecoin.balanceOf(f.vaultAddress)).to.equal(0n);
      const totals = await f.vault.totals();
      expect([totals.refunded, totals.claimed, totals.drawn]).to.deep.equal([USD("1000000"), USD("5000"), 0n]);
    });

    it("unwinds when the project wallet is blocklisted by the stablecoin", async function () {
      const f = await networkHelpers.loadFixture(baseFixture);
      const token = await ethers.deployContract("BlocklistToken");
      const wallet = f.carol.address;
      const vault = await customVault(f, await token.getAddress(), [senior("600"), equity("400")], wallet);
      for (const [who, id, amount] of [
        [f.alice, 0, "600"],
        [f.bob, 1, "400"],
      ] as const) {
        await token.mint(who.address, USD(amount));
        await token.connect(who).approve(vault, USD(amount));
        await vault.connect(who).subscribe(id, USD(amount));
      }
      await vault.closeFunding();
      await token.setBlocked(wallet, true);
      await expect(vault.drawdown()).to.be.revertedWithCustomError(token, "BlocklistTokenBlocked").withArgs(wallet);
      await networkHelpers.time.increaseTo(await vault.drawDeadline());
      await vault.connect(f.outsider).unwind();
      await expect(vault.connect(f.alice).refund(0, f.alice.address)).to.changeTokenBalance(
        ethers,
        token,
        f.alice,
        USD("600"),
      );
      // A holder whom the stablecoin blocks takes the refund to another verified wallet.
      await token.setBlocked(f.bob.address, true);
      await expect(vault.connect(f.bob).refund(1, f.bob.address)).to.be.revertedWithCustomError(
        token,
        "BlocklistTokenBlocked",
      );
      await expect(vault.connect(f.bob).refund(1, f.aliceCold.address)).to.changeTokenBalance(
        ethers,
        token,
        f.aliceCold,
        USD("400"),
      );
      expect(await token.balanceOf(vault)).to.equal(0n);
    });

    it("refuses to unwind a drawn vault", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await expect(f.vault.connect(f.outsider).unwind()).to.be.revertedWithCustomError(
        f.vault,
        "TrancheVaultAlreadyDrawn",
      );
    });
  });

  describe("a frozen account acts on no note", function () {
    it("cannot move another holder's notes with an approval given before the freeze", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await f.notes[0].connect(f.alice).approve(f.carol.address, USD("1000"));
      await f.registry.setFrozen(f.carol.address, true);
      for (const to of [f.bob.address, f.alice.address]) {
        await expect(f.notes[0].connect(f.carol).transferFrom(f.alice.address, to, USD("1000")))
          .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
          .withArgs(f.carol.address);
      }
      expect(await f.notes[0].balanceOf(f.alice.address)).to.equal(USD("600000"));
      await f.registry.setFrozen(f.carol.address, false);
      await f.notes[0].connect(f.carol).transferFrom(f.alice.address, f.bob.address, USD("1000"));
      expect(await f.notes[0].balanceOf(f.bob.address)).to.equal(USD("1000"));
    });

    it("blocks transferFrom when the holder or the receiver is frozen, whoever the spender is", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await f.notes[0].connect(f.alice).approve(f.carol.address, USD("1000"));
      await f.registry.setFrozen(f.alice.address, true);
      await expect(f.notes[0].connect(f.carol).transferFrom(f.alice.address, f.bob.address, 1n))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.alice.address);
      await f.registry.setFrozen(f.alice.address, false);
      await expect(f.notes[0].connect(f.carol).transferFrom(f.alice.address, f.frozen.address, 1n))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.frozen.address);
    });

    it("cannot claim, redeem, refund or receive a recovery", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await f.registry.setFrozen(f.alice.address, true);
      await expect(f.vault.connect(f.alice).claim(0, f.bob.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.alice.address);
      await expect(f.vault.connect(f.bob).claim(1, f.frozen.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.frozen.address);
      await f.registry.linkIdentity(f.frozen.address, ethers.id("investor:bob"));
      await expect(f.vault.announceRecovery(f.bob.address, f.frozen.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.frozen.address);

      // Run to maturity: a frozen holder cannot redeem, nor redeem to a frozen receiver.
      const start = await f.vault.startTime();
      for (let period = 2n; period <= 12n; period++) {
        await networkHelpers.time.increaseTo(start + period * PERIOD);
        await f.vault.distribute(period);
      }
      expect(await f.vault.state()).to.equal(Matured);
      await expect(f.vault.connect(f.alice).redeem(0, f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.alice.address);
      await expect(f.vault.connect(f.bob).redeem(1, f.frozen.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.frozen.address);
      await expect(f.vault.connect(f.alice).refund(0, f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultUnexpectedState")
        .withArgs(Matured);
    });

    it("cannot take a refund after a failed funding", async function () {
      const f = await networkHelpers.loadFixture(baseFixture);
      await f.vault.connect(f.alice).subscribe(0, USD("10000"));
      await networkHelpers.time.increaseTo((await f.vault.params()).fundingDeadline);
      await f.vault.closeFunding();
      await f.registry.setFrozen(f.alice.address, true);
      await expect(f.vault.connect(f.alice).refund(0, f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultAccountFrozen")
        .withArgs(f.alice.address);
      await f.registry.setFrozen(f.alice.address, false);
      await expect(f.vault.connect(f.alice).refund(0, f.carol.address)).to.changeTokenBalance(
        ethers,
        f.stablecoin,
        f.carol,
        USD("10000"),
      );
    });
  });

  describe("powers over holders' assets", function () {
    it("rejects a reserve target above 100% and a coverage covenant above the maximum", async function () {
      const f = await networkHelpers.loadFixture(baseFixture);
      const factory = await ethers.getContractFactory("TrancheVault");
      const p = await f.vault.params();
      const base = {
        asset: p.asset,
        registry: p.registry,
        admin: f.deployer.address,
        projectWallet: p.projectWallet,
        feeRecipient: p.feeRecipient,
        fundingDeadline: BigInt(await networkHelpers.time.latest()) + DAY,
        periodLength: p.periodLength,
        periodCount: p.periodCount,
        servicingFeePerPeriod: p.servicingFeePerPeriod,
        reserveTargetBps: 10_000,
        minCoverageBps: 40_000,
      };
      await factory.deploy(base, [equity("1")]);
      await expect(factory.deploy({ ...base, reserveTargetBps: 10_001 }, [equity("1")]))
        .to.be.revertedWithCustomError(factory, "TrancheVaultReserveTargetTooHigh")
        .withArgs(10_001n, 10_000n);
      await expect(factory.deploy({ ...base, minCoverageBps: 40_001 }, [equity("1")]))
        .to.be.revertedWithCustomError(factory, "TrancheVaultMinCoverageTooHigh")
        .withArgs(40_001n, 40_000n);
    });

    it("recovers a wallet only after an announcement and a contest window, to a wallet of the same identity", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      const owed = await f.vault.claimableOf(0, f.alice.address);
      const tx = await f.vault.announceRecovery(f.alice.address, f.aliceCold.address);
      const executableAt = BigInt((await tx.getBlock())!.timestamp) + 7n * DAY;
      await expect(tx)
        .to.emit(f.vault, "RecoveryAnnounced")
        .withArgs(f.alice.address, f.aliceCold.address, executableAt, f.deployer.address);
      expect(await f.vault.pendingRecovery(f.alice.address)).to.deep.equal([f.aliceCold.address, executableAt]);

      await expect(f.vault.connect(f.outsider).recoverNotes(f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryPending")
        .withArgs(f.alice.address, executableAt);
      await networkHelpers.time.increaseTo(executableAt);
      // Freezing the lost wallet does not stop its recovery (that is what recovery is for).
      await f.registry.setFrozen(f.alice.address, true);
      await expect(f.vault.connect(f.outsider).recoverNotes(f.alice.address))
        .to.emit(f.vault, "NotesRecovered")
        .withArgs(0n, f.alice.address, f.aliceCold.address, USD("600000"), owed)
        .and.to.emit(f.vault, "NotesRecovered")
        .withArgs(
          2n,
          f.alice.address,
          f.aliceCold.address,
          USD("100000"),
          await f.vault.claimableOf(2, f.alice.address),
        );
      expect(await f.notes[0].balanceOf(f.aliceCold.address)).to.equal(USD("600000"));
      expect(await f.vault.claimableOf(0, f.aliceCold.address)).to.equal(owed);
      await expect(f.vault.connect(f.outsider).recoverNotes(f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryNotAnnounced")
        .withArgs(f.alice.address);
    });

    it("lets the holder contest a recovery from the old wallet, even while frozen", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      await f.registry.setFrozen(f.alice.address, true);
      await f.vault.announceRecovery(f.alice.address, f.aliceCold.address);
      await expect(f.vault.connect(f.bob).cancelRecovery(f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryNotCancellable")
        .withArgs(f.bob.address, f.alice.address);
      await expect(f.vault.connect(f.alice).cancelRecovery(f.alice.address))
        .to.emit(f.vault, "RecoveryCancelled")
        .withArgs(f.alice.address, f.alice.address);
      await networkHelpers.time.increase(8n * DAY);
      await expect(f.vault.recoverNotes(f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryNotAnnounced")
        .withArgs(f.alice.address);
      await expect(f.vault.cancelRecovery(f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryNotAnnounced")
        .withArgs(f.alice.address);
      // An agent can withdraw its own announcement too.
      await f.vault.announceRecovery(f.alice.address, f.aliceCold.address);
      await expect(f.vault.cancelRecovery(f.alice.address))
        .to.emit(f.vault, "RecoveryCancelled")
        .withArgs(f.alice.address, f.deployer.address);
    });

    it("refuses a replacement of another identity, an unverified one, and the same wallet, at announcement and execution", async function () {
      const f = await networkHelpers.loadFixture(distributedFixture);
      const alice = ethers.id("investor:alice");
      const bob = ethers.id("investor:bob");
      await expect(f.vault.announceRecovery(f.alice.address, f.bob.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryIdentityMismatch")
        .withArgs(f.alice.address, f.bob.address, alice, bob);
      await expect(f.vault.announceRecovery(f.carol.address, f.bob.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryIdentityMismatch")
        .withArgs(f.carol.address, f.bob.address, ethers.ZeroHash, bob);
      await expect(f.vault.announceRecovery(f.alice.address, f.outsider.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultInvestorNotVerified")
        .withArgs(f.outsider.address);
      await expect(f.vault.announceRecovery(f.alice.address, f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultInvalidRecovery")
        .withArgs(f.alice.address, f.alice.address);
      await expect(f.vault.connect(f.alice).announceRecovery(f.alice.address, f.aliceCold.address))
        .to.be.revertedWithCustomError(f.vault, "AccessControlUnauthorizedAccount")
        .withArgs(f.alice.address, await f.vault.AGENT_ROLE());

      // The registry changes during the window: execution checks again.
      await f.vault.announceRecovery(f.alice.address, f.aliceCold.address);
      await f.registry.linkIdentity(f.aliceCold.address, bob);
      await networkHelpers.time.increase(7n * DAY);
      await expect(f.vault.recoverNotes(f.alice.address))
        .to.be.revertedWithCustomError(f.vault, "TrancheVaultRecoveryIdentityMismatch")
        .withArgs(f.alice.address, f.aliceCold.address, alice, bob);
    });

    it("links identities only through a compliance agent, with an event", async function () {
      const f = await networkHelpers.loadFixture(baseFixture);
      await expect(f.registry.linkIdentity(f.carol.address, ethers.id("investor:carol")))
        .to.emit(f.registry, "IdentityLinked")
        .withArgs(f.carol.address, ethers.id("investor:carol"));
      expect(await f.registry.identityOf(f.carol.address)).to.equal(ethers.id("investor:carol"));
      await expect(f.registry.linkIdentity(ethers.ZeroAddress, ethers.id("x"))).to.be.revertedWithCustomError(
        f.registry,
        "InvestorRegistryZeroAddress",
      );
      await expect(f.registry.connect(f.carol).linkIdentity(f.carol.address, ethers.id("investor:alice")))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.carol.address, await f.registry.AGENT_ROLE());
    });
  });
});
