import type { TypedDataDomain, TypedDataField } from "ethers";

import { expect } from "chai";
import { Signature, Wallet, ZeroAddress, concat, encodeBytes32String, id, toBeHex, verifyTypedData } from "ethers";
import { network } from "hardhat";

import { METER_READING_TYPES, type MeterReading } from "../../sdk/energy.js";
import { flexibilityMarketDomain } from "../../sdk/flexibility.js";
import { permitDomain as readPermitDomain } from "../../sdk/permit.js";
import {
  BrokenERC1271__factory,
  LyingERC1271__factory,
  SmartAccount__factory,
  type SmartAccount,
} from "../../typechain-types/index.js";
import { HOUR, MWH, deployEnergyScenario } from "../helpers/security.js";

const { ethers, networkHelpers, provider } = await network.create();

/** The order of secp256k1: a signature (r, s, v) is also valid as (r, n - s, v ^ 1) unless low-s is enforced. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  DeliveryAttestation: [
    { name: "commitmentId", type: "uint256" },
    { name: "deliveredWh", type: "uint256" },
    { name: "verifier", type: "address" },
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

/** Who signs: a key (EOA), or a one-owner smart account (ERC-1271) whose owner key produces its signatures. */
type SignerKind = "EOA" | "smart account";
const KINDS: SignerKind[] = ["EOA", "smart account"];

/**
 * A signer as the contracts name it (`address`: the key's address or the account's) with the key that signs for it.
 * For a smart account the signature is its owner's ECDSA signature of the same EIP-712 digest, which the account's
 * `isValidSignature` checks.
 */
interface NamedSigner {
  address: string;
  key: Wallet;
  account?: SmartAccount;
}

/**
 * The energy scenario, plus an export commitment (id 1, battery device 2) and a consume-less commitment (id 2,
 * flexible load device 3) whose window is over, a verifier key holding VERIFIER_ROLE, and an allow-listed investor.
 */
async function signaturesFixture(signerKind: SignerKind) {
  const f = await deployEnergyScenario(provider, ethers, networkHelpers.time);
  const { DeviceRegistry: registry, FlexibilityMarket: market, TestStablecoin: stablecoin } = f.contracts;
  const [deployer, , , investor] = await ethers.getSigners();
  /** A signer of this fixture's kind whose key is derived from `label`. */
  const named = async (label: string): Promise<NamedSigner> => {
    const key = new Wallet(id(`joulestack security ${label}`));
    if (signerKind === "EOA") return { address: key.address, key };
    const account = await new SmartAccount__factory(deployer).deploy(key.address);
    return { address: await account.getAddress(), key, account };
  };
  // The solar device's signer becomes this kind's (its readings so far were signed by the scenario's meter key).
  const meter = signerKind === "EOA" ? { address: f.meter.address, key: f.meter as Wallet } : await named("meter");
  if (signerKind !== "EOA") await registry.connect(f.producer).rotateSigner(f.deviceId, meter.address);
  const batteryMeter = await named("battery meter");
  const verifier = await named("verifier");
  const owner = await named("permit owner");
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
  // At least two hours out, so the commitment deadline an hour before it is never seconds away: a test started
  // just before an hour boundary would otherwise commit after it.
  const windowStart = (BigInt(await networkHelpers.time.latest()) / HOUR + 3n) * HOUR;
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

  const marketDomain = await flexibilityMarketDomain(marketAddress, ethers.provider);
  const start: MeterReading = { deviceId: 2n, cumulativeWh: 0n, timestamp: windowStart };
  const end: MeterReading = { deviceId: 2n, cumulativeWh: 800n, timestamp: terms.windowEnd };
  // The battery's readings went through the kWh ledger (its owner started metering at the window start), as
  // settlement requires.
  const batteryDomain = { ...f.domain };
  await f.contracts.MeteredEnergy.connect(f.producer).resumeMetering(
    start,
    await batteryMeter.key.signTypedData(batteryDomain, METER_READING_TYPES, { ...start }),
  );
  await f.contracts.MeteredEnergy.submitReading(
    end,
    await batteryMeter.key.signTypedData(batteryDomain, METER_READING_TYPES, { ...end }),
  );
  const attestation = { commitmentId: 2n, deliveredWh: 600n, verifier: verifier.address };

  // The next reading of the solar device, ten minutes after its last one (the clock is already past it).
  const next: MeterReading = {
    deviceId: f.deviceId,
    cumulativeWh: 500n + 3n * MWH + 1_000n,
    timestamp: f.lastReadingAt + 600n,
  };

  const now = BigInt(await networkHelpers.time.latest());
  await f.contracts.InvestorRegistry.listInvestor(investor.address, now + 365n * 86_400n, 276);
  await stablecoin.mint(investor.address, 10n ** 11n);
  await stablecoin.mint(owner.address, 10n ** 11n);

  return {
    ...f,
    signerKind,
    named,
    deployer,
    investor,
    meter,
    batteryMeter,
    verifier,
    owner,
    terms,
    marketDomain,
    start,
    end,
    attestation,
    next,
  };
}
type Fixture = Awaited<ReturnType<typeof signaturesFixture>>;
const eoaFixture = () => signaturesFixture("EOA");
const accountFixture = () => signaturesFixture("smart account");

