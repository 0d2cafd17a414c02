import type { TypedDataDomain, TypedDataField } from "ethers";

import { expect } from "chai";
import { Signature, Wallet, ZeroAddress, concat, encodeBytes32String, id, toBeHex, verifyTypedData } from "ethers";
import { network } from "hardhat";

import { METER_READING_TYPES, type MeterReading } from "../../sdk/energy.js";
import { HOUR, MWH, deployEnergyScenario } from "../helpers/security.js";

const { ethers, networkHelpers, provider } = await network.create();

/** The order of secp256k1: a signature (r, s, v) is also valid as (r, n - s, v ^ 1) unless low-s is enforced. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  DeliveryAttestation: [
    { name: "commitmentId", type: "uint256" },
    { name: "deliveredWh", type: "uint256" },
  ],
};
const PERMIT_TYPES: Record<string, TypedDataField[]> = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** The malleable twin of a 65-byte signature: s flipped to n - s and v to the other parity. */
function highS(signature: string): string {
  const { r, s, v } = Signature.from(signature);
  return concat([r, toBeHex(SECP256K1_N - BigInt(s), 32), toBeHex(v === 27 ? 28 : 27, 1)]);
}

const otherChain = (domain: TypedDataDomain): TypedDataDomain => ({ ...domain, chainId: BigInt(domain.chainId!) + 1n });
const otherContract = (domain: TypedDataDomain, address: string): TypedDataDomain => ({
  ...domain,
  verifyingContract: address,
});

/**
 * The energy scenario, plus an export commitment (id 1, battery device 2) and a consume-less commitment (id 2,
 * flexible load device 3) whose window is over, a verifier key holding VERIFIER_ROLE, and an allow-listed investor.
 */
async function signaturesFixture() {
  const f = await deployEnergyScenario(provider, ethers, networkHelpers.time);
  const { DeviceRegistry: registry, FlexibilityMarket: market, TestStablecoin: stablecoin } = f.contracts;
  const [deployer, , , investor] = await ethers.getSigners();
  const batteryMeter = new Wallet(id("joulestack security battery meter"));
  const verifier = new Wallet(id("joulestack security verifier"));
  const zone = encodeBytes32String("ERCOT-NORTH");
  for (const kind of [6, 7]) {
    await registry.registerDevice({
      signer: batteryMeter.address,
      owner: f.producer.address,
      kind,
      capacityW: 1_000n,
      gridZone: zone,
      commissionedAt: 1_700_000_000n,
      metadataURI: "",
    });
  }
  await market.grantRole(id("VERIFIER_ROLE"), verifier.address);
  const marketAddress = await market.getAddress();
  for (const account of [deployer, f.producer]) {
    await stablecoin.mint(account.address, 10n ** 12n);
    await stablecoin.connect(account).approve(marketAddress, ethers.MaxUint256);
  }
  const windowStart = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
  const terms = {
    gridZone: zone,
    windowStart,
    windowEnd: windowStart + HOUR,
    commitDeadline: windowStart - HOUR,
    settlementDeadline: windowStart + 3n * HOUR,
    capacityW: 1_000n,
    pricePerWh: 1n,
    stakeBps: 1_000,
    readingTolerance: 600,
  };
  await market.openRequest({ ...terms, direction: 0 });
  await market.openRequest({ ...terms, direction: 1 });
  await market.connect(f.producer).commit(1n, 2n, 1_000n, f.producer.address);
  await market.connect(f.producer).commit(2n, 3n, 1_000n, f.producer.address);
  await networkHelpers.time.increaseTo(terms.windowEnd + 600n);

  const { chainId } = f;
  const marketDomain: TypedDataDomain = {
    name: "Joulestack Flexibility Market",
    version: "1",
    chainId,
    verifyingContract: marketAddress,
  };
  const start: MeterReading = { deviceId: 2n, cumulativeWh: 0n, timestamp: windowStart };
  const end: MeterReading = { deviceId: 2n, cumulativeWh: 800n, timestamp: terms.windowEnd };
  // The battery's readings went through the kWh ledger (its owner started metering at the window start), as
  // settlement requires.
  const batteryDomain = { ...f.domain };
  await f.contracts.MeteredEnergy.connect(f.producer).resumeMetering(
    start,
    await batteryMeter.signTypedData(batteryDomain, METER_READING_TYPES, { ...start }),
  );
  await f.contracts.MeteredEnergy.submitReading(
    end,
    await batteryMeter.signTypedData(batteryDomain, METER_READING_TYPES, { ...end }),
  );
  const attestation = { commitmentId: 2n, deliveredWh: 600n };

  // The next reading of the solar device, ten minutes after its last one (the clock is already past it).
  const next: MeterReading = {
    deviceId: f.deviceId,
    cumulativeWh: 500n + 3n * MWH + 1_000n,
    timestamp: f.lastReadingAt + 600n,
  };

  const now = BigInt(await networkHelpers.time.latest());
  await f.contracts.InvestorRegistry.listInvestor(investor.address, now + 365n * 86_400n, 276);
  await stablecoin.mint(investor.address, 10n ** 11n);

  return { ...f, deployer, investor, batteryMeter, verifier, terms, marketDomain, start, end, attestation, next };
}
type Fixture = Awaited<ReturnType<typeof signaturesFixture>>;
const load = () => networkHelpers.loadFixture(signaturesFixture);

