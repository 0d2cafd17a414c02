import type { BaseContract } from "ethers";

import { expect } from "chai";
import { Wallet, encodeBytes32String, id } from "ethers";
import { network } from "hardhat";

import {
  METER_READING_TYPES,
  batchIdOfReading,
  certificateIdOfBatch,
  meteredEnergyDomain,
  type MeterReading,
} from "../../sdk/energy.js";
import { flexibilityMarketDomain, signAttestation } from "../../sdk/flexibility.js";
import {
  ComputeMarket__factory,
  FlexibilityMarket__factory,
  TrancheNote__factory,
  TrancheVault__factory,
  type FlexibilityMarket,
  type NoReturnToken,
  type ReentrantReceiver,
  type TrancheVault,
} from "../../typechain-types/index.js";
import { HOUR, MWH, deployEverything } from "../helpers/security.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (whole: bigint) => whole * 10n ** 6n;
const DAY = 86_400n;
const PERIOD = 30n * DAY;
const ZONE = encodeBytes32String("ERCOT-NORTH");
const FLEXIBLE_LOAD = 7;

type Everything = Awaited<ReturnType<typeof deployEverything>>;
/** The surface every ERC-20 mock here shares (open `mint`, `approve`, `balanceOf`, `allowance`). */
type MintableToken = NoReturnToken;

async function base() {
  const suite = await deployEverything(provider, ethers);
  const [deployer, investor, provider1, provider2, outsider] = await ethers.getSigners();
  const now = BigInt(await networkHelpers.time.latest());
  await suite.contracts.InvestorRegistry.listInvestors([investor.address], now + 3650n * DAY, 276);
  const receiver = (await ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
  return { ...suite, deployer, investor, provider1, provider2, outsider, receiver };
}

/**
 * A compute market in `asset` over the suite's kWh and REC tokens, with one 8-GPU cluster of `provider1` paying
 * `provider1`, 100 units of bond and a one-hour window two hours from now at 10 units per GPU-hour.
 */
async function deployCompute(f: Awaited<ReturnType<typeof base>>, asset: string, token: MintableToken) {
  const market = await new ComputeMarket__factory(f.deployer).deploy(
    asset,
    await f.contracts.MeteredEnergy.getAddress(),
    await f.contracts.RenewableCertificates.getAddress(),
  );
  const asProvider = market.connect(f.provider1);
  await asProvider.registerCluster({
    gpuClass: "H100-SXM",
    gpuCount: 8,
    gridZone: ZONE,
    minWhPerGpuHour: 500,
    maxWhPerGpuHour: 1_000,
    operator: f.provider1.address,
    payout: f.provider1.address,
    payoutIsIntake: false,
  });
  await token.mint(f.provider1.address, 100n);
  await token.connect(f.provider1).approve(await market.getAddress(), 100n);
  const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
  await asProvider.offerWindow(1n, start, 1n, 10n);
  return { market, creditId: await market.creditId(1n, start) };
}

/** A one-tranche (equity only), one-period vault in `asset`, so that any revenue goes to its holders. */
async function deployVault(f: Everything, asset: string): Promise<TrancheVault> {
  const now = BigInt(await networkHelpers.time.latest());
  return new TrancheVault__factory(f.deployer).deploy(
    {
      asset,
      registry: await f.contracts.InvestorRegistry.getAddress(),
      admin: f.deployer.address,
      projectWallet: f.deployer.address,
      feeRecipient: f.deployer.address,
      fundingDeadline: now + 10n * DAY,
      periodLength: PERIOD,
      periodCount: 1,
      servicingFeePerPeriod: 0n,
      reserveTargetBps: 0,
      minCoverageBps: 0,
    },
    [{ name: "E", symbol: "E", targetSize: USD(1_000n), minSubscription: 1n, couponBps: 0, amortizationPerPeriod: 0n }],
  );
}

/** A market in `asset` (the deployer is admin, buyer and verifier) with a one-hour request two to three hours out. */
async function deployMarket(f: Everything, asset: string) {
  const market = await new FlexibilityMarket__factory(f.deployer).deploy(
    asset,
    await f.contracts.MeteredEnergy.getAddress(),
    f.deployer.address,
  );
  await market.grantRole(id("BUYER_ROLE"), f.deployer.address);
  await market.grantRole(id("VERIFIER_ROLE"), f.deployer.address);
  // At least two hours out, so the commitment deadline an hour before it is never seconds away: a test started
  // just before an hour boundary would otherwise commit after it.
  const windowStart = (BigInt(await networkHelpers.time.latest()) / HOUR + 3n) * HOUR;
  const terms = {
    gridZone: ZONE,
    direction: 1,
    windowStart,
    windowEnd: windowStart + HOUR,
    commitDeadline: windowStart - HOUR,
    settlementDeadline: windowStart + 2n * HOUR,
    capacityW: 2_000n,
    pricePerWh: 1_000n,
    stakeBps: 1_000,
    readingTolerance: 0,
  };
  return { market, terms };
}

/** Registers a flexible load owned by `owner` and returns its id. */
async function registerLoad(f: Everything, owner: string): Promise<bigint> {
  const registry = f.contracts.DeviceRegistry;
  const device = {
    signer: Wallet.createRandom().address,
    owner,
    kind: FLEXIBLE_LOAD,
    capacityW: 1_000n,
    gridZone: ZONE,
    commissionedAt: 1_700_000_000n,
    metadataURI: "",
  };
  const deviceId = await registry.registerDevice.staticCall(device);
  await registry.registerDevice(device);
  return deviceId;
}

/** Settles `commitmentId` after its window with a deployer-signed attestation of `deliveredWh`. */
async function attest(
  f: Everything,
  market: FlexibilityMarket,
  windowEnd: bigint,
  commitmentId: bigint,
  deliveredWh: bigint,
) {
  if (BigInt(await networkHelpers.time.latest()) < windowEnd) await networkHelpers.time.increaseTo(windowEnd);
  const attestation = { commitmentId, deliveredWh, verifier: f.deployer.address };
  const domain = await flexibilityMarketDomain(await market.getAddress(), ethers.provider);
  const signature = await signAttestation(f.deployer, domain, attestation);
  await market.settleWithAttestation(attestation, signature);
}

const reentrancy = (contract: BaseContract) => contract.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);

