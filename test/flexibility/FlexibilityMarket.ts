import { expect } from "chai";
import { network } from "hardhat";

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
    const readings = async (
      deviceId: bigint,
      startWh: bigint,
      endWh: bigint,
      key = meter,
      verifyingContract?: string,
    ) => {
      const domain = { chainId, verifyingContract: verifyingContract ?? (await suite.energy.getAddress()) };
      const start = { deviceId, cumulativeWh: startWh, timestamp: terms.windowStart - 60n };
      const end = { deviceId, cumulativeWh: endWh, timestamp: terms.windowEnd + 60n };
      return [start, await signReading(key, domain, start), end, await signReading(key, domain, end)] as const;
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
        "",
      );
      await market.grantRole(await market.BUYER_ROLE(), buyer.address);
      await fot.mint(buyer.address, 1_000n * USDC);
      await fot.connect(buyer).approve(await market.getAddress(), ethers.MaxUint256);
      await expect(market.connect(buyer).openRequest(terms))
        .to.be.revertedWithCustomError(market, "FlexibilityTransferShortfall")
        .withArgs(600n * USDC, 594n * USDC);
      expect(await fot.balanceOf(buyer.address)).to.equal(1_000n * USDC);
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
    it("reverts after the commitment deadline and keeps the stake with the provider", async function () {
      const { market, stablecoin, alice, batteries, terms } = await opened();
      await networkHelpers.time.increaseTo(terms.commitDeadline);
      const balance = await stablecoin.balanceOf(alice.address);
      await expect(market.connect(alice).commit(1n, batteries[0], MW, alice.address))
        .to.be.revertedWithCustomError(market, "FlexibilityCommitmentClosed")
        .withArgs(1n, terms.commitDeadline, terms.commitDeadline + 1n);
      expect(await stablecoin.balanceOf(alice.address)).to.equal(balance);
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
      it("reverts for readings that do not bracket the window", async function () {
        const f = await over();
        const [start, startSig, end] = await f.readings(f.batteries[0], 0n, MW);
        const late = { ...start, timestamp: f.terms.windowStart + 1n };
        await expect(f.market.settleWithReadings(1n, late, startSig, end, startSig))
          .to.be.revertedWithCustomError(f.market, "FlexibilityReadingsDoNotBracket")
          .withArgs(late.timestamp, end.timestamp, f.terms.windowStart, f.terms.windowEnd);
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
        expect(await f.market.totalClaimable()).to.equal(0n);
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
        const signature = await signAttestation(
          f.verifier,
          { chainId: f.chainId, verifyingContract: await f.market.getAddress() },
          { commitmentId: 1n, deliveredWh: MW },
        );
        await expect(f.market.settleWithAttestation({ commitmentId: 1n, deliveredWh: MW }, signature))
          .to.be.revertedWithCustomError(f.market, "FlexibilityWrongProof")
          .withArgs(1n, Direction.Export);
      });
    });
  });

  describe("settleWithAttestation", function () {
    async function consumeLess() {
      const f = await loadFixture();
      await f.market.connect(f.buyer).openRequest({ ...f.terms, direction: Direction.ConsumeLess });
      await f.market.connect(f.alice).commit(1n, f.load, MW, f.alice.address);
      await networkHelpers.time.increaseTo(f.terms.windowEnd);
      const domain = { chainId: f.chainId, verifyingContract: await f.market.getAddress() };
      return { ...f, domain };
    }
    it("pays what an accredited verifier attests", async function () {
      const f = await consumeLess();
      const attestation = { commitmentId: 1n, deliveredWh: MW };
      const settleGas = await gas(
        f.market.settleWithAttestation(attestation, await signAttestation(f.verifier, f.domain, attestation)),
      );
      expect(await f.market.claimable(f.alice.address)).to.equal(100n * USDC + 50n * USDC);
      console.log(`      gas: settle by attestation (last, +escrow return) ${settleGas}`);
    });
    it("reverts for a signer without the verifier role", async function () {
      const f = await consumeLess();
      const attestation = { commitmentId: 1n, deliveredWh: MW };
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
      await f.market.settleWithReadings(1n, ...(await f.readings(f.batteries[0], 0n, 2n * MW)));
      await f.intake.setPullShort(true);
      await expect(f.market.payRevenue(await f.intake.getAddress()))
        .to.be.revertedWithCustomError(f.market, "FlexibilityTransferShortfall")
        .withArgs(200n * USDC, 200n * USDC - 1n);
    });
  });
});
