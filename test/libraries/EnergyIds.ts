import { expect } from "chai";
import { network } from "hardhat";

import {
  batchId,
  batchIdOfReading,
  certificateId,
  certificateIdOfBatch,
  decodeBatchId,
  decodeCertificateId,
  gridZone,
  gridZoneToString,
  hourOfReading,
  vintageOfHour,
} from "../../sdk/energy.js";
import { deployEnergySuite } from "../helpers/energy.js";

const { ethers, networkHelpers, provider } = await network.create();

async function idsFixture() {
  return deployEnergySuite(provider, ethers);
}

/** Deterministic pseudo-random 64-bit values, so the comparison covers far more than hand-picked cases. */
function* samples(count: number): Generator<bigint> {
  let state = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < count; i++) {
    state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    yield state;
  }
}

describe("energy ids (SDK vs Solidity)", function () {
  it("encode kWh batch ids identically", async function () {
    const { energy } = await networkHelpers.loadFixture(idsFixture);
    for (const value of samples(20)) {
      const deviceId = value % 1_000_000n;
      const hourIndex = value >> 8n;
      const id = batchId(deviceId, hourIndex);
      expect(await energy.batchId(deviceId, hourIndex)).to.equal(id);
      expect(decodeBatchId(id)).to.deep.equal({ deviceId, hourIndex });
    }
  });

  it("map batches to the same REC id, month boundaries and leap days included", async function () {
    const { certificates } = await networkHelpers.loadFixture(idsFixture);
    const boundaries = [
      Date.UTC(2024, 1, 29, 23) / 1000, // last hour of a leap day
      Date.UTC(2024, 2, 1, 0) / 1000,
      Date.UTC(2025, 11, 31, 23) / 1000,
      Date.UTC(2026, 0, 1, 0) / 1000,
      Date.UTC(2100, 1, 28, 23) / 1000, // 2100 is not a leap year
      Date.UTC(2100, 2, 1, 0) / 1000,
    ].map((seconds) => BigInt(seconds) / 3600n);
    const random = [...samples(30)].map((value) => value % 2_000_000n); // hours up to year 2198
    for (const hourIndex of [...boundaries, ...random]) {
      const id = batchId(7n, hourIndex);
      const recId = certificateIdOfBatch(id);
      expect(await certificates.certificateIdOfBatch(id)).to.equal(recId);
      expect(decodeCertificateId(recId)).to.deep.equal({ deviceId: 7n, vintage: vintageOfHour(hourIndex) });
    }
    expect(vintageOfHour(boundaries[0])).to.equal(202402n);
    expect(vintageOfHour(boundaries[1])).to.equal(202403n);
    // Device 7 above vintage 2026-01: 7 × 2^64 + 202,601, and the contract maps January 2026's first hour there.
    expect(certificateId(7n, 202601n)).to.equal(129_127_208_515_967_063_913n);
    expect(await certificates.certificateIdOfBatch(batchId(7n, boundaries[3]))).to.equal(129_127_208_515_967_063_913n);
  });

  it("put a reading at the top of the hour into the hour it closes", async function () {
    const { energy } = await networkHelpers.loadFixture(idsFixture);
    const tenOClock = 1_748_772_000n; // 2025-06-01 10:00 UTC, the end of hour 485,769 (09:00 to 10:00)
    expect(hourOfReading(tenOClock)).to.equal(485_769n);
    // Device 1 above hour 485,770 (10:00 to 11:00): 2^64 + 485,770.
    expect(batchIdOfReading(1n, tenOClock + 1n)).to.equal(18_446_744_073_710_037_386n);
    expect(await energy.batchId(1n, 485_770n)).to.equal(18_446_744_073_710_037_386n);
    expect(() => hourOfReading(0n)).to.throw(RangeError);
  });

  it("round-trip grid zone codes and reject malformed ones", function () {
    for (const code of ["ERCOT-NORTH", "JP-TOKYO", "DE_LU", "Z".repeat(32)]) {
      expect(gridZoneToString(gridZone(code))).to.equal(code);
    }
    for (const code of ["", "ercot", "ERCOT NORTH", "Z".repeat(33)]) {
      expect(() => gridZone(code)).to.throw(RangeError);
    }
    expect(() => batchId(1n << 192n, 0n)).to.throw(RangeError);
  });
});
