import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { Signature, ZeroAddress } from "ethers";
import { network } from "hardhat";

import {
  DeviceKind,
  DeviceStatus,
  batchId,
  batchIdOfReading,
  decodeBatchId,
  gridZone,
  hourOfReading,
  meteredEnergyDomain,
  signReading,
  type MeterReading,
} from "../../sdk/energy.js";
import { HOUR, deployEnergySuite, meterKey, registerDevice, registration, signedReading } from "../helpers/energy.js";
import { decodeMetadata, isoHour } from "../helpers/metadata.js";

const { ethers, networkHelpers, provider } = await network.create();

const BASELINE_WH = 5_000_000n;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function meteredEnergyFixture() {
  const suite = await deployEnergySuite(provider, ethers);
  const [, producer, relayer, consumer, stranger] = await ethers.getSigners();
  const solarMeter = meterKey("solar");
  const windMeter = meterKey("wind");
  const solarId = await registerDevice(
    suite.registry,
    registration({ signer: solarMeter.address, owner: producer.address, capacityW: 100_000n }),
  );
  const windId = await registerDevice(
    suite.registry,
    registration({ signer: windMeter.address, owner: producer.address, kind: DeviceKind.Wind, capacityW: 2_000_000n }),
  );
  // Start on an hour boundary comfortably after the deployment block.
  const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
  await networkHelpers.time.increaseTo(start);
  for (const [deviceId, meter] of [
    [solarId, solarMeter],
    [windId, windMeter],
  ] as const) {
    // Starting metering (the baseline) is the owner's act.
    await suite.energy
      .connect(producer)
      .resumeMetering(
        ...(await signedReading(meter, suite.domain, { deviceId, cumulativeWh: BASELINE_WH, timestamp: start })),
      );
  }
  const read = (deviceId: bigint, cumulativeWh: bigint, timestamp: bigint) =>
    signedReading(deviceId === solarId ? solarMeter : windMeter, suite.domain, { deviceId, cumulativeWh, timestamp });
  return { ...suite, producer, relayer, consumer, stranger, solarMeter, windMeter, solarId, windId, start, read };
}