describe("adversarial tokens and receivers", function () {
  describe("a no-return (USDT-like) stablecoin", function () {
    it("carries a flexibility payout through the market into the vault and out to the investor, to the unit", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = (await ethers.deployContract("NoReturnToken")) as unknown as MintableToken;
      const tokenAddress = await token.getAddress();
      const vault = await deployVault(f, tokenAddress);
      const vaultAddress = await vault.getAddress();
      const { market, terms } = await deployMarket(f, tokenAddress);
      const marketAddress = await market.getAddress();

      await token.mint(f.investor.address, USD(1_000n));
      await token.connect(f.investor).approve(vaultAddress, USD(1_000n));
      await vault.connect(f.investor).subscribe(0n, USD(1_000n));
      await vault.closeFunding();
      await vault.drawdown();
      expect(await token.balanceOf(f.deployer.address)).to.equal(USD(1_000n));

      // The buyer escrows 2,000 Wh x 1,000 = 2,000,000; the provider stakes 10% of 1,000,000.
      const deviceId = await registerLoad(f, f.provider1.address);
      await token.mint(f.deployer.address, 2_000_000n);
      await token.approve(marketAddress, 2_000_000n);
      await market.openRequest(terms);
      await token.mint(f.provider1.address, 100_000n);
      await token.connect(f.provider1).approve(marketAddress, 100_000n);
      await market.connect(f.provider1).commit(1n, deviceId, 1_000n, vaultAddress);
      expect(await token.balanceOf(marketAddress)).to.equal(2_100_000n);

      // 600 Wh delivered: 600,000 to the payee (the vault); 40% shortfall slashes 40,000 of the stake.
      await attest(f, market, terms.windowEnd, 1n, 600n);
      await market.payRevenue(vaultAddress);
      await expect(market.payRevenue(vaultAddress))
        .to.be.revertedWithCustomError(market, "FlexibilityNothingToClaim")
        .withArgs(vaultAddress);
      await market.connect(f.provider1).claim(f.provider1.address);
      await market.claim(f.deployer.address);
      expect(await token.balanceOf(vaultAddress)).to.equal(600_000n);
      expect(await token.balanceOf(f.provider1.address)).to.equal(60_000n);
      expect(await token.balanceOf(f.deployer.address)).to.equal(USD(1_000n) + 1_400_000n + 40_000n);
      expect(await token.balanceOf(marketAddress)).to.equal(0n);
      // payRevenue's approval was reset to zero, so a USDT-style token accepts the next one.
      expect(await token.allowance(marketAddress, vaultAddress)).to.equal(0n);

      await networkHelpers.time.increaseTo((await vault.startTime()) + PERIOD);
      await vault.distribute(1n);
      await vault.connect(f.investor).claim(0n, f.investor.address);
      await vault.connect(f.investor).redeem(0n, f.investor.address);
      expect(await token.balanceOf(f.investor.address)).to.equal(600_000n);
      expect(await token.balanceOf(vaultAddress)).to.equal(0n);
    });
  });

  describe("a fee-on-transfer stablecoin", function () {
    it("is rejected by the market and the vault, the only modules that take a stablecoin, and nothing moves", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = (await ethers.deployContract("FeeOnTransferToken")) as unknown as MintableToken;
      const tokenAddress = await token.getAddress();
      const vault = await deployVault(f, tokenAddress);
      const { market, terms } = await deployMarket(f, tokenAddress);
      await token.mint(f.deployer.address, 2_000_000n);
      await token.approve(await market.getAddress(), 2_000_000n);
      await expect(market.openRequest(terms))
        .to.be.revertedWithCustomError(market, "FlexibilityTransferShortfall")
        .withArgs(2_000_000n, 1_980_000n);
      await token.mint(f.investor.address, USD(1_000n));
      await token.connect(f.investor).approve(await vault.getAddress(), USD(1_000n));
      await expect(vault.connect(f.investor).subscribe(0n, USD(1_000n)))
        .to.be.revertedWithCustomError(vault, "TrancheVaultTransferFeeDetected")
        .withArgs(USD(1_000n), USD(990n));
    });
  });

  describe("a fee-on-transfer stablecoin in the compute market", function () {
    it("is rejected for bonds, so one cluster's refunds are never paid from another cluster's bond", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = (await ethers.deployContract("FeeOnTransferToken")) as unknown as MintableToken;
      const { market } = await deployCompute(f, await token.getAddress(), token);
      await expect(market.connect(f.provider1).postBond(1n, 100n))
        .to.be.revertedWithCustomError(market, "ComputeTransferShortfall")
        .withArgs(100n, 99n);
    });
  });

  describe("a blocked GPU-cluster payee", function () {
    it("cannot stop GPU-hour sales; its proceeds wait for it or go where it sends them", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = await ethers.deployContract("BlocklistToken");
      const { market, creditId } = await deployCompute(f, await token.getAddress(), token as unknown as MintableToken);
      const marketAddress = await market.getAddress();
      await market.connect(f.provider1).postBond(1n, 100n);
      await token.mint(f.outsider.address, 50n);
      await token.connect(f.outsider).approve(marketAddress, 50n);
      await token.setBlocked(f.provider1.address, true);
      await market.connect(f.outsider).buy(creditId, 3n, f.outsider.address);
      expect(await market.balanceOf(f.outsider.address, creditId)).to.equal(3n);
      await expect(market.connect(f.outsider).pushProceeds(f.provider1.address))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocked")
        .withArgs(f.provider1.address);
      await market.connect(f.outsider).buy(creditId, 2n, f.outsider.address); // the next sale goes through too
      await market.connect(f.provider1).claimProceeds(f.provider2.address);
      expect(await token.balanceOf(f.provider2.address)).to.equal(50n);
      expect(await token.balanceOf(marketAddress)).to.equal(100n); // the bond, all of it owed to the provider
    });
  });

  describe("a blocked payee", function () {
    it("cannot stop the other providers of a request being paid, and can still be paid elsewhere", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = await ethers.deployContract("BlocklistToken");
      const { market, terms } = await deployMarket(f, await token.getAddress());
      const marketAddress = await market.getAddress();
      await token.mint(f.deployer.address, 2_000_000n);
      await token.approve(marketAddress, 2_000_000n);
      await market.openRequest(terms);
      for (const [i, provider1] of [f.provider1, f.provider2].entries()) {
        await token.mint(provider1.address, 100_000n);
        await token.connect(provider1).approve(marketAddress, 100_000n);
        await market.connect(provider1).commit(1n, await registerLoad(f, provider1.address), 1_000n, provider1.address);
        expect(await market.commitmentCount()).to.equal(BigInt(i + 1));
      }
      await attest(f, market, terms.windowEnd, 1n, 1_000n);
      await token.setBlocked(f.provider1.address, true);
      await attest(f, market, terms.windowEnd, 2n, 1_000n); // settlement only credits the ledger

      await expect(market.connect(f.provider1).claim(f.provider1.address))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocked")
        .withArgs(f.provider1.address);
      expect(await market.claimable(f.provider1.address)).to.equal(1_100_000n);
      await market.connect(f.provider2).claim(f.provider2.address);
      expect(await token.balanceOf(f.provider2.address)).to.equal(1_100_000n);
      await market.connect(f.provider1).claim(f.outsider.address);
      expect(await token.balanceOf(f.outsider.address)).to.equal(1_100_000n);
      expect(await token.balanceOf(marketAddress)).to.equal(0n);
    });

    it("cannot lock a vault's raise when it is the project wallet: anyone unwinds and holders are refunded", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = await ethers.deployContract("BlocklistToken");
      const vault = await deployVault(f, await token.getAddress());
      await token.mint(f.investor.address, USD(1_000n));
      await token.connect(f.investor).approve(await vault.getAddress(), USD(1_000n));
      await vault.connect(f.investor).subscribe(0n, USD(1_000n));
      await vault.closeFunding();
      await token.setBlocked(f.deployer.address, true);
      await expect(vault.drawdown())
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocked")
        .withArgs(f.deployer.address);
      await networkHelpers.time.increaseTo(await vault.drawDeadline());
      await vault.connect(f.outsider).unwind();
      await vault.connect(f.investor).refund(0n, f.investor.address);
      expect(await token.balanceOf(f.investor.address)).to.equal(USD(1_000n));
      expect(await token.balanceOf(await vault.getAddress())).to.equal(0n);
    });
  });

  describe("an ERC-1155 receiver that re-enters", function () {
    /** A 20 MW solar device owned by the receiver contract, with its baseline reading set. */
    async function energyFixture() {
      const f = await base();
      const meter = new Wallet(id("joulestack reentrant meter"));
      const receiverAddress = await f.receiver.getAddress();
      await f.contracts.DeviceRegistry.registerDevice({
        signer: meter.address,
        owner: receiverAddress,
        kind: 0,
        capacityW: 20n * MWH,
        gridZone: ZONE,
        commissionedAt: 1_700_000_000n,
        metadataURI: "",
      });
      const domain = await meteredEnergyDomain(await f.contracts.MeteredEnergy.getAddress(), ethers.provider);
      const t0 = (BigInt(await networkHelpers.time.latest()) / HOUR + 1n) * HOUR;
      const reading = async (cumulativeWh: bigint, timestamp: bigint) => {
        const r: MeterReading = { deviceId: 1n, cumulativeWh, timestamp };
        return [r, await meter.signTypedData(domain, METER_READING_TYPES, { ...r })] as const;
      };
      await networkHelpers.time.increaseTo(t0 + 1_200n);
      // The owner (the receiver contract) starts metering.
      await f.receiver.execute(
        await f.contracts.MeteredEnergy.getAddress(),
        f.contracts.MeteredEnergy.interface.encodeFunctionData("resumeMetering", [...(await reading(0n, t0))]),
      );
      return { ...f, receiverAddress, reading, t0 };
    }

    it("gains nothing by re-entering submitReading during its own mint", async function () {
      const f = await networkHelpers.loadFixture(energyFixture);
      const energy = f.contracts.MeteredEnergy;
      const second = await f.reading(2n * MWH, f.t0 + 1_200n);
      await f.receiver.arm(
        await energy.getAddress(),
        energy.interface.encodeFunctionData("submitReading", [...second]),
      );
      await energy.submitReading(...(await f.reading(MWH, f.t0 + 600n)));

      expect([await f.receiver.attempts(), await f.receiver.successes()]).to.deep.equal([1n, 0n]);
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(energy));
      expect(await energy.mintedWh(1n)).to.equal(MWH);
      expect(await energy.balanceOf(f.receiverAddress, batchIdOfReading(1n, f.t0 + 600n))).to.equal(MWH);
      await energy.submitReading(...second); // the armed reading was genuine: only the re-entry was refused
      expect(await energy.mintedWh(1n)).to.equal(2n * MWH);
    });

    it("gains nothing by pulling the sender's kWh again during a transfer", async function () {
      const f = await networkHelpers.loadFixture(energyFixture);
      const energy = f.contracts.MeteredEnergy;
      await energy.submitReading(...(await f.reading(MWH, f.t0 + 600n)));
      const batch = batchIdOfReading(1n, f.t0 + 600n);
      await f.receiver.execute(
        await energy.getAddress(),
        energy.interface.encodeFunctionData("safeTransferFrom", [
          f.receiverAddress,
          f.investor.address,
          batch,
          MWH,
          "0x",
        ]),
      );
      await f.receiver.arm(
        await energy.getAddress(),
        energy.interface.encodeFunctionData("safeTransferFrom", [
          f.investor.address,
          f.receiverAddress,
          batch,
          1n,
          "0x",
        ]),
      );
      await energy.connect(f.investor).safeTransferFrom(f.investor, f.receiverAddress, batch, 10n, "0x");
      expect(await f.receiver.lastRevert()).to.equal(
        energy.interface.encodeErrorResult("ERC1155MissingApprovalForAll", [f.receiverAddress, f.investor.address]),
      );
      expect(await energy.balanceOf(f.receiverAddress, batch)).to.equal(10n);
      expect(await energy.balanceOf(f.investor.address, batch)).to.equal(MWH - 10n);
    });

    it("gains nothing by re-entering retire while its RECs are minted, or requestIssuance while kWh come back", async function () {
      const f = await networkHelpers.loadFixture(energyFixture);
      const { MeteredEnergy: energy, RenewableCertificates: certificates } = f.contracts;
      const certificatesAddress = await certificates.getAddress();
      await energy.submitReading(...(await f.reading(2n * MWH, f.t0 + 600n)));
      const batch = batchIdOfReading(1n, f.t0 + 600n);
      const rec = certificateIdOfBatch(batch);
      await f.receiver.execute(
        await energy.getAddress(),
        energy.interface.encodeFunctionData("setApprovalForAll", [certificatesAddress, true]),
      );
      const request = certificates.interface.encodeFunctionData("requestIssuance", [[batch], [MWH]]);
      await f.receiver.execute(certificatesAddress, request);
      await f.receiver.execute(certificatesAddress, request);

      const retire = certificates.interface.encodeFunctionData("retire", [
        f.receiverAddress,
        rec,
        1n,
        f.receiverAddress,
        "me",
        "twice",
      ]);
      await f.receiver.arm(certificatesAddress, retire);
      await certificates.certify(1n, [batch], [MWH], "");
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(certificates));
      expect(await certificates.balanceOf(f.receiverAddress, rec)).to.equal(1n);
      expect(await certificates.receiptCount()).to.equal(0n);

      await f.receiver.arm(certificatesAddress, request);
      await certificates.reject(2n, [batch], [MWH], "not this one");
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(certificates));
      expect(await energy.balanceOf(f.receiverAddress, batch)).to.equal(MWH);
      expect(await energy.balanceOf(certificatesAddress, batch)).to.equal(0n);
      expect(await f.receiver.attempts()).to.equal(2n);
      expect(await f.receiver.successes()).to.equal(0n);
    });

    it("gains nothing by re-entering the market while its position is minted", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = (await ethers.deployContract("CallbackToken")) as unknown as MintableToken;
      const { market, terms } = await deployMarket(f, await token.getAddress());
      const marketAddress = await market.getAddress();
      const receiverAddress = await f.receiver.getAddress();
      const deviceId = await registerLoad(f, receiverAddress);
      await token.mint(f.deployer.address, 2_000_000n);
      await token.approve(marketAddress, 2_000_000n);
      await market.openRequest(terms);
      await token.mint(receiverAddress, 200_000n);
      await f.receiver.execute(
        await token.getAddress(),
        token.interface.encodeFunctionData("approve", [marketAddress, 200_000n]),
      );
      const commit = market.interface.encodeFunctionData("commit", [1n, deviceId, 1_000n, receiverAddress]);
      await f.receiver.arm(
        marketAddress,
        market.interface.encodeFunctionData("commit", [1n, deviceId, 500n, receiverAddress]),
      );
      await f.receiver.execute(marketAddress, commit);
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(market));
      expect(await market.commitmentCount()).to.equal(1n);
      expect(await token.balanceOf(receiverAddress)).to.equal(100_000n);

      // Paid in a token that calls back: claiming again from inside the payout finds the guard (and a zero ledger).
      await attest(f, market, terms.windowEnd, 1n, 1_000n);
      await f.receiver.arm(marketAddress, market.interface.encodeFunctionData("claim", [receiverAddress]));
      await f.receiver.execute(marketAddress, market.interface.encodeFunctionData("claim", [receiverAddress]));
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(market));
      expect(await token.balanceOf(receiverAddress)).to.equal(100_000n + 1_100_000n);
      expect(await market.claimable(receiverAddress)).to.equal(0n);
    });

    /** A matured one-tranche vault in a call-back token whose only holder is the receiver, owed 300 USD. */
    async function vaultFixture() {
      const f = await base();
      const token = (await ethers.deployContract("CallbackToken")) as unknown as MintableToken;
      const vault = await deployVault(f, await token.getAddress());
      const vaultAddress = await vault.getAddress();
      const receiverAddress = await f.receiver.getAddress();
      const now = BigInt(await networkHelpers.time.latest());
      await f.contracts.InvestorRegistry.listInvestor(receiverAddress, now + 365n * DAY, 276);
      await token.mint(receiverAddress, USD(1_000n));
      await f.receiver.execute(
        await token.getAddress(),
        token.interface.encodeFunctionData("approve", [vaultAddress, USD(1_000n)]),
      );
      await f.receiver.execute(vaultAddress, vault.interface.encodeFunctionData("subscribe", [0n, USD(1_000n)]));
      await vault.closeFunding();
      await vault.drawdown();
      await token.mint(f.deployer.address, USD(300n));
      await token.approve(vaultAddress, USD(300n));
      await vault.receiveRevenue(0, USD(300n));
      await networkHelpers.time.increaseTo((await vault.startTime()) + PERIOD);
      await vault.distribute(1n);
      const note = TrancheNote__factory.connect((await vault.tranche(0n)).note, f.deployer);
      const claim = vault.interface.encodeFunctionData("claim", [0n, receiverAddress]);
      const redeem = vault.interface.encodeFunctionData("redeem", [0n, receiverAddress]);
      return { ...f, token, vault, vaultAddress, receiverAddress, note, claim, redeem };
    }

    it("gains nothing by re-entering the vault's redeem from inside a claim payout", async function () {
      const f = await networkHelpers.loadFixture(vaultFixture);
      await f.receiver.arm(f.vaultAddress, f.redeem);
      await f.receiver.execute(f.vaultAddress, f.claim);
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(f.vault));
      expect(await f.token.balanceOf(f.receiverAddress)).to.equal(USD(300n));
      expect(await f.note.balanceOf(f.receiverAddress)).to.equal(USD(1_000n));
      expect(await f.vault.claimableOf(0n, f.receiverAddress)).to.equal(0n);
    });

    it("gains nothing by re-entering the vault's refund from inside a refund payout of an unwound raise", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = (await ethers.deployContract("CallbackToken")) as unknown as MintableToken;
      const vault = await deployVault(f, await token.getAddress());
      const vaultAddress = await vault.getAddress();
      const receiverAddress = await f.receiver.getAddress();
      const now = BigInt(await networkHelpers.time.latest());
      await f.contracts.InvestorRegistry.listInvestor(receiverAddress, now + 365n * DAY, 276);
      await token.mint(receiverAddress, USD(1_000n));
      await f.receiver.execute(
        await token.getAddress(),
        token.interface.encodeFunctionData("approve", [vaultAddress, USD(1_000n)]),
      );
      await f.receiver.execute(vaultAddress, vault.interface.encodeFunctionData("subscribe", [0n, USD(1_000n)]));
      await vault.closeFunding();
      await networkHelpers.time.increaseTo(await vault.drawDeadline());
      await vault.unwind();
      const refund = vault.interface.encodeFunctionData("refund", [0n, receiverAddress]);
      await f.receiver.arm(vaultAddress, refund);
      await f.receiver.execute(vaultAddress, refund);
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(vault));
      expect(await token.balanceOf(receiverAddress)).to.equal(USD(1_000n));
      expect(await token.balanceOf(vaultAddress)).to.equal(0n);
    });

    it("gains nothing by re-entering the vault's claim from inside a redeem payout", async function () {
      const f = await networkHelpers.loadFixture(vaultFixture);
      await f.receiver.arm(f.vaultAddress, f.claim);
      await f.receiver.execute(f.vaultAddress, f.redeem);
      expect(await f.receiver.lastRevert()).to.equal(reentrancy(f.vault));
      expect(await f.token.balanceOf(f.receiverAddress)).to.equal(USD(300n));
      expect(await f.note.balanceOf(f.receiverAddress)).to.equal(0n);
      expect(await f.token.balanceOf(f.vaultAddress)).to.equal(0n);
    });
  });

  describe("a compliance agent who lists a wallet of its own", function () {
    it("cannot take a holder's notes: recovery needs the holder's identity, is announced, and the holder contests it", async function () {
      const f = await networkHelpers.loadFixture(base);
      const registry = f.contracts.InvestorRegistry;
      const vault = await deployVault(f, await f.contracts.TestStablecoin.getAddress());
      const now = BigInt(await networkHelpers.time.latest());
      await f.contracts.TestStablecoin.mint(f.investor.address, USD(1_000n));
      await f.contracts.TestStablecoin.connect(f.investor).approve(await vault.getAddress(), USD(1_000n));
      await vault.connect(f.investor).subscribe(0n, USD(1_000n));
      await registry.linkIdentity(f.investor.address, id("investor"));
      // The agent lists its accomplice: another identity is refused outright.
      await registry.listInvestor(f.outsider.address, now + 365n * DAY, 276);
      await expect(vault.announceRecovery(f.investor.address, f.outsider.address))
        .to.be.revertedWithCustomError(vault, "TrancheVaultRecoveryIdentityMismatch")
        .withArgs(f.investor.address, f.outsider.address, id("investor"), ethers.ZeroHash);
      // It links the accomplice to the holder's identity: the recovery is public and waits out the contest window.
      await expect(registry.linkIdentity(f.outsider.address, id("investor")))
        .to.emit(registry, "IdentityLinked")
        .withArgs(f.outsider.address, id("investor"));
      await expect(vault.announceRecovery(f.investor.address, f.outsider.address)).to.emit(vault, "RecoveryAnnounced");
      await expect(vault.recoverNotes(f.investor.address)).to.be.revertedWithCustomError(
        vault,
        "TrancheVaultRecoveryPending",
      );
      await vault.connect(f.investor).cancelRecovery(f.investor.address);
      await networkHelpers.time.increase(8n * DAY);
      await expect(vault.recoverNotes(f.investor.address))
        .to.be.revertedWithCustomError(vault, "TrancheVaultRecoveryNotAnnounced")
        .withArgs(f.investor.address);
      const note = TrancheNote__factory.connect((await vault.tranche(0n)).note, f.deployer);
      expect(await note.balanceOf(f.investor.address)).to.equal(USD(1_000n));
    });
  });
});
