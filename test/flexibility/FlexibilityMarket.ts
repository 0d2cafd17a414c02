import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import type { Signer } from "ethers";
import { network } from "hardhat";

import { meteredEnergyDomain } from "../../sdk/energy.js";
import { flexibilityMarketDomain } from "../../sdk/flexibility.js";

import {
  FeeOnTransferToken__factory,
  FlexibilityMarket__factory,
  FlexRevenueIntake__factory,
} from "../../typechain-types/index.js";
import {
  Direction,
  HOUR,
  Kind,
  OTHER_ZONE,
  ZONE,
  deployFlexibility,
  signAttestation,
  signReading,
} from "../helpers/flexibility.js";
import { decodeMetadata, isoHour } from "../helpers/metadata.js";

const { ethers, networkHelpers, provider } = await network.create();

const MW = 1_000_000n;
const PRICE = 100n; // stablecoin units (6 decimals) per Wh: 0.10 USD per kWh
const USDC = 1_000_000n;

async function gas(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) {
  return (await (await tx).wait())!.gasUsed;
}

describe("FlexibilityMarket", function () {
  async function marketFixture() {
    const suite = await deployFlexibility(provider, ethers);
    const { deployer, stablecoin, registry, market } = suite;
    const [, buyer, alice, bob, carol, verifier, stranger] = await ethers.getSigners();
    const meter = ethers.Wallet.createRandom();
    const now = BigInt(await networkHelpers.time.latest());
    const register = async (owner: string, kind: number, zone = ZONE) => {
      const id = await registry.registerDevice.staticCall({
        signer: meter.address,
        owner,
        kind,
        capacityW: MW,
        gridZone: zone,
        commissionedAt: now - 86_400n,
        metadataURI: "ipfs://d",
      });
      await registry.registerDevice({
        signer: meter.address,
        owner,
        kind,
        capacityW: MW,
        gridZone: zone,
        commissionedAt: now - 86_400n,
        metadataURI: "ipfs://d",
      });
      return id;
    };
    const batteries = [
      await register(alice.address, Kind.Battery),
      await register(bob.address, Kind.Battery),
      await register(carol.address, Kind.Battery),
    ];
    const solar = await register(alice.address, Kind.Solar);
    const elsewhere = await register(alice.address, Kind.Battery, OTHER_ZONE);
    const load = await register(alice.address, Kind.FlexibleLoad);
    await market.grantRole(await market.BUYER_ROLE(), buyer.address);
    await market.grantRole(await market.VERIFIER_ROLE(), verifier.address);
    for (const account of [buyer, alice, bob, carol]) {
      await stablecoin.mint(account.address, 10_000n * USDC);
      await stablecoin.connect(account).approve(await market.getAddress(), ethers.MaxUint256);
    }
    const intake = await new FlexRevenueIntake__factory(deployer).deploy(await stablecoin.getAddress());
    const { chainId } = await ethers.provider.getNetwork();
    const windowStart = (now / HOUR + 4n) * HOUR;
    const terms = {
      gridZone: ZONE,
      direction: Direction.Export,
      windowStart,
      windowEnd: windowStart + 2n * HOUR,
      commitDeadline: windowStart - HOUR,
      settlementDeadline: windowStart + 26n * HOUR,
      capacityW: 3n * MW,
      pricePerWh: PRICE,
      stakeBps: 5_000,
      readingTolerance: 900,
    };
    const energyDomain = await meteredEnergyDomain(await suite.energy.getAddress(), ethers.provider);
    const readings = async (
      deviceId: bigint,
      startWh: bigint,
      endWh: bigint,
      key = meter,
      verifyingContract?: string,
    ) => {
      const domain = { ...energyDomain, verifyingContract: verifyingContract ?? (await suite.energy.getAddress()) };
      const start = { deviceId, cumulativeWh: startWh, timestamp: terms.windowStart };
      const end = { deviceId, cumulativeWh: endWh, timestamp: terms.windowEnd };
      return [start, await signReading(key, domain, start), end, await signReading(key, domain, end)] as const;
    };
    /**
     * Puts a device's hourly readings from `from` to `to` into the kWh ledger (the owner starts metering at `from`),
     * the counter rising evenly from `startWh` to `endWh`: settlement only accepts readings the ledger has passed.
     */
    const meterLedger = async (
      owner: Signer,
      deviceId: bigint,
      startWh: bigint,
      endWh: bigint,
      from = terms.windowStart,
      to = terms.windowEnd,
    ) => {
      const first = { deviceId, cumulativeWh: startWh, timestamp: from };
      await suite.energy.connect(owner).resumeMetering(first, await signReading(meter, energyDomain, first));
      const hours = (to - from) / HOUR;
      const batch = [];
      const signatures = [];
      for (let h = 1n; h <= hours; h++) {
        const reading = {
          deviceId,
          cumulativeWh: startWh + ((endWh - startWh) * h) / hours,
          timestamp: from + h * HOUR,
        };
        batch.push(reading);
        signatures.push(await signReading(meter, energyDomain, reading));
      }
      await suite.energy.submitReadings(batch, signatures);
    };
    return {
      ...suite,
      buyer,
      alice,
      bob,
      carol,
      verifier,
      stranger,
      meter,
      batteries,
      solar,
      elsewhere,
      load,
      intake,
      terms,
      readings,
      meterLedger,
      chainId,
    };
  }

  async function committedFixture() {
    const f = await marketFixture();
    await f.market.connect(f.buyer).openRequest(f.terms);
    await f.market.connect(f.alice).commit(1n, f.batteries[0], MW, await f.intake.getAddress());
    await f.market.connect(f.bob).commit(1n, f.batteries[1], MW, f.bob.address);
    await f.market.connect(f.carol).commit(1n, f.batteries[2], MW, f.carol.address);
    return f;
  }

  describe("a full flexibility event", function () {
    it("pays full, half and no delivery from signed readings and accounts for every unit of escrow", async function () {
      const f = await loadFixture();
      const { market, stablecoin, buyer, alice, bob, carol, intake, batteries, terms } = f;
      const before = await Promise.all([buyer, alice, bob, carol].map((s) => stablecoin.balanceOf(s.address)));
      const openGas = await gas(market.connect(buyer).openRequest(terms));
      const commitGas = await gas(market.connect(alice).commit(1n, batteries[0], MW, await intake.getAddress()));
      await market.connect(bob).commit(1n, batteries[1], MW, bob.address);
      await market.connect(carol).commit(1n, batteries[2], MW, carol.address);
      expect(await stablecoin.balanceOf(await market.getAddress())).to.equal(600n * USDC + 300n * USDC);
      await expect(market.connect(alice).safeTransferFrom(alice.address, bob.address, 1n, 1n, "0x"))
        .to.be.revertedWithCustomError(market, "FlexibilityPositionNonTransferable")
        .withArgs(1n);

      await networkHelpers.time.increaseTo(terms.windowEnd + 120n);
      await f.meterLedger(alice, batteries[0], 10_000n, 10_000n + 2n * MW);
      await f.meterLedger(bob, batteries[1], 7n, 7n + MW);
      await f.meterLedger(carol, batteries[2], 50n, 50n);
      const fullGas = await gas(
        market.settleWithReadings(1n, ...(await f.readings(batteries[0], 10_000n, 10_000n + 2n * MW))),
      );
      const halfGas = await gas(market.settleWithReadings(2n, ...(await f.readings(batteries[1], 7n, 7n + MW))));
      const lastGas = await gas(market.settleWithReadings(3n, ...(await f.readings(batteries[2], 50n, 50n))));
      expect((await market.getRequest(1n)).escrowReturned).to.equal(true);

      await market.payRevenue(await intake.getAddress());
      expect(await market.claimable(carol.address)).to.equal(0n);
      for (const account of [buyer, alice, bob]) await market.connect(account).claim(account.address);

      // buyer: -600 escrow, +50 (bob's slash) +100 (carol's slash) +300 unused escrow
      expect(await stablecoin.balanceOf(buyer.address)).to.equal(before[0] - 150n * USDC);
      // alice: stake back in full, payout of 200 went to her revenue intake
      expect(await stablecoin.balanceOf(alice.address)).to.equal(before[1]);
      expect(await stablecoin.balanceOf(await intake.getAddress())).to.equal(200n * USDC);
      expect(await intake.received(2)).to.equal(200n * USDC); // RevenueSource.Flexibility
      // bob: +100 payout, -50 slashed; carol: -100 slashed
      expect(await stablecoin.balanceOf(bob.address)).to.equal(before[2] + 50n * USDC);
      expect(await stablecoin.balanceOf(carol.address)).to.equal(before[3] - 100n * USDC);
      expect(await stablecoin.balanceOf(await market.getAddress())).to.equal(0n);
      expect(await market.totalClaimable()).to.equal(0n);
      console.log(
        `      gas: open ${openGas}, commit ${commitGas}, settle full ${fullGas}, settle half ${halfGas}, settle last (+escrow return) ${lastGas}`,
      );
    });
  });

  const loadFixture = () => networkHelpers.loadFixture(marketFixture);
  const loadCommitted = () => networkHelpers.loadFixture(committedFixture);

  describe("openRequest", function () {
    it("reverts for a caller without the buyer role", async function () {
      const { market, stranger, terms } = await loadFixture();
      await expect(market.connect(stranger).openRequest(terms))
        .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await market.BUYER_ROLE());
    });
    it("reverts when the window is in the past", async function () {
      const { market, buyer, terms } = await loadFixture();
      const start = (BigInt(await networkHelpers.time.latest()) / HOUR) * HOUR;
      await expect(
        market.connect(buyer).openRequest({ ...terms, windowStart: start, commitDeadline: start }),
      ).to.be.revertedWithCustomError(market, "FlexibilityWindowInPast");
    });
    it("reverts when the window is not whole hours", async function () {
      const { market, buyer, terms } = await loadFixture();
      await expect(market.connect(buyer).openRequest({ ...terms, windowEnd: terms.windowEnd + 1n }))
        .to.be.revertedWithCustomError(market, "FlexibilityInvalidWindow")
        .withArgs(terms.windowStart, terms.windowEnd + 1n);
    });
    it("reverts when the commitment deadline is after the window start", async function () {
      const { market, buyer, terms } = await loadFixture();
      await expect(market.connect(buyer).openRequest({ ...terms, commitDeadline: terms.windowStart + 1n }))
        .to.be.revertedWithCustomError(market, "FlexibilityInvalidDeadlines")
        .withArgs(terms.windowStart + 1n, terms.settlementDeadline);
    });
    it("reverts when the settlement deadline does not fit the request's 40-bit times", async function () {
      const { market, buyer, terms } = await loadFixture();
      const max = (1n << 40n) - 1n;
      await expect(market.connect(buyer).openRequest({ ...terms, settlementDeadline: max + 1n }))
        .to.be.revertedWithCustomError(market, "FlexibilityDeadlineTooLate")
        .withArgs(max + 1n, max);
      await market.connect(buyer).openRequest({ ...terms, settlementDeadline: max });
      expect((await market.getRequest(1n)).settlementDeadline).to.equal(max);
    });
    it("reverts when the escrow would exceed what a request may lock", async function () {
      const { market, buyer, terms } = await loadFixture();
      const max = (1n << 112n) - 1n;
      expect(await market.MAX_ESCROW()).to.equal(max);
      const capacityW = (1n << 96n) - 1n;
      const pricePerWh = 1n << 80n;
      const hours = (terms.windowEnd - terms.windowStart) / 3600n;
      await expect(market.connect(buyer).openRequest({ ...terms, capacityW, pricePerWh }))
        .to.be.revertedWithCustomError(market, "FlexibilityEscrowTooLarge")
        .withArgs(capacityW * hours * pricePerWh, max);
    });
    it("reverts when the stake ratio is above 100%", async function () {
      const { market, buyer, terms } = await loadFixture();
      await expect(market.connect(buyer).openRequest({ ...terms, stakeBps: 10_001 }))
        .to.be.revertedWithCustomError(market, "FlexibilityInvalidTerms")
        .withArgs(terms.capacityW, PRICE, 10_001, 900);
    });
    it("reverts for a fee-on-transfer stablecoin and moves nothing", async function () {
      const { deployer, energy, buyer, terms } = await loadFixture();
      const fot = await new FeeOnTransferToken__factory(deployer).deploy();
      const market = await new FlexibilityMarket__factory(deployer).deploy(
        await fot.getAddress(),
        await energy.getAddress(),
        deployer.address,
      );
      await market.grantRole(await market.BUYER_ROLE(), buyer.address);
      await fot.mint(buyer.address, 1_000n * USDC);
      await fot.connect(buyer).approve(await market.getAddress(), ethers.MaxUint256);
      await expect(market.connect(buyer).openRequest(terms))
        .to.be.revertedWithCustomError(market, "FlexibilityTransferShortfall")
        .withArgs(600n * USDC, 594n * USDC);
    });
  });

  describe("commit", function () {
    async function opened() {
      const f = await loadFixture();
      await f.market.connect(f.buyer).openRequest(f.terms);
      return f;
    }
    it("reverts for an unknown request", async function () {
      const { market, alice, batteries } = await loadFixture();
      await expect(market.connect(alice).commit(9n, batteries[0], MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityUnknownRequest")
        .withArgs(9n);
    });
    it("reverts for a request or device id beyond what a commitment records", async function () {
      const { market, alice, batteries } = await loadFixture();
      const maxRequest = (1n << 40n) - 1n;
      const maxDevice = (1n << 48n) - 1n;
      await expect(market.connect(alice).commit(maxRequest + 1n, batteries[0], MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityIdTooLarge")
        .withArgs(maxRequest + 1n, maxRequest);
      await expect(market.connect(alice).commit(1n, maxDevice + 1n, MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityIdTooLarge")
        .withArgs(maxDevice + 1n, maxDevice);
      // At the limits the ids are only unknown.
      await expect(market.connect(alice).commit(maxRequest, batteries[0], MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityUnknownRequest")
        .withArgs(maxRequest);
    });
    it("reverts one second after the commitment deadline", async function () {
      const { market, alice, batteries, terms } = await opened();
      // The deadline itself still takes commitments (see test/flexibility/Boundaries.t.sol).
      await networkHelpers.time.setNextBlockTimestamp(terms.commitDeadline + 1n);
      await expect(market.connect(alice).commit(1n, batteries[0], MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityCommitmentClosed")
        .withArgs(1n, terms.commitDeadline, terms.commitDeadline + 1n);
    });
    it("reverts when the caller does not own the device", async function () {
      const { market, bob, alice, batteries } = await opened();
      await expect(market.connect(bob).commit(1n, batteries[0], MW, bob.address))
        .to.be.revertedWithCustomError(market, "FlexibilityNotDeviceOwner")
        .withArgs(batteries[0], alice.address, bob.address);
    });
    it("reverts for a suspended device", async function () {
      const { market, registry, alice, batteries } = await opened();
      await registry.suspendDevice(batteries[0], ethers.ZeroHash);
      await expect(market.connect(alice).commit(1n, batteries[0], MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityDeviceInactive")
        .withArgs(batteries[0]);
    });
    it("reverts for a device in another zone", async function () {
      const { market, alice, elsewhere } = await opened();
      await expect(market.connect(alice).commit(1n, elsewhere, MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityWrongZone")
        .withArgs(elsewhere, OTHER_ZONE, ZONE);
    });
    it("reverts for a device that cannot export on demand", async function () {
      const { market, alice, solar } = await opened();
      await expect(market.connect(alice).commit(1n, solar, MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityWrongDeviceKind")
        .withArgs(solar, Kind.Solar, Direction.Export);
    });
    it("reverts for zero watts", async function () {
      const { market, alice, batteries } = await opened();
      await expect(market.connect(alice).commit(1n, batteries[0], 0n, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityInvalidCommitment")
        .withArgs(0n, alice.address);
    });
    it("reverts above what the request still seeks", async function () {
      const { market, buyer, alice, batteries, terms } = await loadFixture();
      await market.connect(buyer).openRequest({ ...terms, capacityW: MW / 2n });
      await expect(market.connect(alice).commit(1n, batteries[0], MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityExceedsRequestCapacity")
        .withArgs(1n, MW / 2n, MW);
    });
  });

  describe("setPayee", function () {
    it("lets the provider redirect the payout", async function () {
      const { market, alice, stranger } = await loadCommitted();
      await expect(market.connect(alice).setPayee(1n, stranger.address))
        .to.emit(market, "PayeeChanged")
        .withArgs(1n, stranger.address);
      expect((await market.getCommitment(1n)).payee).to.equal(stranger.address);
    });
    it("reverts for anyone but the provider", async function () {
      const { market, stranger } = await loadCommitted();
      await expect(market.connect(stranger).setPayee(1n, stranger.address))
        .to.be.revertedWithCustomError(market, "FlexibilityNotProvider")
        .withArgs(1n, stranger.address);
    });
    it("reverts for an unknown commitment", async function () {
      const { market, alice } = await loadCommitted();
      await expect(market.connect(alice).setPayee(7n, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityUnknownCommitment")
        .withArgs(7n);
    });
  });

  describe("settleWithReadings", function () {
    it("reverts before the window ends", async function () {
      const f = await loadCommitted();
      const args = await f.readings(f.batteries[0], 0n, MW);
      await expect(f.market.settleWithReadings(1n, ...args)).to.be.revertedWithCustomError(
        f.market,
        "FlexibilityWindowNotOver",
      );
    });
    it("reverts after the settlement deadline", async function () {
      const f = await loadCommitted();
      await networkHelpers.time.increaseTo(f.terms.settlementDeadline + 1n);
      const args = await f.readings(f.batteries[0], 0n, MW);
      await expect(f.market.settleWithReadings(1n, ...args)).to.be.revertedWithCustomError(
        f.market,
        "FlexibilitySettlementDeadlinePassed",
      );
    });
    describe("when the window is over", function () {
      async function over() {
        const f = await loadCommitted();
        await networkHelpers.time.increaseTo(f.terms.windowEnd + 120n);
        return f;
      }
      it("reverts for readings of another device", async function () {
        const f = await over();
        const args = await f.readings(f.batteries[1], 0n, MW);
        await expect(f.market.settleWithReadings(1n, ...args))
          .to.be.revertedWithCustomError(f.market, "FlexibilityReadingWrongDevice")
          .withArgs(1n, f.batteries[0], f.batteries[1]);
      });
      it("reverts for readings outside the window or beyond its tolerance", async function () {
        const f = await over();
        const [start, startSig, end, endSig] = await f.readings(f.batteries[0], 0n, MW);
        const tolerance = BigInt(f.terms.readingTolerance);
        for (const [first, second] of [
          [{ ...start, timestamp: f.terms.windowStart - 1n }, end],
          [{ ...start, timestamp: f.terms.windowStart + tolerance + 1n }, end],
          [start, { ...end, timestamp: f.terms.windowEnd + 1n }],
          [start, { ...end, timestamp: f.terms.windowEnd - tolerance - 1n }],
        ]) {
          await expect(f.market.settleWithReadings(1n, first, startSig, second, endSig))
            .to.be.revertedWithCustomError(f.market, "FlexibilityReadingsDoNotBracket")
            .withArgs(first.timestamp, second.timestamp, f.terms.windowStart, f.terms.windowEnd);
        }
      });
      it("settles from readings inside the tolerance and records what they measured", async function () {
        const f = await over();
        await f.meterLedger(f.alice, f.batteries[0], 0n, 2n * MW);
        // The reading 15 minutes into the window is one the ledger never saw, but it is consistent with it.
        const domain = await meteredEnergyDomain(await f.energy.getAddress(), ethers.provider);
        const start = { deviceId: f.batteries[0], cumulativeWh: MW / 4n, timestamp: f.terms.windowStart + 900n };
        const [, , end, endSig] = await f.readings(f.batteries[0], 0n, 2n * MW);
        await expect(f.market.settleWithReadings(1n, start, await signReading(f.meter, domain, start), end, endSig))
          .to.emit(f.market, "DeliveryMeasured")
          .withArgs(1n, f.batteries[0], start.timestamp, end.timestamp, MW / 4n, 2n * MW)
          .and.to.emit(f.market, "CommitmentSettled")
          .withArgs(1n, 1n, 2n * MW - MW / 4n, anyValue, anyValue, anyValue);
      });
      it("reverts for readings the kWh ledger has not accepted yet", async function () {
        const f = await over();
        await f.meterLedger(f.alice, f.batteries[0], 0n, MW, f.terms.windowStart, f.terms.windowStart + HOUR);
        await expect(f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW))))
          .to.be.revertedWithCustomError(f.energy, "MeteredEnergyReadingNotInLedger")
          .withArgs(f.batteries[0], f.terms.windowEnd, f.terms.windowStart + HOUR);
      });
      it("reverts for readings that contradict the kWh ledger", async function () {
        const f = await over();
        await f.meterLedger(f.alice, f.batteries[0], 0n, MW);
        await expect(f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW))))
          .to.be.revertedWithCustomError(f.energy, "MeteredEnergyReadingContradictsLedger")
          .withArgs(f.batteries[0], f.terms.windowEnd, 2n * MW, f.terms.windowEnd, MW);
      });
      it("reverts for readings signed by a key rotated in after them", async function () {
        const f = await over();
        await f.meterLedger(f.alice, f.batteries[0], 0n, MW);
        const newKey = ethers.Wallet.createRandom();
        await f.registry.connect(f.alice).rotateSigner(f.batteries[0], newKey.address);
        const signerSince = (await f.registry.getDevice(f.batteries[0])).signerSince;
        await expect(f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, MW, newKey))))
          .to.be.revertedWithCustomError(f.energy, "MeteredEnergySignerNotInForce")
          .withArgs(f.batteries[0], f.terms.windowStart, signerSince);
      });
      it("reverts for a suspended device and credits nothing", async function () {
        // Issue 12, finding 3: settlement checked signatures only, not the device's status.
        const f = await over();
        await f.meterLedger(f.alice, f.batteries[0], 0n, 2n * MW);
        await f.registry.suspendDevice(f.batteries[0], ethers.ZeroHash);
        await expect(f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW))))
          .to.be.revertedWithCustomError(f.market, "FlexibilityDeviceInactive")
          .withArgs(f.batteries[0]);
      });
      it("reverts for a device reactivated after the window started", async function () {
        const f = await over();
        await f.meterLedger(f.alice, f.batteries[0], 0n, 2n * MW);
        await f.registry.suspendDevice(f.batteries[0], ethers.ZeroHash);
        await f.registry.reactivateDevice(f.batteries[0], ethers.ZeroHash);
        const activeSince = (await f.registry.getDevice(f.batteries[0])).activeSince;
        await expect(f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW))))
          .to.be.revertedWithCustomError(f.energy, "MeteredEnergyReadingBeforeActive")
          .withArgs(f.batteries[0], f.terms.windowStart, activeSince);
      });
      it("reverts while the kWh token is paused", async function () {
        const f = await over();
        await f.meterLedger(f.alice, f.batteries[0], 0n, 2n * MW);
        await f.energy.pause();
        await expect(
          f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW))),
        ).to.be.revertedWithCustomError(f.energy, "EnforcedPause");
      });
      it("reverts when the counter goes down", async function () {
        const f = await over();
        await expect(f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 5n, 4n))))
          .to.be.revertedWithCustomError(f.market, "FlexibilityReadingCounterDecreased")
          .withArgs(f.batteries[0], 5n, 4n);
      });
      it("reverts for readings signed by the wrong key and credits nothing", async function () {
        const f = await over();
        const args = await f.readings(f.batteries[0], 0n, MW, ethers.Wallet.createRandom());
        await expect(f.market.settleWithReadings(1n, ...args)).to.be.revertedWithCustomError(
          f.energy,
          "MeteredEnergyInvalidSigner",
        );
      });
      it("reverts for readings signed for another contract", async function () {
        const f = await over();
        const args = await f.readings(f.batteries[0], 0n, MW, f.meter, await f.market.getAddress());
        await expect(f.market.settleWithReadings(1n, ...args)).to.be.revertedWithCustomError(
          f.energy,
          "MeteredEnergyInvalidSigner",
        );
      });
      it("reverts for an attestation on an export request", async function () {
        const f = await over();
        const attestation = { commitmentId: 1n, deliveredWh: MW, verifier: f.verifier.address };
        const signature = await signAttestation(
          f.verifier,
          await flexibilityMarketDomain(await f.market.getAddress(), ethers.provider),
          attestation,
        );
        await expect(f.market.settleWithAttestation(attestation, signature))
          .to.be.revertedWithCustomError(f.market, "FlexibilityWrongProof")
          .withArgs(1n, Direction.Export);
      });
    });
  });

  describe("one delivery pays once", function () {
    it("does not let one pair of readings settle two adjacent windows", async function () {
      // Issue 12, finding 2: at 1 h tolerance, readings at W and W + 2 h bracketed both [W, W+1h] and [W+1h, W+2h],
      // so 1 MWh exported in the first hour was paid twice.
      const f = await loadFixture();
      const { market, buyer, alice, batteries, terms } = f;
      const first = { ...terms, windowEnd: terms.windowStart + HOUR, capacityW: MW, readingTolerance: 3600 };
      const second = {
        ...first,
        windowStart: terms.windowStart + HOUR,
        windowEnd: terms.windowStart + 2n * HOUR,
      };
      await market.connect(buyer).openRequest(first);
      await market.connect(buyer).openRequest(second);
      await market.connect(alice).commit(1n, batteries[0], MW, alice.address);
      await market.connect(alice).commit(2n, batteries[0], MW, alice.address);
      await networkHelpers.time.increaseTo(second.windowEnd + 120n);
      // 1 MWh in the first hour, nothing in the second.
      await f.meterLedger(alice, batteries[0], 0n, MW, terms.windowStart, terms.windowStart + HOUR);
      const [start, startSig] = await f.readings(batteries[0], 0n, MW);
      const domain = await meteredEnergyDomain(await f.energy.getAddress(), ethers.provider);
      const sign = async (cumulativeWh: bigint, timestamp: bigint) => {
        const reading = { deviceId: batteries[0], cumulativeWh, timestamp };
        return [reading, await signReading(f.meter, domain, reading)] as const;
      };
      const [hourOne, hourOneSig] = await sign(MW, terms.windowStart + HOUR);
      const [hourTwo, hourTwoSig] = await sign(MW, terms.windowStart + 2n * HOUR);
      await f.energy.submitReading(hourTwo, hourTwoSig);

      // The wide pair no longer proves either window.
      await expect(market.settleWithReadings(1n, start, startSig, hourTwo, hourTwoSig))
        .to.be.revertedWithCustomError(market, "FlexibilityReadingsDoNotBracket")
        .withArgs(start.timestamp, hourTwo.timestamp, first.windowStart, first.windowEnd);
      await expect(market.settleWithReadings(2n, start, startSig, hourTwo, hourTwoSig))
        .to.be.revertedWithCustomError(market, "FlexibilityReadingsDoNotBracket")
        .withArgs(start.timestamp, hourTwo.timestamp, second.windowStart, second.windowEnd);

      // Each window is proven by the readings inside it: 1 MWh paid once, the idle hour slashed.
      await market.settleWithReadings(1n, start, startSig, hourOne, hourOneSig);
      await market.settleWithReadings(2n, hourOne, hourOneSig, hourTwo, hourTwoSig);
      const stake = (MW * PRICE) / 2n;
      expect(await market.claimable(alice.address)).to.equal(MW * PRICE + stake);
      expect(await market.claimable(buyer.address)).to.equal(stake + MW * PRICE);
      expect((await market.getCommitment(2n)).settled).to.equal(true);
    });
  });

  describe("settleWithAttestation", function () {
    async function consumeLess() {
      const f = await loadFixture();
      await f.market.connect(f.buyer).openRequest({ ...f.terms, direction: Direction.ConsumeLess });
      await f.market.connect(f.alice).commit(1n, f.load, MW, f.alice.address);
      await networkHelpers.time.increaseTo(f.terms.windowEnd);
      const domain = await flexibilityMarketDomain(await f.market.getAddress(), ethers.provider);
      return { ...f, domain };
    }
    it("pays what an accredited verifier attests", async function () {
      const f = await consumeLess();
      const attestation = { commitmentId: 1n, deliveredWh: MW, verifier: f.verifier.address };
      const settleGas = await gas(
        f.market.settleWithAttestation(attestation, await signAttestation(f.verifier, f.domain, attestation)),
      );
      expect(await f.market.claimable(f.alice.address)).to.equal(100n * USDC + 50n * USDC);
      console.log(`      gas: settle by attestation (last, +escrow return) ${settleGas}`);
    });
    it("reverts for a signer without the verifier role", async function () {
      const f = await consumeLess();
      const attestation = { commitmentId: 1n, deliveredWh: MW, verifier: f.stranger.address };
      await expect(
        f.market.settleWithAttestation(attestation, await signAttestation(f.stranger, f.domain, attestation)),
      )
        .to.be.revertedWithCustomError(f.market, "FlexibilityUnauthorizedVerifier")
        .withArgs(f.stranger.address);
    });
    it("reverts for readings on a consume-less request", async function () {
      const f = await consumeLess();
      await expect(f.market.settleWithReadings(1n, ...(await f.readings(f.load, 0n, MW))))
        .to.be.revertedWithCustomError(f.market, "FlexibilityWrongProof")
        .withArgs(1n, Direction.ConsumeLess);
    });
  });

  describe("expire, returnEscrow and claims", function () {
    it("expires an unsettled commitment as nothing delivered, after the deadline only", async function () {
      const f = await loadCommitted();
      await expect(f.market.expire(1n)).to.be.revertedWithCustomError(f.market, "FlexibilityNotExpired");
      await networkHelpers.time.increaseTo(f.terms.settlementDeadline + 1n);
      const expireGas = await gas(f.market.expire(1n));
      expect(await f.market.claimable(f.buyer.address)).to.equal(100n * USDC);
      await expect(f.market.expire(1n))
        .to.be.revertedWithCustomError(f.market, "FlexibilityAlreadySettled")
        .withArgs(1n);
      console.log(`      gas: expire ${expireGas}`);
    });
    it("returns the escrow of a request nobody committed to, once", async function () {
      const f = await loadFixture();
      await f.market.connect(f.buyer).openRequest(f.terms);
      await expect(f.market.returnEscrow(1n))
        .to.be.revertedWithCustomError(f.market, "FlexibilityRequestNotFinished")
        .withArgs(1n, 0, f.terms.commitDeadline);
      await networkHelpers.time.increaseTo(f.terms.commitDeadline + 1n);
      await expect(f.market.returnEscrow(1n))
        .to.emit(f.market, "EscrowReturned")
        .withArgs(1n, f.buyer.address, 600n * USDC);
      await expect(f.market.returnEscrow(1n))
        .to.be.revertedWithCustomError(f.market, "FlexibilityEscrowAlreadyReturned")
        .withArgs(1n);
    });
    it("reverts a claim with nothing credited", async function () {
      const { market, stranger } = await loadFixture();
      await expect(market.connect(stranger).claim(stranger.address))
        .to.be.revertedWithCustomError(market, "FlexibilityNothingToClaim")
        .withArgs(stranger.address);
    });
    it("refuses a revenue intake of another asset or one that pulls short", async function () {
      const f = await loadCommitted();
      const wrong = await new FlexRevenueIntake__factory(f.deployer).deploy(f.stranger.address);
      await expect(f.market.payRevenue(await wrong.getAddress()))
        .to.be.revertedWithCustomError(f.market, "FlexibilityRevenueAssetMismatch")
        .withArgs(await wrong.getAddress(), f.stranger.address);
      await networkHelpers.time.increaseTo(f.terms.windowEnd + 120n);
      await f.meterLedger(f.alice, f.batteries[0], 0n, 2n * MW);
      await f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW)));
      await f.intake.setPullShort(true);
      await expect(f.market.payRevenue(await f.intake.getAddress()))
        .to.be.revertedWithCustomError(f.market, "FlexibilityTransferShortfall")
        .withArgs(200n * USDC, 200n * USDC - 1n);
    });
  });

  describe("metadata", function () {
    it("describes a position: device, request, window in UTC, zone, direction, capacity and status", async function () {
      const f = await loadCommitted();
      const json = decodeMetadata(await f.market.uri(1n));
      const [start, end] = [isoHour(f.terms.windowStart), isoHour(f.terms.windowEnd)];
      const device = f.batteries[0];
      expect(json.name).to.equal(`Flexibility · device ${device} · ${start}`);
      expect(json.description).to.equal(
        `A staked commitment of device ${device} to export between ${start} and ${end} for flexibility request 1. One unit is one W of committed capacity.`,
      );
      // Balances are the committed watts; wallets show them in kW.
      expect(await f.market.balanceOf(f.alice.address, 1n)).to.equal(MW);
      expect(json.decimals).to.equal(3);
      expect(json.properties).to.deep.equal({
        commitmentId: 1,
        requestId: 1,
        deviceId: Number(device),
        gridZone: "ERCOT-NORTH",
        direction: "export",
        windowStart: start,
        windowEnd: end,
        capacityW: Number(MW),
        pricePerWh: Number(PRICE),
        stake: Number((await f.market.getCommitment(1n)).stake),
        status: "committed",
      });
    });

    it("follows a position through its window to settlement", async function () {
      const f = await loadCommitted();
      const status = async () => decodeMetadata(await f.market.uri(1n)).properties!.status;
      await networkHelpers.time.increaseTo(f.terms.windowStart);
      expect(await status()).to.equal("in window");
      await networkHelpers.time.increaseTo(f.terms.windowEnd + 120n);
      expect(await status()).to.equal("awaiting settlement");
      await f.meterLedger(f.alice, f.batteries[0], 0n, 2n * MW);
      await f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW)));
      expect(await status()).to.equal("settled");
    });

    it("reverts for a commitment id that does not exist", async function () {
      const f = await loadCommitted();
      await expect(f.market.uri(4n))
        .to.be.revertedWithCustomError(f.market, "FlexibilityUnknownCommitment")
        .withArgs(4n);
    });

    it("serves contract-level metadata (ERC-7572)", async function () {
      const f = await loadCommitted();
      const json = decodeMetadata(await f.market.contractURI());
      expect(json.name).to.equal("Joulestack flexibility positions");
      expect(json.symbol).to.equal("FLEX");
    });
  });
});