describe("MeteredEnergy", function () {
  describe("submitReading", function () {
    it("sets the baseline on a device's first reading and mints nothing", async function () {
      const { energy, solarId, start } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const state = await energy.meterState(solarId);
      expect(state.baselineWh).to.equal(BASELINE_WH);
      expect(state.cumulativeWh).to.equal(BASELINE_WH);
      expect(state.timestamp).to.equal(start);
      expect(await energy.mintedWh(solarId)).to.equal(0n);
    });

    it("mints the energy since the last reading to the owner, in the batch of the hour it closes", async function () {
      const { energy, producer, relayer, solarId, start, read } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      const timestamp = start + HOUR;
      await networkHelpers.time.increaseTo(timestamp);
      const id = batchId(solarId, start / HOUR);
      expect(batchIdOfReading(solarId, timestamp)).to.equal(id);

      await expect(energy.connect(relayer).submitReading(...(await read(solarId, BASELINE_WH + 80_000n, timestamp))))
        .to.emit(energy, "ReadingAccepted")
        .withArgs(solarId, BASELINE_WH + 80_000n, timestamp)
        .and.to.emit(energy, "TransferSingle")
        .withArgs(relayer.address, ZeroAddress, producer.address, id, 80_000n);
      expect(await energy.balanceOf(producer.address, id)).to.equal(80_000n);
      expect(await energy.balanceOf(relayer.address, id)).to.equal(0n);
      expect(await energy.mintedWh(solarId)).to.equal(80_000n);
    });

    it("mints exactly what capacity times elapsed time allows", async function () {
      const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      // 100 kW for 15 minutes is 25,000 Wh.
      const timestamp = start + 900n;
      await networkHelpers.time.increaseTo(timestamp);
      await energy.submitReading(...(await read(solarId, BASELINE_WH + 25_000n, timestamp)));
      expect(await energy.balanceOf(producer.address, batchId(solarId, hourOfReading(timestamp)))).to.equal(25_000n);
    });

    it("moves time on without minting when the counter did not change", async function () {
      const { energy, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + 600n);
      await expect(energy.submitReading(...(await read(solarId, BASELINE_WH, start + 600n)))).not.to.emit(
        energy,
        "TransferSingle",
      );
      expect((await energy.meterState(solarId)).timestamp).to.equal(start + 600n);
    });

    it("pays the new owner after the device changed hands", async function () {
      const { energy, registry, producer, stranger, solarId, start, read } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      await registry.connect(producer).setOwner(solarId, stranger.address);
      await networkHelpers.time.increaseTo(start + 600n);
      await energy.submitReading(...(await read(solarId, BASELINE_WH + 1_000n, start + 600n)));
      const id = batchIdOfReading(solarId, start + 600n);
      expect(await energy.balanceOf(stranger.address, id)).to.equal(1_000n);
      expect(await energy.balanceOf(producer.address, id)).to.equal(0n);
    });

    describe("when the reading is invalid", function () {
      async function expectNothingMoved(fixture: Awaited<ReturnType<typeof meteredEnergyFixture>>) {
        const { energy, producer, solarId, start } = fixture;
        const state = await energy.meterState(solarId);
        expect(state.cumulativeWh).to.equal(BASELINE_WH);
        expect(state.timestamp).to.equal(start);
        expect(await energy.mintedWh(solarId)).to.equal(0n);
        expect(await energy.balanceOf(producer.address, batchId(solarId, start / HOUR))).to.equal(0n);
      }

      it("reverts when the device is unknown", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarMeter, domain, start } = fixture;
        await networkHelpers.time.increaseTo(start + 60n);
        const reading = { deviceId: 99n, cumulativeWh: 1n, timestamp: start + 60n };
        const signature = await signReading(solarMeter, domain, reading);
        // An unknown device has no baseline, and nobody owns it to start one.
        await expect(energy.submitReading(reading, signature))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyMeteringNotStarted")
          .withArgs(99n);
        await expect(energy.resumeMetering(reading, signature))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyUnknownDevice")
          .withArgs(99n);
      });

      it("reverts when the device is suspended", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, registry, solarId, start, read } = fixture;
        await registry.suspendDevice(solarId, ethers.encodeBytes32String("audit"));
        await networkHelpers.time.increaseTo(start + 60n);
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH + 100n, start + 60n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyDeviceNotActive")
          .withArgs(solarId, DeviceStatus.Suspended);
        await expectNothingMoved(fixture);
      });

      it("reverts when the device is decommissioned", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, registry, solarId, start, read } = fixture;
        await registry.decommissionDevice(solarId, ethers.encodeBytes32String("end of life"));
        await networkHelpers.time.increaseTo(start + 60n);
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH + 100n, start + 60n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyDeviceNotActive")
          .withArgs(solarId, DeviceStatus.Decommissioned);
        await expectNothingMoved(fixture);
      });

      it("reverts when someone other than the device's signer signed", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, domain, solarId, solarMeter, start } = fixture;
        const forger = meterKey("forger");
        await networkHelpers.time.increaseTo(start + 60n);
        const reading = { deviceId: solarId, cumulativeWh: BASELINE_WH + 100n, timestamp: start + 60n };
        await expect(energy.submitReading(reading, await signReading(forger, domain, reading)))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
          .withArgs(solarId, forger.address, solarMeter.address);
        await expectNothingMoved(fixture);
      });

      it("reverts when the signer was rotated away", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, registry, producer, solarId, solarMeter, start, read } = fixture;
        const newMeter = meterKey("solar v2");
        await registry.connect(producer).rotateSigner(solarId, newMeter.address);
        await networkHelpers.time.increaseTo(start + 60n);
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH + 100n, start + 60n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
          .withArgs(solarId, solarMeter.address, newMeter.address);
        await expectNothingMoved(fixture);
      });

      it("reverts for a reading its key signed while rotated away, once the key is rotated back in", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, registry, producer, solarId, start, read } = fixture;
        // Signed by the solar meter's key at start + 60, while the device's signer was another key.
        const stray = await read(solarId, BASELINE_WH + 100n, start + 60n);
        await registry.connect(producer).rotateSigner(solarId, meterKey("solar v2").address);
        await networkHelpers.time.increaseTo(start + 120n);
        await registry.connect(producer).rotateSigner(solarId, fixture.solarMeter.address);
        const signerSince = (await registry.getDevice(solarId)).signerSince;
        await expect(energy.submitReading(...stray))
          .to.be.revertedWithCustomError(energy, "MeteredEnergySignerNotInForce")
          .withArgs(solarId, start + 60n, signerSince);
        await expectNothingMoved(fixture);
      });

      it("reverts when the signature is the malleable (high-s) twin of a valid one", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarId, solarMeter, start, read } = fixture;
        await networkHelpers.time.increaseTo(start + 60n);
        const [reading, signature] = await read(solarId, BASELINE_WH + 100n, start + 60n);
        const sig = Signature.from(signature);
        const highS = ethers.toBeHex(SECP256K1_N - BigInt(sig.s), 32);
        const twin = ethers.concat([sig.r, highS, sig.v === 27 ? "0x1c" : "0x1b"]);
        await expect(energy.submitReading(reading, twin))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
          .withArgs(solarId, ZeroAddress, solarMeter.address);
        await expectNothingMoved(fixture);
      });

      it("reverts when the reading was signed for another chain", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, chainId, solarId, solarMeter, start } = fixture;
        await networkHelpers.time.increaseTo(start + 60n);
        const reading = { deviceId: solarId, cumulativeWh: BASELINE_WH + 100n, timestamp: start + 60n };
        const otherChain = {
          ...(await meteredEnergyDomain(await energy.getAddress(), ethers.provider)),
          chainId: chainId + 1n,
        };
        await expect(energy.submitReading(reading, await signReading(solarMeter, otherChain, reading)))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
          .withArgs(solarId, anyValue, solarMeter.address);
        await expectNothingMoved(fixture);
      });

      it("reverts when the reading was signed for another contract", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, registry, solarId, solarMeter, start } = fixture;
        await networkHelpers.time.increaseTo(start + 60n);
        const reading = { deviceId: solarId, cumulativeWh: BASELINE_WH + 100n, timestamp: start + 60n };
        const otherContract = {
          ...(await meteredEnergyDomain(await energy.getAddress(), ethers.provider)),
          verifyingContract: await registry.getAddress(),
        };
        await expect(energy.submitReading(reading, await signReading(solarMeter, otherContract, reading)))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
          .withArgs(solarId, anyValue, solarMeter.address);
        await expectNothingMoved(fixture);
      });

      it("reverts when the same reading is submitted again", async function () {
        const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
        await networkHelpers.time.increaseTo(start + 60n);
        const signed = await read(solarId, BASELINE_WH + 100n, start + 60n);
        await energy.submitReading(...signed);
        await expect(energy.submitReading(...signed))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingNotAfterLast")
          .withArgs(solarId, start + 60n, start + 60n);
      });

      it("reverts when the reading is older than the last one", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarId, start, read } = fixture;
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH, start - 60n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingNotAfterLast")
          .withArgs(solarId, start, start - 60n);
        await expectNothingMoved(fixture);
      });

      it("reverts when the reading is in the future", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarId, start, read } = fixture;
        const timestamp = start + 1200n;
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH + 100n, timestamp))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingInFuture")
          .withArgs(solarId, timestamp, anyValue);
        await expectNothingMoved(fixture);
      });

      it("reverts when the counter went down", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarId, start, read } = fixture;
        await networkHelpers.time.increaseTo(start + 60n);
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH - 1n, start + 60n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyCounterDecreased")
          .withArgs(solarId, BASELINE_WH, BASELINE_WH - 1n);
        await expectNothingMoved(fixture);
      });

      it("reverts when the delta exceeds what capacity allows in the elapsed time", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarId, start, read } = fixture;
        // 100 kW for 15 minutes is at most 25,000 Wh.
        await networkHelpers.time.increaseTo(start + 900n);
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH + 25_001n, start + 900n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyExceedsCapacity")
          .withArgs(solarId, 25_001n, 25_000n);
        await expectNothingMoved(fixture);
      });

      it("reverts when the reading's interval crosses an hour boundary", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarId, start, read } = fixture;
        await networkHelpers.time.increaseTo(start + HOUR + 1n);
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH + 1n, start + HOUR + 1n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingCrossesHour")
          .withArgs(solarId, start, start + HOUR + 1n, start + HOUR);
        await expectNothingMoved(fixture);
      });

      it("reverts for a device whose owner has not started metering", async function () {
        const { energy, registry, domain, producer, start } = await networkHelpers.loadFixture(meteredEnergyFixture);
        const meter = meterKey("new");
        const deviceId = await registerDevice(
          registry,
          registration({ signer: meter.address, owner: producer.address }),
        );
        await networkHelpers.time.increaseTo(start + 60n);
        const reading: MeterReading = { deviceId, cumulativeWh: 1n, timestamp: start + 60n };
        const signature = await signReading(meter, domain, reading);
        await expect(energy.submitReading(reading, signature))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyMeteringNotStarted")
          .withArgs(deviceId);
        await expect(energy.submitReadings([reading], [signature]))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyMeteringNotStarted")
          .withArgs(deviceId);
      });

      it("reverts after a suspension until the owner resumes", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, registry, solarId, start, read } = fixture;
        await networkHelpers.time.increaseTo(start + 600n);
        await registry.suspendDevice(solarId, ethers.encodeBytes32String("audit"));
        await registry.reactivateDevice(solarId, ethers.encodeBytes32String("cleared"));
        const activeSince = (await registry.getDevice(solarId)).activeSince;
        await networkHelpers.time.increaseTo(start + 1800n);
        // The interval (start, start + 30 min] holds time the device was suspended.
        await expect(energy.submitReading(...(await read(solarId, BASELINE_WH + 100n, start + 1800n))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyIntervalBeforeActive")
          .withArgs(solarId, start, activeSince);
        await expectNothingMoved(fixture);
      });

      it("reverts while the token is paused", async function () {
        const fixture = await networkHelpers.loadFixture(meteredEnergyFixture);
        const { energy, solarId, start, read } = fixture;
        await energy.pause();
        await networkHelpers.time.increaseTo(start + 60n);
        await expect(
          energy.submitReading(...(await read(solarId, BASELINE_WH + 1n, start + 60n))),
        ).to.be.revertedWithCustomError(energy, "EnforcedPause");
        await expectNothingMoved(fixture);
      });
    });
  });

  describe("submitReadings", function () {
    it("applies readings of many devices in one transaction", async function () {
      const { energy, producer, relayer, solarId, windId, start, read } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      const timestamp = start + HOUR;
      await networkHelpers.time.increaseTo(timestamp);
      const solar = await read(solarId, BASELINE_WH + 70_000n, timestamp);
      const wind = await read(windId, BASELINE_WH + 1_500_000n, timestamp);
      await expect(energy.connect(relayer).submitReadings([solar[0], wind[0]], [solar[1], wind[1]]))
        .to.emit(energy, "ReadingAccepted")
        .withArgs(windId, BASELINE_WH + 1_500_000n, timestamp);
      expect(await energy.balanceOf(producer.address, batchId(solarId, start / HOUR))).to.equal(70_000n);
      expect(await energy.balanceOf(producer.address, batchId(windId, start / HOUR))).to.equal(1_500_000n);
    });

    it("applies consecutive readings of one device in order", async function () {
      const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + HOUR + 1800n);
      const first = await read(solarId, BASELINE_WH + 90_000n, start + HOUR);
      const second = await read(solarId, BASELINE_WH + 130_000n, start + HOUR + 1800n);
      await energy.submitReadings([first[0], second[0]], [first[1], second[1]]);
      expect(await energy.balanceOf(producer.address, batchId(solarId, start / HOUR))).to.equal(90_000n);
      expect(await energy.balanceOf(producer.address, batchId(solarId, start / HOUR + 1n))).to.equal(40_000n);
      expect(await energy.mintedWh(solarId)).to.equal(130_000n);
    });

    it("skips a reading that was already applied and applies the rest", async function () {
      const { energy, producer, solarId, windId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const timestamp = start + 1800n;
      await networkHelpers.time.increaseTo(timestamp);
      const solar = await read(solarId, BASELINE_WH + 40_000n, timestamp);
      const wind = await read(windId, BASELINE_WH + 600_000n, timestamp);
      // Another relayer got the solar reading in first.
      await energy.submitReading(...solar);

      await expect(energy.submitReadings([solar[0], wind[0]], [solar[1], wind[1]]))
        .to.emit(energy, "ReadingSkipped")
        .withArgs(solarId, timestamp, timestamp);
      expect(await energy.balanceOf(producer.address, batchIdOfReading(solarId, timestamp))).to.equal(40_000n);
      expect(await energy.balanceOf(producer.address, batchIdOfReading(windId, timestamp))).to.equal(600_000n);
      expect(await energy.mintedWh(solarId)).to.equal(40_000n);
    });

    it("returns how many readings it applied", async function () {
      const { energy, solarId, windId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + 60n);
      const solar = await read(solarId, BASELINE_WH + 10n, start + 60n);
      const wind = await read(windId, BASELINE_WH + 10n, start + 60n);
      await energy.submitReading(...solar);
      expect(await energy.submitReadings.staticCall([solar[0], wind[0]], [solar[1], wind[1]])).to.equal(1n);
    });

    it("reverts whole when one reading is invalid", async function () {
      const { energy, producer, solarId, windId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const timestamp = start + 1800n;
      await networkHelpers.time.increaseTo(timestamp);
      const solar = await read(solarId, BASELINE_WH + 40_000n, timestamp);
      const wind = await read(windId, BASELINE_WH - 1n, timestamp);
      await expect(energy.submitReadings([solar[0], wind[0]], [solar[1], wind[1]]))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyCounterDecreased")
        .withArgs(windId, BASELINE_WH, BASELINE_WH - 1n);
    });

    it("reverts when the signatures do not match the readings one to one", async function () {
      const { energy, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + 60n);
      const solar = await read(solarId, BASELINE_WH + 10n, start + 60n);
      await expect(energy.submitReadings([solar[0]], [solar[1], solar[1]]))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyLengthMismatch")
        .withArgs(1n, 2n);
    });
  });

  describe("resumeMetering", function () {
    it("resumes after an outage without minting the energy over the gap", async function () {
      const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const resumedAt = start + 3n * HOUR;
      await networkHelpers.time.increaseTo(resumedAt + 600n);
      await expect(energy.connect(producer).resumeMetering(...(await read(solarId, BASELINE_WH + 150_000n, resumedAt))))
        .to.emit(energy, "MeteringResumed")
        .withArgs(solarId, BASELINE_WH + 150_000n, resumedAt, 150_000n, 3n * HOUR);
      expect(await energy.mintedWh(solarId)).to.equal(0n);

      // Normal readings count from the resumed counter again.
      await energy.submitReading(...(await read(solarId, BASELINE_WH + 160_000n, resumedAt + 600n)));
      expect(await energy.mintedWh(solarId)).to.equal(10_000n);
      expect(await energy.balanceOf(producer.address, batchIdOfReading(solarId, resumedAt + 600n))).to.equal(10_000n);
      const state = await energy.meterState(solarId);
      expect(state.baselineWh).to.equal(BASELINE_WH + 150_000n);
    });

    it("resumes after a gap that only crosses one hour boundary", async function () {
      const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + HOUR + 60n);
      await expect(
        energy.connect(producer).resumeMetering(...(await read(solarId, BASELINE_WH + 500n, start + HOUR + 60n))),
      )
        .to.emit(energy, "MeteringResumed")
        .withArgs(solarId, BASELINE_WH + 500n, start + HOUR + 60n, 500n, HOUR + 60n);
    });

    it("reverts when a normal reading could bridge the interval", async function () {
      const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + HOUR);
      await expect(energy.connect(producer).resumeMetering(...(await read(solarId, BASELINE_WH + 1n, start + HOUR))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyNoGap")
        .withArgs(solarId, start, start + HOUR);
    });

    it("reverts when the caller is not the device's owner", async function () {
      const { energy, producer, stranger, solarId, start, read } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + 3n * HOUR);
      await expect(energy.connect(stranger).resumeMetering(...(await read(solarId, BASELINE_WH, start + 3n * HOUR))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyNotDeviceOwner")
        .withArgs(solarId, producer.address, stranger.address);
    });

    it("reverts when the counter went down over the outage", async function () {
      const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + 2n * HOUR);
      await expect(
        energy.connect(producer).resumeMetering(...(await read(solarId, BASELINE_WH - 1n, start + 2n * HOUR))),
      )
        .to.be.revertedWithCustomError(energy, "MeteredEnergyCounterDecreased")
        .withArgs(solarId, BASELINE_WH, BASELINE_WH - 1n);
    });

    it("reverts when the reading is not newer than the last one", async function () {
      const { energy, producer, solarId, start, read } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await expect(energy.connect(producer).resumeMetering(...(await read(solarId, BASELINE_WH, start))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingNotAfterLast")
        .withArgs(solarId, start, start);
    });

    it("reverts when the signer is not the device's", async function () {
      const { energy, domain, producer, solarId, solarMeter, windMeter, start } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + 2n * HOUR);
      const reading: MeterReading = { deviceId: solarId, cumulativeWh: BASELINE_WH, timestamp: start + 2n * HOUR };
      await expect(energy.connect(producer).resumeMetering(reading, await signReading(windMeter, domain, reading)))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
        .withArgs(solarId, windMeter.address, solarMeter.address);
    });

    it("resumes after a suspension from a reading taken since the reactivation", async function () {
      const { energy, registry, producer, solarId, start, read } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + 600n);
      await registry.suspendDevice(solarId, ethers.encodeBytes32String("audit"));
      await networkHelpers.time.increaseTo(start + 1200n);
      await registry.reactivateDevice(solarId, ethers.encodeBytes32String("cleared"));
      const activeSince = (await registry.getDevice(solarId)).activeSince;
      await networkHelpers.time.increaseTo(start + 1800n);
      // A reading from before the reactivation cannot restart the device.
      await expect(
        energy.connect(producer).resumeMetering(...(await read(solarId, BASELINE_WH + 10n, activeSince - 1n))),
      )
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingBeforeActive")
        .withArgs(solarId, activeSince - 1n, activeSince);
      await expect(
        energy.connect(producer).resumeMetering(...(await read(solarId, BASELINE_WH + 20_000n, start + 1800n))),
      )
        .to.emit(energy, "MeteringResumed")
        .withArgs(solarId, BASELINE_WH + 20_000n, start + 1800n, 20_000n, 1800n);
      await networkHelpers.time.increaseTo(start + HOUR);
      await energy.submitReading(...(await read(solarId, BASELINE_WH + 30_000n, start + HOUR)));
      expect(await energy.mintedWh(solarId)).to.equal(10_000n);
    });

    describe("the first reading (baseline)", function () {
      async function newDeviceFixture() {
        const fixture = await meteredEnergyFixture();
        const meter = meterKey("new device");
        const commissionedAt = fixture.start - 600n;
        const deviceId = await registerDevice(
          fixture.registry,
          registration({ signer: meter.address, owner: fixture.producer.address, commissionedAt }),
        );
        const sign = async (cumulativeWh: bigint, timestamp: bigint) =>
          signedReading(meter, fixture.domain, { deviceId, cumulativeWh, timestamp });
        return { ...fixture, meter, deviceId, commissionedAt, sign };
      }

      it("is set by the owner and mints nothing", async function () {
        const { energy, producer, deviceId, start, sign } = await networkHelpers.loadFixture(newDeviceFixture);
        await expect(energy.connect(producer).resumeMetering(...(await sign(7_000n, start))))
          .to.emit(energy, "MeterBaselineSet")
          .withArgs(deviceId, 7_000n, start);
        expect(await energy.meterState(deviceId)).to.deep.equal([7_000n, start, 7_000n]);
        expect(await energy.mintedWh(deviceId)).to.equal(0n);
      });

      it("reverts when the caller is not the owner", async function () {
        const { energy, producer, stranger, deviceId, start, sign } =
          await networkHelpers.loadFixture(newDeviceFixture);
        await expect(energy.connect(stranger).resumeMetering(...(await sign(7_000n, start))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyNotDeviceOwner")
          .withArgs(deviceId, producer.address, stranger.address);
      });

      it("reverts when the reading is from before the device was commissioned", async function () {
        const { energy, producer, deviceId, commissionedAt, sign } = await networkHelpers.loadFixture(newDeviceFixture);
        // Issue 12, finding 5: a reading from before commissioning must not start the device's ledger.
        await expect(energy.connect(producer).resumeMetering(...(await sign(7_000n, commissionedAt - 3n * HOUR))))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingBeforeActive")
          .withArgs(deviceId, commissionedAt - 3n * HOUR, commissionedAt);
      });

      it("reverts at unix time zero", async function () {
        const { energy, registry, domain, producer } = await networkHelpers.loadFixture(newDeviceFixture);
        const meter = meterKey("epoch");
        const deviceId = await registerDevice(
          registry,
          registration({ signer: meter.address, owner: producer.address, commissionedAt: 0n }),
        );
        const reading: MeterReading = { deviceId, cumulativeWh: 1n, timestamp: 0n };
        await expect(energy.connect(producer).resumeMetering(reading, await signReading(meter, domain, reading)))
          .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingNotAfterLast")
          .withArgs(deviceId, 0n, 0n);
      });
    });
  });

  describe("ledger integrity", function () {
    it("keeps every Wh of a relayer's day of readings when an attacker copies its last reading first", async function () {
      // Issue 12, finding 1: the attacker erased the whole day as a gap and the batch was skipped as stale.
      const { energy, producer, stranger, relayer, windId, start, read } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      const hours = 24n;
      await networkHelpers.time.increaseTo(start + hours * HOUR);
      const readings: MeterReading[] = [];
      const signatures: string[] = [];
      for (let h = 1n; h <= hours; h++) {
        const [reading, signature] = await read(windId, BASELINE_WH + h * 125_000n, start + h * HOUR);
        readings.push(reading);
        signatures.push(signature);
      }
      const last = readings.length - 1;
      await expect(energy.connect(stranger).resumeMetering(readings[last], signatures[last]))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyNotDeviceOwner")
        .withArgs(windId, producer.address, stranger.address);
      await expect(energy.connect(stranger).submitReading(readings[last], signatures[last]))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingCrossesHour")
        .withArgs(windId, start, readings[last].timestamp, start + HOUR);

      await energy.connect(relayer).submitReadings(readings, signatures);
      expect(await energy.mintedWh(windId)).to.equal(hours * 125_000n);
      for (let h = 0n; h < hours; h++) {
        expect(await energy.balanceOf(producer.address, batchId(windId, start / HOUR + h))).to.equal(125_000n);
      }
    });

    it("keeps a new device's baseline out of reach of a copied later reading", async function () {
      const { energy, registry, domain, producer, stranger, start } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      const meter = meterKey("fresh");
      const deviceId = await registerDevice(registry, registration({ signer: meter.address, owner: producer.address }));
      await networkHelpers.time.increaseTo(start + 2n * HOUR);
      const sign = async (cumulativeWh: bigint, timestamp: bigint) => {
        const reading: MeterReading = { deviceId, cumulativeWh, timestamp };
        return [reading, await signReading(meter, domain, reading)] as const;
      };
      const first = await sign(1_000n, start);
      const later = await sign(81_000n, start + HOUR);
      const latest = await sign(161_000n, start + 2n * HOUR);
      // The attacker tries to make a later reading the baseline, which would swallow the energy before it.
      await expect(energy.connect(stranger).resumeMetering(...later))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyNotDeviceOwner")
        .withArgs(deviceId, producer.address, stranger.address);
      await expect(energy.connect(stranger).submitReading(...later))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyMeteringNotStarted")
        .withArgs(deviceId);

      await energy.connect(producer).resumeMetering(...first);
      await energy.submitReadings([later[0], latest[0]], [later[1], latest[1]]);
      expect(await energy.mintedWh(deviceId)).to.equal(160_000n);
    });

    it("mints each reading's energy in the clock hour it was produced", async function () {
      // Issue 12, finding 4: readings at 08:00:01, 09:00:01 and 10:00:00 minted 1,999,722 Wh in the 09:00 batch.
      const { energy, registry, domain, producer, start } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const meter = meterKey("plant");
      const deviceId = await registerDevice(
        registry,
        registration({ signer: meter.address, owner: producer.address, capacityW: 1_000_000n }),
      );
      const sign = async (cumulativeWh: bigint, timestamp: bigint) => {
        const reading: MeterReading = { deviceId, cumulativeWh, timestamp };
        return [reading, await signReading(meter, domain, reading)] as const;
      };
      await networkHelpers.time.increaseTo(start + 2n * HOUR);
      await energy.connect(producer).resumeMetering(...(await sign(0n, start + 1n)));
      await expect(energy.submitReading(...(await sign(1_000_000n, start + HOUR + 1n))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingCrossesHour")
        .withArgs(deviceId, start + 1n, start + HOUR + 1n, start + HOUR);
      // On the boundaries instead: 999,722 Wh in the first hour (3,599 s at 1 MW), 1,000,000 Wh in the second.
      await energy.submitReading(...(await sign(999_722n, start + HOUR)));
      await energy.submitReading(...(await sign(1_999_722n, start + 2n * HOUR)));
      expect(await energy.balanceOf(producer.address, batchId(deviceId, start / HOUR))).to.equal(999_722n);
      expect(await energy.balanceOf(producer.address, batchId(deviceId, start / HOUR + 1n))).to.equal(1_000_000n);
    });
  });

  describe("verifyReading", function () {
    async function ledgerFixture() {
      const fixture = await meteredEnergyFixture();
      const { energy, solarId, start, read } = fixture;
      await networkHelpers.time.increaseTo(start + HOUR);
      await energy.submitReading(...(await read(solarId, BASELINE_WH + 60_000n, start + HOUR)));
      return fixture;
    }

    it("returns the device's signer for a reading consistent with the ledger, without minting", async function () {
      const { energy, solarId, solarMeter, start, read } = await networkHelpers.loadFixture(ledgerFixture);
      expect(await energy.verifyReading(...(await read(solarId, BASELINE_WH + 30_000n, start + 1800n)))).to.equal(
        solarMeter.address,
      );
      expect(await energy.verifyReading(...(await read(solarId, BASELINE_WH + 60_000n, start + HOUR)))).to.equal(
        solarMeter.address,
      );
      expect(await energy.mintedWh(solarId)).to.equal(60_000n);
    });

    it("reverts when the signer is not the device's current signer", async function () {
      const { energy, domain, solarId, solarMeter, windMeter, start } = await networkHelpers.loadFixture(ledgerFixture);
      const reading: MeterReading = { deviceId: solarId, cumulativeWh: BASELINE_WH, timestamp: start };
      await expect(energy.verifyReading(reading, await signReading(windMeter, domain, reading)))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyInvalidSigner")
        .withArgs(solarId, windMeter.address, solarMeter.address);
    });

    it("reverts when the device is unknown", async function () {
      const { energy, domain, solarMeter, start } = await networkHelpers.loadFixture(ledgerFixture);
      const reading: MeterReading = { deviceId: 42n, cumulativeWh: 1n, timestamp: start };
      await expect(energy.verifyReading(reading, await signReading(solarMeter, domain, reading)))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyUnknownDevice")
        .withArgs(42n);
    });

    it("reverts when the device is suspended", async function () {
      const { energy, registry, solarId, start, read } = await networkHelpers.loadFixture(ledgerFixture);
      await registry.suspendDevice(solarId, ethers.encodeBytes32String("audit"));
      await expect(energy.verifyReading(...(await read(solarId, BASELINE_WH, start))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyDeviceNotActive")
        .withArgs(solarId, DeviceStatus.Suspended);
    });

    it("reverts for a reading from before the device's active interval", async function () {
      const { energy, registry, solarId, start, read } = await networkHelpers.loadFixture(ledgerFixture);
      await registry.suspendDevice(solarId, ethers.encodeBytes32String("audit"));
      await registry.reactivateDevice(solarId, ethers.encodeBytes32String("cleared"));
      const activeSince = (await registry.getDevice(solarId)).activeSince;
      await expect(energy.verifyReading(...(await read(solarId, BASELINE_WH, start))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingBeforeActive")
        .withArgs(solarId, start, activeSince);
    });

    it("reverts for a reading signed by a key rotated in after the reading's time", async function () {
      const { energy, registry, domain, producer, solarId, start } = await networkHelpers.loadFixture(ledgerFixture);
      const newMeter = meterKey("solar v2");
      await registry.connect(producer).rotateSigner(solarId, newMeter.address);
      const signerSince = (await registry.getDevice(solarId)).signerSince;
      // The new key signs a past reading that contradicts nothing the ledger can see, but it was not its to sign.
      const reading: MeterReading = { deviceId: solarId, cumulativeWh: BASELINE_WH, timestamp: start + 1800n };
      await expect(energy.verifyReading(reading, await signReading(newMeter, domain, reading)))
        .to.be.revertedWithCustomError(energy, "MeteredEnergySignerNotInForce")
        .withArgs(solarId, start + 1800n, signerSince);
    });

    it("reverts for a reading newer than the ledger's last", async function () {
      const { energy, solarId, start, read } = await networkHelpers.loadFixture(ledgerFixture);
      await networkHelpers.time.increaseTo(start + HOUR + 600n);
      await expect(energy.verifyReading(...(await read(solarId, BASELINE_WH + 60_000n, start + HOUR + 600n))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingNotInLedger")
        .withArgs(solarId, start + HOUR + 600n, start + HOUR);
    });

    it("reverts for a counter that contradicts the ledger", async function () {
      const { energy, solarId, start, read } = await networkHelpers.loadFixture(ledgerFixture);
      const ledgerWh = BASELINE_WH + 60_000n;
      await expect(energy.verifyReading(...(await read(solarId, ledgerWh + 1n, start + 1800n))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingContradictsLedger")
        .withArgs(solarId, start + 1800n, ledgerWh + 1n, start + HOUR, ledgerWh);
      await expect(energy.verifyReading(...(await read(solarId, ledgerWh - 1n, start + HOUR))))
        .to.be.revertedWithCustomError(energy, "MeteredEnergyReadingContradictsLedger")
        .withArgs(solarId, start + HOUR, ledgerWh - 1n, start + HOUR, ledgerWh);
    });

    it("reverts while the token is paused", async function () {
      const { energy, solarId, start, read } = await networkHelpers.loadFixture(ledgerFixture);
      await energy.pause();
      await expect(energy.verifyReading(...(await read(solarId, BASELINE_WH, start)))).to.be.revertedWithCustomError(
        energy,
        "EnforcedPause",
      );
    });

    it("agrees with the SDK on the digest", async function () {
      const { energy, domain, solarId, start } = await networkHelpers.loadFixture(ledgerFixture);
      const { METER_READING_TYPES } = await import("../../sdk/energy.js");
      const reading: MeterReading = { deviceId: solarId, cumulativeWh: 123n, timestamp: start };
      expect(await energy.readingDigest(reading)).to.equal(
        ethers.TypedDataEncoder.hash(domain, METER_READING_TYPES, reading),
      );
    });
  });

  describe("consume", function () {
    async function mintedFixture() {
      const fixture = await meteredEnergyFixture();
      const { energy, solarId, start, read } = fixture;
      await networkHelpers.time.increaseTo(start + HOUR);
      await energy.submitReading(...(await read(solarId, BASELINE_WH + 50_000n, start + HOUR)));
      return { ...fixture, id: batchId(solarId, start / HOUR) };
    }

    it("burns the holder's kWh with the stated purpose", async function () {
      const { energy, producer, id } = await networkHelpers.loadFixture(mintedFixture);
      const purpose = ethers.encodeBytes32String("job-7");
      await expect(energy.connect(producer).consume(producer.address, [id], [20_000n], purpose))
        .to.emit(energy, "EnergyConsumed")
        .withArgs(producer.address, producer.address, id, 20_000n, purpose);
      expect(await energy.balanceOf(producer.address, id)).to.equal(30_000n);
    });

    it("lets an approved operator burn on the holder's behalf", async function () {
      const { energy, producer, consumer, id } = await networkHelpers.loadFixture(mintedFixture);
      await energy.connect(producer).setApprovalForAll(consumer.address, true);
      await expect(energy.connect(consumer).consume(producer.address, [id], [50_000n], ethers.ZeroHash))
        .to.emit(energy, "EnergyConsumed")
        .withArgs(producer.address, consumer.address, id, 50_000n, ethers.ZeroHash);
      expect(await energy.balanceOf(producer.address, id)).to.equal(0n);
    });

    it("reverts when the caller is neither the holder nor approved", async function () {
      const { energy, producer, stranger, id } = await networkHelpers.loadFixture(mintedFixture);
      await expect(energy.connect(stranger).consume(producer.address, [id], [1n], ethers.ZeroHash))
        .to.be.revertedWithCustomError(energy, "ERC1155MissingApprovalForAll")
        .withArgs(stranger.address, producer.address);
    });

    it("reverts when the holder has less than asked", async function () {
      const { energy, producer, id } = await networkHelpers.loadFixture(mintedFixture);
      await expect(energy.connect(producer).consume(producer.address, [id], [50_001n], ethers.ZeroHash))
        .to.be.revertedWithCustomError(energy, "ERC1155InsufficientBalance")
        .withArgs(producer.address, 50_000n, 50_001n, id);
    });

    it("reverts while paused, and works again after unpausing", async function () {
      const { energy, producer, consumer, id } = await networkHelpers.loadFixture(mintedFixture);
      await energy.pause();
      await expect(
        energy.connect(producer).safeTransferFrom(producer.address, consumer.address, id, 1n, "0x"),
      ).to.be.revertedWithCustomError(energy, "EnforcedPause");
      await expect(
        energy.connect(producer).consume(producer.address, [id], [1n], ethers.ZeroHash),
      ).to.be.revertedWithCustomError(energy, "EnforcedPause");
      await energy.unpause();
      await energy.connect(producer).safeTransferFrom(producer.address, consumer.address, id, 1n, "0x");
      expect(await energy.balanceOf(consumer.address, id)).to.equal(1n);
    });
  });

  describe("pause", function () {
    it("reverts when the caller is not a pauser", async function () {
      const { energy, stranger } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await expect(energy.connect(stranger).pause())
        .to.be.revertedWithCustomError(energy, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await energy.PAUSER_ROLE());
      await energy.pause();
      await expect(energy.connect(stranger).unpause())
        .to.be.revertedWithCustomError(energy, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await energy.PAUSER_ROLE());
    });
  });

  describe("batch origin and metadata", function () {
    it("decodes a batch id into device, hour, zone and source", async function () {
      const { energy, solarId, start } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const id = batchId(solarId, start / HOUR);
      expect(await energy.batchId(solarId, start / HOUR)).to.equal(id);
      expect(decodeBatchId(id)).to.deep.equal({ deviceId: solarId, hourIndex: start / HOUR });
      const origin = await energy.batchOrigin(id);
      expect(origin.deviceId).to.equal(solarId);
      expect(origin.hourIndex).to.equal(start / HOUR);
      expect(origin.hourStart).to.equal(start);
      expect(origin.gridZone).to.equal(gridZone("ERCOT-NORTH"));
      expect(origin.kind).to.equal(DeviceKind.Solar);
      expect(origin.renewable).to.equal(true);
    });

    it("serves on-chain JSON metadata per batch: device, UTC hour, zone, source, capacity and status", async function () {
      const { energy, producer, relayer, registry, windId, start, read } =
        await networkHelpers.loadFixture(meteredEnergyFixture);
      await networkHelpers.time.increaseTo(start + HOUR);
      await energy.connect(relayer).submitReading(...(await read(windId, BASELINE_WH + 1_500_000n, start + HOUR)));
      const id = batchId(windId, start / HOUR);
      expect(await energy.balanceOf(producer.address, id)).to.equal(1_500_000n);

      const json = decodeMetadata(await energy.uri(id));
      const hour = isoHour(start);
      expect(json.name).to.equal(`kWh · device ${windId} · ${hour}`);
      expect(json.description).to.equal(
        `Energy metered from wind device ${windId} in grid zone ERCOT-NORTH during the hour from ${hour}. One unit is one Wh.`,
      );
      // Balances are in Wh; wallets show them in kWh.
      expect(json.decimals).to.equal(3);
      expect(json.properties).to.deep.equal({
        deviceId: Number(windId),
        hourIndex: Number(start / HOUR),
        hourStart: hour,
        gridZone: "ERCOT-NORTH",
        source: "wind",
        renewable: true,
        capacityW: 2_000_000,
        status: "active",
      });

      // The status follows the registry.
      await registry.suspendDevice(windId, ethers.encodeBytes32String("audit"));
      expect(decodeMetadata(await energy.uri(id)).properties!.status).to.equal("suspended");
    });

    it("prints the hour of any batch in UTC, across day, month and year ends", async function () {
      const { energy, solarId } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const hours = [
        Date.UTC(2026, 2, 2, 9) / 1000, // the README's example
        Date.UTC(2027, 11, 31, 23) / 1000,
        Date.UTC(2028, 1, 29, 0) / 1000, // leap day
        Date.UTC(2100, 1, 28, 23) / 1000, // 2100 is not a leap year
        0,
      ];
      for (const timestamp of hours) {
        const json = decodeMetadata(await energy.uri(batchId(solarId, BigInt(timestamp) / HOUR)));
        expect(json.properties!.hourStart).to.equal(isoHour(timestamp));
        expect(json.name).to.equal(`kWh · device ${solarId} · ${isoHour(timestamp)}`);
      }
    });

    it("serves contract-level metadata (ERC-7572)", async function () {
      const { energy } = await networkHelpers.loadFixture(meteredEnergyFixture);
      const json = decodeMetadata(await energy.contractURI());
      expect(json.name).to.equal("Joulestack Metered Energy");
      expect(json.symbol).to.equal("kWh");
      expect(json.description).to.match(/one unit per Wh/);
    });

    it("does not describe a batch of an unknown device", async function () {
      const { energy, registry, start } = await networkHelpers.loadFixture(meteredEnergyFixture);
      await expect(energy.uri(batchId(77n, start / HOUR)))
        .to.be.revertedWithCustomError(registry, "DeviceRegistryUnknownDevice")
        .withArgs(77n);
    });
  });

  describe("deployment", function () {
    it("is wired to the registry and gives the deployer the pauser role", async function () {
      const { energy, registry, deployer } = await networkHelpers.loadFixture(meteredEnergyFixture);
      expect(await energy.registry()).to.equal(ethers.getAddress(await registry.getAddress()));
      expect(await energy.hasRole(await energy.PAUSER_ROLE(), deployer.address)).to.equal(true);
      expect(await energy.supportsInterface("0xd9b67a26")).to.equal(true); // ERC-1155
    });
  });
});