/**
 * The owner key of `signer`'s smart account hands it to `newOwner` (after showing that nobody else can): signatures
 * by the old key are refused from then on.
 */
async function changeOwner(f: Fixture, signer: NamedSigner, newOwner: string) {
  const account = signer.account!;
  await expect(account.connect(f.deployer).setOwner(f.deployer.address))
    .to.be.revertedWithCustomError(account, "SmartAccountNotOwner")
    .withArgs(f.deployer.address);
  await f.deployer.sendTransaction({ to: signer.key.address, value: ethers.parseEther("1") });
  await account.connect(signer.key.connect(ethers.provider)).setOwner(newOwner);
}

/** The ECDSA signer of `signature` over `value` under `domain` (what the contracts report as `recovered`). */
const recoveredOf = (
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  value: Record<string, unknown>,
  signature: string,
) => verifyTypedData(domain, types, value, signature);

describe("signature suite", function () {
  for (const signerKind of KINDS) {
    describe(`signed by ${signerKind === "EOA" ? "an EOA" : "a smart account (ERC-1271)"}`, function () {
      const load = () => networkHelpers.loadFixture(signerKind === "EOA" ? eoaFixture : accountFixture);
      /** Signs a meter reading with `signer`'s key (default: the solar device's signer). */
      const signReadingAs = (f: Fixture, reading: MeterReading, signer: NamedSigner = f.meter, domain = f.domain) =>
        signer.key.signTypedData(domain, METER_READING_TYPES, { ...reading });

      describe("meter readings (MeteredEnergy.submitReading)", function () {
        /** What a rejected reading must leave untouched. */
        const state = async (f: Fixture) => [
          (await f.contracts.MeteredEnergy.meterState(f.deviceId)).toString(),
          await f.contracts.MeteredEnergy.balanceOf(f.producer.address, f.batch),
          await f.contracts.MeteredEnergy.mintedWh(f.deviceId),
        ];
        /** Expects `signature` over `reading` to be rejected as signed by `recovered` instead of the device's signer. */
        async function expectInvalidSigner(
          f: Fixture,
          signature: string,
          recovered: string,
          expected = f.meter.address,
        ) {
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
          await f.contracts.MeteredEnergy.submitReading(f.next, await signReadingAs(f, f.next));
          expect(await f.contracts.MeteredEnergy.mintedWh(f.deviceId)).to.equal(3n * MWH + 1_000n);
        });

        it("reverts when reused, and a batch skips the replay without minting", async function () {
          const f = await load();
          const energy = f.contracts.MeteredEnergy;
          const signature = await signReadingAs(f, f.next);
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
          const signature = await signReadingAs(f, f.next, f.meter, otherChain(f.domain));
          await expectInvalidSigner(f, signature, recoveredBy(f, signature));
        });

        it("reverts when signed for another contract", async function () {
          const f = await load();
          const signature = await signReadingAs(
            f,
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
          await expect(energy.submitReading(future, await signReadingAs(f, future, f.batteryMeter)))
            .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingInFuture")
            .withArgs(2n, future.timestamp, BigInt(await networkHelpers.time.latest()) + 1n);
        });

        it("reverts on the malleable high-s twin of a genuine signature", async function () {
          const f = await load();
          await expectInvalidSigner(f, highS(await signReadingAs(f, f.next)), ZeroAddress);
        });

        it("reverts when signed by another signer", async function () {
          const f = await load();
          await expectInvalidSigner(f, await signReadingAs(f, f.next, f.batteryMeter), f.batteryMeter.key.address);
        });

        it("reverts when signed by a signer the owner rotated away, and accepts the new signer from its rotation on", async function () {
          const f = await load();
          const energy = f.contracts.MeteredEnergy;
          const newMeter = await f.named("rotated meter");
          await f.contracts.DeviceRegistry.connect(f.producer).rotateSigner(f.deviceId, newMeter.address);
          await expectInvalidSigner(f, await signReadingAs(f, f.next), f.meter.key.address, newMeter.address);
          // The new key was not in force at the reading's time, so it cannot vouch for that reading either.
          const signerSince = (await f.contracts.DeviceRegistry.getDevice(f.deviceId)).signerSince;
          await expect(energy.submitReading(f.next, await signReadingAs(f, f.next, newMeter)))
            .to.be.revertedWithCustomError(energy, "MeteredEnergySignerNotInForce")
            .withArgs(f.deviceId, f.next.timestamp, signerSince);
          // From its rotation on it is the device's signer: the owner resumes metering over the gap with its reading.
          const resume = { ...f.next, timestamp: BigInt(await networkHelpers.time.latest()) };
          await energy.connect(f.producer).resumeMetering(resume, await signReadingAs(f, resume, newMeter));
          expect((await energy.meterState(f.deviceId)).timestamp).to.equal(resume.timestamp);
        });

        it("reverts on a delivery attestation's signature over the same numbers", async function () {
          const f = await load();
          const attestation = {
            commitmentId: f.next.deviceId,
            deliveredWh: f.next.cumulativeWh,
            verifier: f.meter.address,
          };
          const signature = await f.meter.key.signTypedData(f.domain, ATTESTATION_TYPES, attestation);
          await expectInvalidSigner(f, signature, recoveredBy(f, signature));
        });

        it("resumeMetering rejects a high-s or rotated-away signature like submitReading", async function () {
          const f = await load();
          const energy = f.contracts.MeteredEnergy;
          // The flexibility window already moved the clock hours past the device's last reading.
          const resume = { ...f.next, timestamp: BigInt(await networkHelpers.time.latest()) };
          expect(resume.timestamp - f.lastReadingAt).to.be.greaterThan(HOUR);
          await expect(energy.connect(f.producer).resumeMetering(resume, highS(await signReadingAs(f, resume))))
            .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
            .withArgs(f.deviceId, ZeroAddress, f.meter.address);
          await f.contracts.DeviceRegistry.connect(f.producer).rotateSigner(f.deviceId, f.other.address);
          await expect(energy.connect(f.producer).resumeMetering(resume, await signReadingAs(f, resume)))
            .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
            .withArgs(f.deviceId, f.meter.key.address, f.other.address);
          expect((await energy.meterState(f.deviceId)).timestamp).to.equal(f.lastReadingAt);
        });

        if (signerKind === "smart account") {
          it("reverts on the old owner key's signature once the account's owner changed, and accepts the new owner's", async function () {
            const f = await load();
            const newOwner = new Wallet(id("joulestack security new meter owner"));
            await changeOwner(f, f.meter, newOwner.address);
            await expectInvalidSigner(f, await signReadingAs(f, f.next), f.meter.key.address);
            await f.contracts.MeteredEnergy.submitReading(
              f.next,
              await signReadingAs(f, f.next, { ...f.meter, key: newOwner }),
            );
          });
        }
      });

      describe("meter readings as delivery proof (FlexibilityMarket.settleWithReadings)", function () {
        const batteryDomain = (f: Fixture) => f.domain;
        const signBattery = (
          f: Fixture,
          reading: MeterReading,
          domain: TypedDataDomain = batteryDomain(f),
          signer: NamedSigner = f.batteryMeter,
        ) => signer.key.signTypedData(domain, METER_READING_TYPES, { ...reading });

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
          await expectRejected(f, await signBattery(f, f.end, f.domain, f.meter), f.meter.key.address);
        });

        it("reverts on readings of a signer the owner rotated away", async function () {
          const f = await load();
          await f.contracts.DeviceRegistry.connect(f.producer).rotateSigner(2n, f.other.address);
          await expectRejected(f, await signBattery(f, f.end), f.batteryMeter.key.address, f.other.address);
        });

        it("reverts on an attestation signature offered as a reading", async function () {
          const f = await load();
          const signature = await f.batteryMeter.key.signTypedData(f.marketDomain, ATTESTATION_TYPES, {
            commitmentId: 1n,
            deliveredWh: 800n,
            verifier: f.batteryMeter.address,
          });
          await expectRejected(f, signature, recoveredBy(f, signature));
        });

        if (signerKind === "smart account") {
          it("reverts on readings signed by the account's old owner key once its owner changed", async function () {
            const f = await load();
            await changeOwner(f, f.batteryMeter, f.other.address);
            await expectRejected(f, await signBattery(f, f.end), f.batteryMeter.key.address);
          });
        }
      });

      describe("delivery attestations (FlexibilityMarket.settleWithAttestation)", function () {
        const signAttestation = (
          f: Fixture,
          domain = f.marketDomain,
          signer: NamedSigner = f.verifier,
          attestation: { commitmentId: bigint; deliveredWh: bigint; verifier: string } = f.attestation,
        ) => signer.key.signTypedData(domain, ATTESTATION_TYPES, attestation);
        /** What a rejected attestation must leave untouched. */
        async function expectNothingSettled(f: Fixture, settle: () => Promise<unknown>) {
          const market = f.contracts.FlexibilityMarket;
          const before = (await market.getCommitment(2n)).toString();
          await settle();
          expect((await market.getCommitment(2n)).toString()).to.equal(before);
          expect(await market.claimable(f.producer.address)).to.equal(0n);
        }
        /** The attestation names the accredited verifier, but its signature is not the verifier's. */
        async function expectInvalidSignature(f: Fixture, signature: string, attestation = f.attestation) {
          const market = f.contracts.FlexibilityMarket;
          await expectNothingSettled(f, () =>
            expect(market.settleWithAttestation(attestation, signature))
              .to.be.revertedWithCustomError(market, "FlexibilityInvalidAttestationSignature")
              .withArgs(attestation.commitmentId, attestation.verifier),
          );
        }
        /** The attestation names a verifier without the role. */
        async function expectUnauthorized(f: Fixture, verifier: NamedSigner) {
          const market = f.contracts.FlexibilityMarket;
          const attestation = { ...f.attestation, verifier: verifier.address };
          const signature = await signAttestation(f, f.marketDomain, verifier, attestation);
          await expectNothingSettled(f, () =>
            expect(market.settleWithAttestation(attestation, signature))
              .to.be.revertedWithCustomError(market, "FlexibilityUnauthorizedVerifier")
              .withArgs(verifier.address),
          );
        }

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
          await expectInvalidSignature(f, await signAttestation(f, otherChain(f.marketDomain)));
        });

        it("reverts when signed for another contract", async function () {
          const f = await load();
          const domain = otherContract(f.marketDomain, await f.contracts.MeteredEnergy.getAddress());
          await expectInvalidSignature(f, await signAttestation(f, domain));
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
          await expectInvalidSignature(f, highS(await signAttestation(f)));
        });

        it("reverts when the named verifier has no verifier role", async function () {
          const f = await load();
          await expectUnauthorized(f, f.batteryMeter);
        });

        it("reverts when another signer signs in the accredited verifier's name", async function () {
          const f = await load();
          await expectInvalidSignature(f, await signAttestation(f, f.marketDomain, f.batteryMeter));
        });

        it("reverts when signed by a verifier whose role was revoked", async function () {
          const f = await load();
          await f.contracts.FlexibilityMarket.revokeRole(id("VERIFIER_ROLE"), f.verifier.address);
          await expectUnauthorized(f, f.verifier);
        });

        it("reverts on a meter reading's signature over the same numbers", async function () {
          const f = await load();
          const reading = {
            deviceId: f.attestation.commitmentId,
            cumulativeWh: f.attestation.deliveredWh,
            timestamp: 0n,
          };
          await expectInvalidSignature(
            f,
            await f.verifier.key.signTypedData(f.marketDomain, METER_READING_TYPES, reading),
          );
        });

        it("reverts when an attestation for another commitment is replayed with this id", async function () {
          const f = await load();
          const signature = await signAttestation(f, f.marketDomain, f.verifier, {
            ...f.attestation,
            commitmentId: 1n,
          });
          await expectInvalidSignature(f, signature);
        });

        if (signerKind === "smart account") {
          it("reverts on the old owner key's signature once the verifier account's owner changed", async function () {
            const f = await load();
            const signature = await signAttestation(f);
            await changeOwner(f, f.verifier, f.other.address);
            await expectInvalidSignature(f, signature);
          });
        }
      });

      describe("EIP-2612 permits with a bytes signature (TestStablecoin.permit(owner, spender, value, deadline, bytes))", function () {
        const VALUE = 5_000n * 10n ** 6n;
        type BytesPermit = { owner: string; spender: string; value: bigint; nonce: bigint; deadline: bigint };
        async function signBytesPermit(
          f: Fixture,
          overrides: { domain?: TypedDataDomain; deadline?: bigint; signer?: NamedSigner } = {},
        ): Promise<{ value: BytesPermit; signature: string }> {
          const stablecoin = f.contracts.TestStablecoin;
          const value = {
            owner: f.owner.address,
            spender: ethers.getAddress(await f.contracts.TrancheVault.getAddress()),
            value: VALUE,
            nonce: await stablecoin.nonces(f.owner.address),
            deadline: overrides.deadline ?? BigInt(await networkHelpers.time.latest()) + 3_600n,
          };
          const domain = overrides.domain ?? (await readPermitDomain(await stablecoin.getAddress(), f.deployer));
          const signature = await (overrides.signer ?? f.owner).key.signTypedData(domain, PERMIT_TYPES, value);
          return { value, signature };
        }
        const permitBytes = (f: Fixture, p: { value: BytesPermit; signature: string }) =>
          f.contracts.TestStablecoin["permit(address,address,uint256,uint256,bytes)"](
            p.value.owner,
            p.value.spender,
            p.value.value,
            p.value.deadline,
            p.signature,
          );
        async function expectRefused(f: Fixture, p: { value: BytesPermit; signature: string }) {
          const stablecoin = f.contracts.TestStablecoin;
          const nonce = await stablecoin.nonces(p.value.owner);
          await expect(permitBytes(f, p))
            .to.be.revertedWithCustomError(stablecoin, "TestStablecoinInvalidPermitSignature")
            .withArgs(p.value.owner, p.value.spender);
          expect(await stablecoin.allowance(p.value.owner, p.value.spender)).to.equal(0n);
          expect(await stablecoin.nonces(p.value.owner)).to.equal(nonce);
        }

        it("accepts a genuine permit once, and a reuse is refused because the nonce moved on", async function () {
          const f = await load();
          const stablecoin = f.contracts.TestStablecoin;
          const p = await signBytesPermit(f);
          await expect(permitBytes(f, p))
            .to.emit(stablecoin, "Approval")
            .withArgs(p.value.owner, p.value.spender, VALUE);
          expect(await stablecoin.nonces(p.value.owner)).to.equal(1n);
          await expect(permitBytes(f, p))
            .to.be.revertedWithCustomError(stablecoin, "TestStablecoinInvalidPermitSignature")
            .withArgs(p.value.owner, p.value.spender);
          expect(await stablecoin.nonces(p.value.owner)).to.equal(1n);
        });

        it("shares its nonces with the v, r, s permit", async function () {
          const f = await load();
          const stablecoin = f.contracts.TestStablecoin;
          const p = await signBytesPermit(f);
          const { v, r, s } = Signature.from(p.signature);
          const { owner, spender, value, deadline } = p.value;
          const permitVrs = () =>
            stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
              owner,
              spender,
              value,
              deadline,
              v,
              r,
              s,
            );
          if (signerKind === "EOA") {
            // The same EOA signature works once, through either entry point.
            await permitVrs();
            await expect(permitBytes(f, p))
              .to.be.revertedWithCustomError(stablecoin, "TestStablecoinInvalidPermitSignature")
              .withArgs(owner, spender);
          } else {
            // The v, r, s permit only knows keys: the account's signature is refused there, and its nonce stays unused.
            await expect(permitVrs())
              .to.be.revertedWithCustomError(stablecoin, "ERC2612InvalidSigner")
              .withArgs(f.owner.key.address, owner);
            await permitBytes(f, p);
          }
          expect(await stablecoin.nonces(p.value.owner)).to.equal(1n);
        });

        it("reverts when signed for another chain", async function () {
          const f = await load();
          const domain = otherChain(await readPermitDomain(await f.contracts.TestStablecoin.getAddress(), f.deployer));
          await expectRefused(f, await signBytesPermit(f, { domain }));
        });

        it("reverts when signed for another contract", async function () {
          const f = await load();
          const domain = otherContract(
            await readPermitDomain(await f.contracts.TestStablecoin.getAddress(), f.deployer),
            await f.contracts.TrancheVault.getAddress(),
          );
          await expectRefused(f, await signBytesPermit(f, { domain }));
        });

        it("accepts at the deadline's second and reverts as expired one second later", async function () {
          const f = await load();
          const stablecoin = f.contracts.TestStablecoin;
          const deadline = BigInt(await networkHelpers.time.latest()) + 10n;
          const late = await signBytesPermit(f, { deadline });
          await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
          await expect(permitBytes(f, late))
            .to.be.revertedWithCustomError(stablecoin, "ERC2612ExpiredSignature")
            .withArgs(deadline);
          const onTime = await signBytesPermit(f, { deadline: deadline + 10n });
          await networkHelpers.time.setNextBlockTimestamp(deadline + 10n);
          await permitBytes(f, onTime);
          expect(await stablecoin.allowance(onTime.value.owner, onTime.value.spender)).to.equal(VALUE);
        });

        it("reverts on the malleable high-s twin", async function () {
          const f = await load();
          const p = await signBytesPermit(f);
          await expectRefused(f, { ...p, signature: highS(p.signature) });
        });

        it("reverts when signed by someone other than the owner", async function () {
          const f = await load();
          await expectRefused(f, await signBytesPermit(f, { signer: f.batteryMeter }));
        });

        it("reverts on a meter reading's signature by the owner's key", async function () {
          const f = await load();
          const p = await signBytesPermit(f);
          const domain = await readPermitDomain(await f.contracts.TestStablecoin.getAddress(), f.deployer);
          const signature = await f.owner.key.signTypedData(domain, METER_READING_TYPES, {
            deviceId: 1n,
            cumulativeWh: VALUE,
            timestamp: p.value.deadline,
          });
          await expectRefused(f, { ...p, signature });
        });

        if (signerKind === "smart account") {
          it("reverts on the old owner key's permit once the account's owner changed", async function () {
            const f = await load();
            const p = await signBytesPermit(f);
            await changeOwner(f, f.owner, f.other.address);
            await expectRefused(f, p);
          });
        }
      });

      if (signerKind === "EOA") {
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
              await expect(
                stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p)),
              )
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
              await expect(
                stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p)),
              )
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
              await expect(
                stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
                  ...permitArgs(await signPermit(f, { deadline })),
                ),
              )
                .to.be.revertedWithCustomError(stablecoin, "ERC2612ExpiredSignature")
                .withArgs(deadline);
            });

            it("reverts on the malleable high-s twin", async function () {
              const f = await load();
              const stablecoin = f.contracts.TestStablecoin;
              const p = await signPermit(f);
              const s = toBeHex(SECP256K1_N - BigInt(p.s), 32);
              await expect(
                stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
                  ...permitArgs(p, s, p.v === 27 ? 28 : 27),
                ),
              )
                .to.be.revertedWithCustomError(stablecoin, "ECDSAInvalidSignatureS")
                .withArgs(s);
              expect(await stablecoin.nonces(f.investor.address)).to.equal(0n);
            });

            it("reverts when signed by someone other than the owner", async function () {
              const f = await load();
              const stablecoin = f.contracts.TestStablecoin;
              const p = await signPermit(f);
              const forged = Signature.from(await f.other.signTypedData(await permitDomain(f), PERMIT_TYPES, p.value));
              await expect(
                stablecoin["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
                  ...permitArgs({ ...p, r: forged.r }, forged.s, forged.v),
                ),
              )
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
            async function expectNoSubscription(
              f: Fixture,
              p: Awaited<ReturnType<typeof signPermit>>,
              s = p.s,
              v = p.v,
            ) {
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
              await stablecoin
                .connect(f.other)
                ["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](...permitArgs(p));
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
                  verifier: f.investor.address,
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
              await f.contracts.TestStablecoin.connect(f.other)[
                "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"
              ](...permitArgs(p));
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
      }
    });
  }

  describe("contract signers that misbehave", function () {
    const load = () => networkHelpers.loadFixture(eoaFixture);
    /** Registers device 4 of `f.other` (solar, 1 kW) with `signer` as its meter signer. */
    async function deviceSignedBy(f: Fixture, signer: string) {
      await f.contracts.DeviceRegistry.registerDevice({
        signer,
        owner: f.other.address,
        kind: 0,
        capacityW: 1_000n,
        gridZone: encodeBytes32String("ERCOT-NORTH"),
        commissionedAt: 1_700_000_000n,
        metadataURI: "",
      });
      return f.contracts.DeviceRegistry.deviceCount();
    }

    describe("a lying ERC-1271 signer (accepts anything) only hurts whoever chose it", function () {
      it("lets anyone sign readings for the device that named it, and no other device", async function () {
        const f = await load();
        const energy = f.contracts.MeteredEnergy;
        const liar = await (await new LyingERC1271__factory(f.deployer).deploy()).getAddress();
        const deviceId = await deviceSignedBy(f, liar);
        const hourStart = (BigInt(await networkHelpers.time.latest()) / HOUR) * HOUR;
        const baseline = { deviceId, cumulativeWh: 0n, timestamp: hourStart - HOUR };
        await energy.connect(f.other).resumeMetering(baseline, "0x");
        // Its owner's device takes any "signature": the liar's choice, capped by the device's capacity as always.
        await energy.submitReading({ deviceId, cumulativeWh: 300n, timestamp: hourStart - 600n }, "0x");
        expect(await energy.mintedWh(deviceId)).to.equal(300n);
        // The same nothing does not sign for the honest device, nor does a contract that is not its signer.
        await expect(energy.submitReading(f.next, "0x"))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
          .withArgs(f.deviceId, ZeroAddress, f.meter.address);
        expect(await energy.mintedWh(f.deviceId)).to.equal(3n * MWH);
      });

      it("cannot settle as a verifier unless the market accredited it", async function () {
        const f = await load();
        const market = f.contracts.FlexibilityMarket;
        const liar = await (await new LyingERC1271__factory(f.deployer).deploy()).getAddress();
        await expect(market.settleWithAttestation({ ...f.attestation, verifier: liar }, "0x"))
          .to.be.revertedWithCustomError(market, "FlexibilityUnauthorizedVerifier")
          .withArgs(liar);
        // Naming the accredited verifier needs the verifier's own signature.
        await expect(market.settleWithAttestation(f.attestation, "0x"))
          .to.be.revertedWithCustomError(market, "FlexibilityInvalidAttestationSignature")
          .withArgs(2n, f.verifier.address);
        expect(await market.claimable(f.producer.address)).to.equal(0n);
      });

      it("permits only its own tokens", async function () {
        const f = await load();
        const stablecoin = f.contracts.TestStablecoin;
        const liar = await (await new LyingERC1271__factory(f.deployer).deploy()).getAddress();
        const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
        const permit = stablecoin["permit(address,address,uint256,uint256,bytes)"];
        await permit(liar, f.other.address, 1_000n, deadline, "0x");
        expect(await stablecoin.allowance(liar, f.other.address)).to.equal(1_000n);
        await expect(permit(f.owner.address, f.other.address, 1_000n, deadline, "0x"))
          .to.be.revertedWithCustomError(stablecoin, "TestStablecoinInvalidPermitSignature")
          .withArgs(f.owner.address, f.other.address);
        expect(await stablecoin.allowance(f.owner.address, f.other.address)).to.equal(0n);
      });
    });

    for (const [mode, how] of [
      [0, "reverts"],
      [1, "burns all its gas"],
      [2, "answers too short"],
    ] as const) {
      describe(`an ERC-1271 signer that ${how} is an invalid signature, not a bubbled revert`, function () {
        // A transaction's own gas limit: a burner takes 63/64 of what it is forwarded and the rest still reverts with
        // the named error (and the test skips gas estimation's search over a call that burns whatever it gets).
        const GAS_LIMIT = 1_000_000n;
        const broken = async (f: Fixture) => (await new BrokenERC1271__factory(f.deployer).deploy(mode)).getAddress();

        it("as a device signer", async function () {
          const f = await load();
          const energy = f.contracts.MeteredEnergy;
          const signer = await broken(f);
          const deviceId = await deviceSignedBy(f, signer);
          const baseline = { deviceId, cumulativeWh: 0n, timestamp: BigInt(await networkHelpers.time.latest()) - 600n };
          // A well-formed ECDSA signature by some key: recovered, refused, then the account is asked and fails.
          const signature = await f.batteryMeter.key.signTypedData(f.domain, METER_READING_TYPES, { ...baseline });
          await expect(energy.connect(f.other).resumeMetering(baseline, signature, { gasLimit: GAS_LIMIT }))
            .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
            .withArgs(deviceId, f.batteryMeter.key.address, signer);
          expect((await energy.meterState(deviceId)).timestamp).to.equal(0n);
        });

        it("as an accredited verifier", async function () {
          const f = await load();
          const market = f.contracts.FlexibilityMarket;
          const verifier = await broken(f);
          await market.grantRole(id("VERIFIER_ROLE"), verifier);
          const attestation = { ...f.attestation, verifier };
          await expect(
            market.settleWithAttestation(
              attestation,
              await f.verifier.key.signTypedData(f.marketDomain, ATTESTATION_TYPES, attestation),
              { gasLimit: GAS_LIMIT },
            ),
          )
            .to.be.revertedWithCustomError(market, "FlexibilityInvalidAttestationSignature")
            .withArgs(2n, verifier);
          expect(await market.claimable(f.producer.address)).to.equal(0n);
        });

        it("as a permit owner", async function () {
          const f = await load();
          const stablecoin = f.contracts.TestStablecoin;
          const owner = await broken(f);
          const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
          await expect(
            stablecoin["permit(address,address,uint256,uint256,bytes)"](owner, f.other.address, 1n, deadline, "0x", {
              gasLimit: GAS_LIMIT,
            }),
          )
            .to.be.revertedWithCustomError(stablecoin, "TestStablecoinInvalidPermitSignature")
            .withArgs(owner, f.other.address);
          expect(await stablecoin.nonces(owner)).to.equal(0n);
        });
      });
    }
  });

  describe("smart accounts pay in one batched call instead of buyWithPermit / subscribeWithPermit", function () {
    const load = () => networkHelpers.loadFixture(accountFixture);
    /** The permit owner's account, funded with gas for its key, and that key connected to the chain. */
    async function fundedAccount(f: Fixture) {
      await f.deployer.sendTransaction({ to: f.owner.key.address, value: ethers.parseEther("1") });
      return f.owner.account!.connect(f.owner.key.connect(ethers.provider));
    }

    it("approves and buys GPU-hours atomically; a failing buy undoes the approval", async function () {
      const f = await load();
      const { ComputeMarket: market, TestStablecoin: stablecoin } = f.contracts;
      const marketAddress = await market.getAddress();
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
      await stablecoin.approve(marketAddress, 10n ** 10n);
      await market.postBond(clusterId, 10n ** 10n);
      const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
      const price = 2n * 10n ** 6n;
      await market.offerWindow(clusterId, start, 4n, price);
      const creditId = await market.creditId(clusterId, start);
      const account = await fundedAccount(f);
      const batch = (gpuHours: bigint) => [
        {
          target: stablecoin.target,
          value: 0n,
          data: stablecoin.interface.encodeFunctionData("approve", [marketAddress, gpuHours * price]),
        },
        {
          target: marketAddress,
          value: 0n,
          data: market.interface.encodeFunctionData("buy", [creditId, gpuHours, f.owner.address]),
        },
      ];
      const balance = await stablecoin.balanceOf(f.owner.address);
      await account.executeBatch(batch(10n));
      expect(await market.balanceOf(f.owner.address, creditId)).to.equal(10n);
      expect(await stablecoin.balanceOf(f.owner.address)).to.equal(balance - 10n * price);
      expect(await stablecoin.allowance(f.owner.address, marketAddress)).to.equal(0n);
      // More GPU-hours than the window has: the buy's own error comes back and the approval is rolled back with it.
      const capacity = 8n * 4n;
      await expect(account.executeBatch(batch(capacity)))
        .to.be.revertedWithCustomError(market, "ComputeWindowOversold")
        .withArgs(creditId, capacity, 10n, capacity);
      expect(await stablecoin.allowance(f.owner.address, marketAddress)).to.equal(0n);
    });

    it("approves and subscribes to a tranche atomically as a listed investor", async function () {
      const f = await load();
      const { TrancheVault: vault, TestStablecoin: stablecoin, InvestorRegistry: registry } = f.contracts;
      const now = BigInt(await networkHelpers.time.latest());
      await registry.listInvestor(f.owner.address, now + 365n * 86_400n, 276);
      const account = await fundedAccount(f);
      const amount = 10_000n * 10n ** 6n; // the tranche's minimum subscription
      await account.executeBatch([
        {
          target: stablecoin.target,
          value: 0n,
          data: stablecoin.interface.encodeFunctionData("approve", [vault.target, amount]),
        },
        { target: vault.target, value: 0n, data: vault.interface.encodeFunctionData("subscribe", [0n, amount]) },
      ]);
      expect((await vault.tranche(0n)).raised).to.equal(amount);
    });
  });
});