describe("signature suite", function () {
  describe("meter readings (MeteredEnergy.submitReading)", function () {
    /** What a rejected reading must leave untouched. */
    const state = async (f: Fixture) => [
      (await f.contracts.MeteredEnergy.meterState(f.deviceId)).toString(),
      await f.contracts.MeteredEnergy.balanceOf(f.producer.address, f.batch),
      await f.contracts.MeteredEnergy.mintedWh(f.deviceId),
    ];
    /** Expects `signature` over `reading` to be rejected as signed by `recovered` instead of the device's signer. */
    async function expectInvalidSigner(f: Fixture, signature: string, recovered: string, expected = f.meter.address) {
      const energy = f.contracts.MeteredEnergy;
      const before = await state(f);
      await expect(energy.submitReading(f.next, signature))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
        .withArgs(f.deviceId, recovered, expected);
      expect(await state(f)).to.deep.equal(before);
    }
    const recoveredBy = (f: Fixture, signature: string) =>
      verifyTypedData(f.domain, METER_READING_TYPES, { ...f.next }, signature);

    it("accepts the genuine signature once (the control case)", async function () {
      const f = await load();
      await f.contracts.MeteredEnergy.submitReading(f.next, await f.sign(f.next));
      expect(await f.contracts.MeteredEnergy.mintedWh(f.deviceId)).to.equal(3n * MWH + 1_000n);
    });

    it("reverts when reused, and a batch skips the replay without minting", async function () {
      const f = await load();
      const energy = f.contracts.MeteredEnergy;
      const signature = await f.sign(f.next);
      await energy.submitReading(f.next, signature);
      const before = await state(f);
      await expect(energy.submitReading(f.next, signature))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingNotAfterLast")
        .withArgs(f.deviceId, f.next.timestamp, f.next.timestamp);
      await expect(energy.submitReadings([f.next], [signature]))
        .to.emit(energy, "ReadingSkipped")
        .withArgs(f.deviceId, f.next.timestamp, f.next.timestamp);
      expect(await state(f)).to.deep.equal(before);
    });

    it("reverts when signed for another chain", async function () {
      const f = await load();
      const signature = await f.sign(f.next, f.meter, otherChain(f.domain));
      await expectInvalidSigner(f, signature, recoveredBy(f, signature));
    });

    it("reverts when signed for another contract", async function () {
      const f = await load();
      const signature = await f.sign(
        f.next,
        f.meter,
        otherContract(f.domain, await f.contracts.FlexibilityMarket.getAddress()),
      );
      await expectInvalidSigner(f, signature, recoveredBy(f, signature));
    });

    it("reverts when timestamped in the future (readings carry no deadline; time only moves forward)", async function () {
      const f = await load();
      const energy = f.contracts.MeteredEnergy;
      // The battery's last reading is at the window end, on an hour boundary: the end of its next hour is still ahead.
      const future = { deviceId: 2n, cumulativeWh: f.end.cumulativeWh, timestamp: f.terms.windowEnd + HOUR };
      expect(future.timestamp).to.be.greaterThan(BigInt(await networkHelpers.time.latest()) + 1n);
      await expect(energy.submitReading(future, await f.sign(future, f.batteryMeter)))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingInFuture")
        .withArgs(2n, future.timestamp, BigInt(await networkHelpers.time.latest()) + 1n);
    });

    it("reverts on the malleable high-s twin of a genuine signature", async function () {
      const f = await load();
      await expectInvalidSigner(f, highS(await f.sign(f.next)), ZeroAddress);
    });

    it("reverts when signed by another key", async function () {
      const f = await load();
      await expectInvalidSigner(f, await f.sign(f.next, f.batteryMeter), f.batteryMeter.address);
    });

    it("reverts when signed by a signer the owner rotated away, and accepts the new signer", async function () {
      const f = await load();
      const newMeter = new Wallet(id("joulestack security rotated meter"));
      await f.contracts.DeviceRegistry.connect(f.producer).rotateSigner(f.deviceId, newMeter.address);
      await expectInvalidSigner(f, await f.sign(f.next), f.meter.address, newMeter.address);
      await f.contracts.MeteredEnergy.submitReading(f.next, await f.sign(f.next, newMeter));
    });

    it("reverts on a delivery attestation's signature over the same numbers", async function () {
      const f = await load();
      const attestation = { commitmentId: f.next.deviceId, deliveredWh: f.next.cumulativeWh };
      const signature = await f.meter.signTypedData(f.domain, ATTESTATION_TYPES, attestation);
      await expectInvalidSigner(f, signature, recoveredBy(f, signature));
    });

    it("resumeMetering rejects a high-s or rotated-away signature like submitReading", async function () {
      const f = await load();
      const energy = f.contracts.MeteredEnergy;
      // The flexibility window already moved the clock hours past the device's last reading.
      const resume = { ...f.next, timestamp: BigInt(await networkHelpers.time.latest()) };
      expect(resume.timestamp - f.lastReadingAt).to.be.greaterThan(HOUR);
      await expect(energy.connect(f.producer).resumeMetering(resume, highS(await f.sign(resume))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
        .withArgs(f.deviceId, ZeroAddress, f.meter.address);
      await f.contracts.DeviceRegistry.connect(f.producer).rotateSigner(f.deviceId, f.other.address);
      await expect(energy.connect(f.producer).resumeMetering(resume, await f.sign(resume)))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
        .withArgs(f.deviceId, f.meter.address, f.other.address);
      expect((await energy.meterState(f.deviceId)).timestamp).to.equal(f.lastReadingAt);
    });
  });

  describe("meter readings as delivery proof (FlexibilityMarket.settleWithReadings)", function () {
    const batteryDomain = (f: Fixture) => f.domain;
    const signBattery = (
      f: Fixture,
      reading: MeterReading,
      domain: TypedDataDomain = batteryDomain(f),
      key: Wallet = f.batteryMeter,
    ) => key.signTypedData(domain, METER_READING_TYPES, { ...reading });

    /** Settles commitment 1 with `endSignature` over the end reading and expects the energy token to reject it. */
    async function expectRejected(
      f: Fixture,
      endSignature: string,
      recovered: string,
      expected = f.batteryMeter.address,
    ) {
      const { FlexibilityMarket: market, MeteredEnergy: energy } = f.contracts;
      const before = (await market.getCommitment(1n)).toString();
      await expect(market.settleWithReadings(1n, f.start, await signBattery(f, f.start), f.end, endSignature))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
        .withArgs(2n, recovered, expected);
      expect((await market.getCommitment(1n)).toString()).to.equal(before);
      expect(await market.claimable(f.producer.address)).to.equal(0n);
    }
    const recoveredBy = (f: Fixture, signature: string) =>
      verifyTypedData(f.domain, METER_READING_TYPES, { ...f.end }, signature);

    it("settles with genuine readings once, and a reuse reverts as already settled", async function () {
      const f = await load();
      const market = f.contracts.FlexibilityMarket;
      const proof = [f.start, await signBattery(f, f.start), f.end, await signBattery(f, f.end)] as const;
      await market.settleWithReadings(1n, ...proof);
      const claimable = await market.claimable(f.producer.address);
      // 800 Wh delivered of 1,000 at 1 unit/Wh: 800 paid; the 20% shortfall slashes 20 of the 100 stake, 80 return.
      expect(claimable).to.equal(800n + 80n);
      await expect(market.settleWithReadings(1n, ...proof))
        .to.be.revertedWithCustomError(market, "FlexibilityAlreadySettled")
        .withArgs(1n);
      expect(await market.claimable(f.producer.address)).to.equal(claimable);
    });

    it("reverts when a reading was signed for another chain", async function () {
      const f = await load();
      const signature = await signBattery(f, f.end, otherChain(f.domain));
      await expectRejected(f, signature, recoveredBy(f, signature));
    });

    it("reverts when a reading was signed for another contract (the market itself)", async function () {
      const f = await load();
      const signature = await signBattery(f, f.end, f.marketDomain);
      await expectRejected(f, signature, recoveredBy(f, signature));
    });

    it("reverts once the settlement deadline has passed (expired), however genuine the readings", async function () {
      const f = await load();
      const market = f.contracts.FlexibilityMarket;
      await networkHelpers.time.increaseTo(f.terms.settlementDeadline + 1n);
      await expect(
        market.settleWithReadings(1n, f.start, await signBattery(f, f.start), f.end, await signBattery(f, f.end)),
      )
        .to.be.revertedWithCustomError(market, "FlexibilitySettlementDeadlinePassed")
        .withArgs(1n, f.terms.settlementDeadline, f.terms.settlementDeadline + 2n); // the settling block is one second after the warp
    });

    it("reverts on a malleable high-s reading signature", async function () {
      const f = await load();
      await expectRejected(f, highS(await signBattery(f, f.end)), ZeroAddress);
    });

    it("reverts on a reading signed by another key", async function () {
      const f = await load();
      await expectRejected(f, await signBattery(f, f.end, f.domain, f.meter), f.meter.address);
    });

    it("reverts on readings of a signer the owner rotated away", async function () {
      const f = await load();
      await f.contracts.DeviceRegistry.connect(f.producer).rotateSigner(2n, f.other.address);
      await expectRejected(f, await signBattery(f, f.end), f.batteryMeter.address, f.other.address);
    });

    it("reverts on an attestation signature offered as a reading", async function () {
      const f = await load();
      const signature = await f.batteryMeter.signTypedData(f.marketDomain, ATTESTATION_TYPES, {
        commitmentId: 1n,
        deliveredWh: 800n,
      });
      await expectRejected(f, signature, recoveredBy(f, signature));
    });
  });

  describe("delivery attestations (FlexibilityMarket.settleWithAttestation)", function () {
    const signAttestation = (
      f: Fixture,
      domain = f.marketDomain,
      key: Wallet = f.verifier,
      attestation = f.attestation,
    ) => key.signTypedData(domain, ATTESTATION_TYPES, attestation);
    async function expectUnauthorized(f: Fixture, signature: string, recovered: string) {
      const market = f.contracts.FlexibilityMarket;
      const before = (await market.getCommitment(2n)).toString();
      await expect(market.settleWithAttestation(f.attestation, signature))
        .to.be.revertedWithCustomError(market, "FlexibilityUnauthorizedVerifier")
        .withArgs(recovered);
      expect((await market.getCommitment(2n)).toString()).to.equal(before);
      expect(await market.claimable(f.producer.address)).to.equal(0n);
    }
    const recoveredBy = (f: Fixture, signature: string) =>
      verifyTypedData(f.marketDomain, ATTESTATION_TYPES, f.attestation, signature);

    it("settles with a genuine attestation once, and a reuse reverts as already settled", async function () {
      const f = await load();
      const market = f.contracts.FlexibilityMarket;
      const signature = await signAttestation(f);
      await market.settleWithAttestation(f.attestation, signature);
      // 600 Wh of 1,000: 600 paid, 40 of the 100 stake slashed, 60 returned.
      expect(await market.claimable(f.producer.address)).to.equal(600n + 60n);
      await expect(market.settleWithAttestation(f.attestation, signature))
        .to.be.revertedWithCustomError(market, "FlexibilityAlreadySettled")
        .withArgs(2n);
    });

    it("reverts when signed for another chain", async function () {
      const f = await load();
      const signature = await signAttestation(f, otherChain(f.marketDomain));
      await expectUnauthorized(f, signature, recoveredBy(f, signature));
    });

    it("reverts when signed for another contract", async function () {
      const f = await load();
      const signature = await signAttestation(
        f,
        otherContract(f.marketDomain, await f.contracts.MeteredEnergy.getAddress()),
      );
      await expectUnauthorized(f, signature, recoveredBy(f, signature));
    });

    it("reverts once the settlement deadline has passed (expired)", async function () {
      const f = await load();
      const market = f.contracts.FlexibilityMarket;
      await networkHelpers.time.increaseTo(f.terms.settlementDeadline + 1n);
      await expect(market.settleWithAttestation(f.attestation, await signAttestation(f)))
        .to.be.revertedWithCustomError(market, "FlexibilitySettlementDeadlinePassed")
        .withArgs(2n, f.terms.settlementDeadline, f.terms.settlementDeadline + 2n); // the settling block is one second after the warp
    });

    it("reverts on the malleable high-s twin", async function () {
      const f = await load();
      await expectUnauthorized(f, highS(await signAttestation(f)), ZeroAddress);
    });

    it("reverts when signed by a key without the verifier role", async function () {
      const f = await load();
      await expectUnauthorized(f, await signAttestation(f, f.marketDomain, f.batteryMeter), f.batteryMeter.address);
    });

    it("reverts when signed by a verifier whose role was revoked", async function () {
      const f = await load();
      await f.contracts.FlexibilityMarket.revokeRole(id("VERIFIER_ROLE"), f.verifier.address);
      await expectUnauthorized(f, await signAttestation(f), f.verifier.address);
    });

    it("reverts on a meter reading's signature over the same numbers", async function () {
      const f = await load();
      const reading = { deviceId: f.attestation.commitmentId, cumulativeWh: f.attestation.deliveredWh, timestamp: 0n };
      const signature = await f.verifier.signTypedData(f.marketDomain, METER_READING_TYPES, reading);
      await expectUnauthorized(f, signature, recoveredBy(f, signature));
    });

    it("reverts when an attestation for another commitment is replayed with this id", async function () {
      const f = await load();
      const signature = await signAttestation(f, f.marketDomain, f.verifier, { commitmentId: 1n, deliveredWh: 600n });
      await expectUnauthorized(f, signature, recoveredBy(f, signature));
    });
  });

  describe("EIP-2612 permits", function () {
    const AMOUNT = 10_000n * 10n ** 6n;
    async function permitDomain(f: Fixture): Promise<TypedDataDomain> {
      const stablecoin = f.contracts.TestStablecoin;
      return {
        name: "Joulestack Test Dollar",
        version: "1",
        chainId: f.chainId,
        verifyingContract: await stablecoin.getAddress(),
      };
    }
    async function signPermit(
      f: Fixture,
      overrides: { domain?: TypedDataDomain; deadline?: bigint; nonce?: bigint; spender?: string } = {},
    ) {
      const stablecoin = f.contracts.TestStablecoin;
      const value = {
        owner: f.investor.address,
        spender: overrides.spender ?? (await f.contracts.TrancheVault.getAddress()),
        value: AMOUNT,
        nonce: overrides.nonce ?? (await stablecoin.nonces(f.investor.address)),
        deadline: overrides.deadline ?? BigInt(await networkHelpers.time.latest()) + 3_600n,
      };
      const signature = await f.investor.signTypedData(
        overrides.domain ?? (await permitDomain(f)),
        PERMIT_TYPES,
        value,
      );
      const { r, s, v } = Signature.from(signature);
      return { value, signature, r, s, v };
    }
    const permitArgs = (p: Awaited<ReturnType<typeof signPermit>>, s = p.s, v = p.v) =>
      [p.value.owner, p.value.spender, p.value.value, p.value.deadline, v, p.r, s] as const;
    async function recoveredBy(f: Fixture, p: Awaited<ReturnType<typeof signPermit>>) {
      return verifyTypedData(
        await permitDomain(f),
        PERMIT_TYPES,
        { ...p.value, nonce: await f.contracts.TestStablecoin.nonces(f.investor.address) },
        p.signature,
      );
    }

    describe("of the stablecoin", function () {
      async function expectInvalidSigner(f: Fixture, p: Awaited<ReturnType<typeof signPermit>>) {
        const stablecoin = f.contracts.TestStablecoin;
        const nonce = await stablecoin.nonces(f.investor.address);
        await expect(stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p)))
          .to.be.revertedWithCustomError(stablecoin, "ERC2612InvalidSigner")
          .withArgs(await recoveredBy(f, p), f.investor.address);
        expect(await stablecoin.allowance(p.value.owner, p.value.spender)).to.equal(0n);
        expect(await stablecoin.nonces(f.investor.address)).to.equal(nonce);
      }

      it("accepts a genuine permit once, and a reuse reverts because the nonce moved on", async function () {
        const f = await load();
        const stablecoin = f.contracts.TestStablecoin;
        const p = await signPermit(f);
        await stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p));
        expect(await stablecoin.allowance(p.value.owner, p.value.spender)).to.equal(AMOUNT);
        await expect(stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p)))
          .to.be.revertedWithCustomError(stablecoin, "ERC2612InvalidSigner")
          .withArgs(await recoveredBy(f, p), f.investor.address);
        expect(await stablecoin.nonces(f.investor.address)).to.equal(1n);
      });

      it("reverts when signed for another chain", async function () {
        const f = await load();
        await expectInvalidSigner(f, await signPermit(f, { domain: otherChain(await permitDomain(f)) }));
      });

      it("reverts when signed for another contract", async function () {
        const f = await load();
        const domain = otherContract(await permitDomain(f), await f.contracts.TrancheVault.getAddress());
        await expectInvalidSigner(f, await signPermit(f, { domain }));
      });

      it("reverts when expired", async function () {
        const f = await load();
        const stablecoin = f.contracts.TestStablecoin;
        const deadline = BigInt(await networkHelpers.time.latest()) - 1n;
        await expect(stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(await signPermit(f, { deadline }))))
          .to.be.revertedWithCustomError(stablecoin, "ERC2612ExpiredSignature")
          .withArgs(deadline);
      });

      it("reverts on the malleable high-s twin", async function () {
        const f = await load();
        const stablecoin = f.contracts.TestStablecoin;
        const p = await signPermit(f);
        const s = toBeHex(SECP256K1_N - BigInt(p.s), 32);
        await expect(stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p, s, p.v === 27 ? 28 : 27)))
          .to.be.revertedWithCustomError(stablecoin, "ECDSAInvalidSignatureS")
          .withArgs(s);
        expect(await stablecoin.nonces(f.investor.address)).to.equal(0n);
      });

      it("reverts when signed by someone other than the owner", async function () {
        const f = await load();
        const stablecoin = f.contracts.TestStablecoin;
        const p = await signPermit(f);
        const forged = Signature.from(await f.other.signTypedData(await permitDomain(f), PERMIT_TYPES, p.value));
        await expect(stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs({ ...p, r: forged.r }, forged.s, forged.v)))
          .to.be.revertedWithCustomError(stablecoin, "ERC2612InvalidSigner")
          .withArgs(f.other.address, f.investor.address);
      });

      it("reverts on a meter reading's signature by the owner", async function () {
        const f = await load();
        const p = await signPermit(f);
        const signature = await f.investor.signTypedData(await permitDomain(f), METER_READING_TYPES, {
          deviceId: 1n,
          cumulativeWh: AMOUNT,
          timestamp: p.value.deadline,
        });
        const parts = Signature.from(signature);
        await expectInvalidSigner(f, { ...p, signature, r: parts.r, s: parts.s, v: parts.v });
      });
    });

    describe("of the vault's subscribeWithPermit", function () {
      /** Any bad permit is ignored (a front-run one must not block), so the pull fails for want of allowance. */
      async function expectNoSubscription(f: Fixture, p: Awaited<ReturnType<typeof signPermit>>, s = p.s, v = p.v) {
        const { TrancheVault: vault, TestStablecoin: stablecoin } = f.contracts;
        const balance = await stablecoin.balanceOf(f.investor.address);
        await expect(vault.connect(f.investor).subscribeWithPermit(0n, AMOUNT, p.value.deadline, v, p.r, s))
          .to.be.revertedWithCustomError(stablecoin, "ERC20InsufficientAllowance")
          .withArgs(ethers.getAddress(await vault.getAddress()), 0n, AMOUNT);
        expect(await stablecoin.balanceOf(f.investor.address)).to.equal(balance);
        expect((await vault.tranche(0n)).raised).to.equal(0n);
      }

      it("subscribes with a genuine permit, and a reused one pulls nothing more", async function () {
        const f = await load();
        const { TrancheVault: vault } = f.contracts;
        const p = await signPermit(f);
        await vault.connect(f.investor).subscribeWithPermit(0n, AMOUNT, p.value.deadline, p.v, p.r, p.s);
        expect((await vault.tranche(0n)).raised).to.equal(AMOUNT);
        await expectNoSubscriptionAfter(f, p);
      });

      async function expectNoSubscriptionAfter(f: Fixture, p: Awaited<ReturnType<typeof signPermit>>) {
        const { TrancheVault: vault, TestStablecoin: stablecoin } = f.contracts;
        const raised = (await vault.tranche(0n)).raised;
        await expect(vault.connect(f.investor).subscribeWithPermit(0n, AMOUNT, p.value.deadline, p.v, p.r, p.s))
          .to.be.revertedWithCustomError(stablecoin, "ERC20InsufficientAllowance")
          .withArgs(ethers.getAddress(await vault.getAddress()), 0n, AMOUNT);
        expect((await vault.tranche(0n)).raised).to.equal(raised);
      }

      it("still subscribes when someone front-ran the permit", async function () {
        const f = await load();
        const { TrancheVault: vault, TestStablecoin: stablecoin } = f.contracts;
        const p = await signPermit(f);
        await stablecoin.connect(f.other)["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p));
        await vault.connect(f.investor).subscribeWithPermit(0n, AMOUNT, p.value.deadline, p.v, p.r, p.s);
        expect((await vault.tranche(0n)).raised).to.equal(AMOUNT);
      });

      it("rejects a permit for another chain", async function () {
        const f = await load();
        await expectNoSubscription(f, await signPermit(f, { domain: otherChain(await permitDomain(f)) }));
      });

      it("rejects a permit for another contract", async function () {
        const f = await load();
        const domain = otherContract(await permitDomain(f), await f.contracts.TrancheVault.getAddress());
        await expectNoSubscription(f, await signPermit(f, { domain }));
      });

      it("rejects an expired permit", async function () {
        const f = await load();
        await expectNoSubscription(
          f,
          await signPermit(f, { deadline: BigInt(await networkHelpers.time.latest()) - 1n }),
        );
      });

      it("rejects the malleable high-s twin", async function () {
        const f = await load();
        const p = await signPermit(f);
        await expectNoSubscription(f, p, toBeHex(SECP256K1_N - BigInt(p.s), 32), p.v === 27 ? 28 : 27);
      });

      it("rejects a permit signed by someone else", async function () {
        const f = await load();
        const p = await signPermit(f);
        const forged = Signature.from(await f.other.signTypedData(await permitDomain(f), PERMIT_TYPES, p.value));
        await expectNoSubscription(f, { ...p, r: forged.r }, forged.s, forged.v);
      });

      it("rejects a delivery attestation's signature by the investor", async function () {
        const f = await load();
        const p = await signPermit(f);
        const parts = Signature.from(
          await f.investor.signTypedData(await permitDomain(f), ATTESTATION_TYPES, {
            commitmentId: 0n,
            deliveredWh: AMOUNT,
          }),
        );
        await expectNoSubscription(f, { ...p, r: parts.r }, parts.s, parts.v);
      });
    });

    describe("of the compute market's buyWithPermit", function () {
      const PRICE = 1_000n * 10n ** 6n; // AMOUNT buys 10 GPU-hours
      /** An 8-GPU cluster of the deployer, bonded for two sales, and a four-hour window from the next hour on. */
      async function computeWindow(f: Fixture) {
        const market = f.contracts.ComputeMarket;
        await market.registerCluster({
          gpuClass: "H100-SXM",
          gpuCount: 8,
          gridZone: encodeBytes32String("ERCOT-NORTH"),
          minWhPerGpuHour: 500,
          maxWhPerGpuHour: 1_000,
          operator: f.deployer.address,
          payout: f.deployer.address,
          payoutIsIntake: false,
        });
        const clusterId = await market.clusterCount();
        await f.contracts.TestStablecoin.approve(await market.getAddress(), 2n * AMOUNT);
        await market.postBond(clusterId, 2n * AMOUNT); // enough for a second sale, so only the allowance can stop it
        const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
        await market.offerWindow(clusterId, start, 4n, PRICE);
        return market.creditId(clusterId, start);
      }
      const buy = async (f: Fixture, creditId: bigint, p: Awaited<ReturnType<typeof signPermit>>) =>
        f.contracts.ComputeMarket.connect(f.investor).buyWithPermit(
          creditId,
          10n,
          f.investor.address,
          p.value.deadline,
          p.v,
          p.r,
          p.s,
        );

      it("buys with a genuine permit, and a reused one pulls nothing more", async function () {
        const f = await load();
        const market = f.contracts.ComputeMarket;
        const creditId = await computeWindow(f);
        const p = await signPermit(f, { spender: await market.getAddress() });
        await buy(f, creditId, p);
        expect(await market.balanceOf(f.investor.address, creditId)).to.equal(10n);
        await expect(buy(f, creditId, p))
          .to.be.revertedWithCustomError(f.contracts.TestStablecoin, "ERC20InsufficientAllowance")
          .withArgs(ethers.getAddress(await market.getAddress()), 0n, AMOUNT);
        expect(await market.balanceOf(f.investor.address, creditId)).to.equal(10n);
      });

      it("still buys when someone front-ran the permit", async function () {
        const f = await load();
        const market = f.contracts.ComputeMarket;
        const creditId = await computeWindow(f);
        const p = await signPermit(f, { spender: await market.getAddress() });
        await f.contracts.TestStablecoin.connect(f.other)["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p));
        await buy(f, creditId, p);
        expect(await market.balanceOf(f.investor.address, creditId)).to.equal(10n);
      });

      it("rejects a permit for another spender, and nothing is bought", async function () {
        const f = await load();
        const market = f.contracts.ComputeMarket;
        const creditId = await computeWindow(f);
        const p = await signPermit(f); // for the vault
        await expect(buy(f, creditId, p))
          .to.be.revertedWithCustomError(f.contracts.TestStablecoin, "ERC20InsufficientAllowance")
          .withArgs(ethers.getAddress(await market.getAddress()), 0n, AMOUNT);
        expect((await market.getWindow(creditId)).sold).to.equal(0n);
      });
    });
  });
});
