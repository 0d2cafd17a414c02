import type { ContractTransactionResponse, FunctionFragment } from "ethers";

import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { HOUR, MWH, deployEnergyScenario } from "../helpers/security.js";

const { ethers, networkHelpers, provider } = await network.create();

type Scenario = Awaited<ReturnType<typeof scenario>>;
type Path = (f: Scenario) => Promise<ContractTransactionResponse>;
type PauseEntry = { blocked: Path } | { exit: string; path: Path };

async function scenario() {
  const f = await deployEnergyScenario(provider, ethers, networkHelpers.time);
  return { ...f, energy: f.contracts.MeteredEnergy, certificates: f.contracts.RenewableCertificates };
}

/** Moves the clock to `t` unless it is already there (blocked paths run twice: paused, then unpaused). */
async function warpTo(t: bigint) {
  if (BigInt(await networkHelpers.time.latest()) < t) await networkHelpers.time.increaseTo(t);
}

/** The next in-hour reading of the device: 1,000 Wh ten minutes after the last one. */
async function nextReading(f: Scenario) {
  await warpTo(f.lastReadingAt + 600n);
  const reading = { deviceId: f.deviceId, cumulativeWh: 500n + 3n * MWH + 1_000n, timestamp: f.lastReadingAt + 600n };
  return [reading, await f.sign(reading)] as const;
}

/**
 * Every state-changing function of each pausable contract: `blocked` paths must revert with `EnforcedPause` while
 * paused and succeed once unpaused; `exit` paths stay open while paused, for the reason given.
 */
const PAUSE_MATRIX: Record<"MeteredEnergy" | "RenewableCertificates", Record<string, PauseEntry>> = {
  MeteredEnergy: {
    submitReading: { blocked: async (f) => f.energy.submitReading(...(await nextReading(f))) },
    submitReadings: {
      blocked: async (f) => {
        const [reading, signature] = await nextReading(f);
        return f.energy.submitReadings([reading], [signature]);
      },
    },
    resumeMetering: {
      blocked: async (f) => {
        const timestamp = f.lastReadingAt + 2n * HOUR;
        await warpTo(timestamp);
        const reading = { deviceId: f.deviceId, cumulativeWh: 500n + 4n * MWH, timestamp };
        return f.energy.connect(f.producer).resumeMetering(reading, await f.sign(reading));
      },
    },
    consume: { blocked: (f) => f.energy.connect(f.producer).consume(f.producer.address, [f.batch], [1n], id("job")) },
    safeTransferFrom: {
      blocked: (f) => f.energy.connect(f.producer).safeTransferFrom(f.producer, f.other, f.batch, 1n, "0x"),
    },
    safeBatchTransferFrom: {
      blocked: (f) => f.energy.connect(f.producer).safeBatchTransferFrom(f.producer, f.other, [f.batch], [1n], "0x"),
    },
    setApprovalForAll: {
      exit: "an approval moves nothing",
      path: (f) => f.energy.connect(f.producer).setApprovalForAll(f.other.address, true),
    },
    unpause: { exit: "the way out of the pause", path: (f) => f.energy.unpause() },
    pause: { exit: "reverts with EnforcedPause when already paused (tested below)", path: (f) => f.energy.unpause() },
    grantRole: { exit: "role administration", path: (f) => f.energy.grantRole(id("PAUSER_ROLE"), f.other.address) },
    revokeRole: { exit: "role administration", path: (f) => f.energy.revokeRole(id("PAUSER_ROLE"), f.deployer) },
    renounceRole: {
      exit: "role administration",
      path: (f) => f.energy.renounceRole(id("PAUSER_ROLE"), f.deployer.address),
    },
  },
  RenewableCertificates: {
    requestIssuance: { blocked: (f) => f.certificates.connect(f.producer).requestIssuance([f.batch], [MWH]) },
    certify: { blocked: (f) => f.certificates.certify(2n, [f.batch], [MWH], "ipfs://evidence") },
    retire: {
      blocked: (f) =>
        f.certificates.connect(f.producer).retire(f.producer.address, f.rec, 1n, f.other.address, "Other", "2026"),
    },
    safeTransferFrom: {
      blocked: (f) => f.certificates.connect(f.producer).safeTransferFrom(f.producer, f.other, f.rec, 1n, "0x"),
    },
    safeBatchTransferFrom: {
      blocked: (f) =>
        f.certificates.connect(f.producer).safeBatchTransferFrom(f.producer, f.other, [f.rec], [1n], "0x"),
    },
    reject: {
      exit: "returns the locked kWh to the requester: a pause must not trap energy awaiting review",
      path: (f) => f.certificates.reject(2n, [f.batch], [MWH], "paused for audit"),
    },
    revoke: {
      exit: "a safety action: freezing a bad REC id is what a pause is for",
      path: (f) => f.certificates.revoke(f.rec, "fraud"),
    },
    setApprovalForAll: {
      exit: "an approval moves nothing",
      path: (f) => f.certificates.connect(f.producer).setApprovalForAll(f.other.address, true),
    },
    unpause: { exit: "the way out of the pause", path: (f) => f.certificates.unpause() },
    pause: {
      exit: "reverts with EnforcedPause when already paused (tested below)",
      path: (f) => f.certificates.unpause(),
    },
    grantRole: {
      exit: "role administration",
      path: (f) => f.certificates.grantRole(id("ISSUER_ROLE"), f.other.address),
    },
    revokeRole: {
      exit: "role administration",
      path: (f) => f.certificates.revokeRole(id("ISSUER_ROLE"), f.deployer),
    },
    renounceRole: {
      exit: "role administration",
      path: (f) => f.certificates.renounceRole(id("ISSUER_ROLE"), f.deployer.address),
    },
  },
};

/** What a blocked path could change: kWh and REC balances, the meter, requests and receipts. */
async function snapshot(f: Scenario) {
  const accounts = [f.producer.address, f.other.address, await f.certificates.getAddress()];
  return [
    ...(await Promise.all(accounts.map((a) => f.energy.balanceOf(a, f.batch)))),
    ...(await Promise.all(accounts.map((a) => f.certificates.balanceOf(a, f.rec)))),
    (await f.energy.meterState(f.deviceId)).toString(),
    (await f.certificates.getRequest(2n)).status,
    await f.certificates.receiptCount(),
    (await f.certificates.certificateTotals(f.rec)).toString(),
  ];
}

describe("pause matrix", function () {
  const load = () => networkHelpers.loadFixture(scenario);

  it("classifies every state-changing function of each pausable contract", async function () {
    const f = await load();
    for (const name of ["MeteredEnergy", "RenewableCertificates"] as const) {
      const functions = f.contracts[name].interface.fragments
        .filter((fragment): fragment is FunctionFragment => fragment.type === "function")
        .filter((fragment) => !fragment.constant)
        .map((fragment) => fragment.name)
        .sort();
      expect(Object.keys(PAUSE_MATRIX[name]).sort(), name).to.deep.equal(functions);
    }
  });

  it("lists which contracts pause (the others have no pause to bypass)", async function () {
    const f = await load();
    const pausable = Object.entries(f.contracts)
      .filter(([, contract]) => contract.interface.hasFunction("paused"))
      .map(([name]) => name);
    expect(pausable).to.deep.equal(Object.keys(PAUSE_MATRIX));
  });

  for (const [name, functions] of Object.entries(PAUSE_MATRIX) as [
    keyof typeof PAUSE_MATRIX,
    typeof PAUSE_MATRIX.MeteredEnergy,
  ][]) {
    describe(name, function () {
      const contractOf = (f: Scenario) => (name === "MeteredEnergy" ? f.energy : f.certificates);

      for (const [fn, entry] of Object.entries(functions)) {
        if ("blocked" in entry) {
          it(`${fn} reverts with EnforcedPause while paused and works once unpaused`, async function () {
            const f = await load();
            await contractOf(f).pause();
            const before = await snapshot(f);
            await expect(entry.blocked(f)).to.be.revertedWithCustomError(contractOf(f), "EnforcedPause").withArgs();
            await contractOf(f).unpause();
            await expect(entry.blocked(f)).not.to.revert(ethers);
            expect(await snapshot(f)).not.to.deep.equal(before);
          });
        } else if (fn !== "pause" && fn !== "unpause") {
          it(`${fn} stays open while paused: ${entry.exit}`, async function () {
            const f = await load();
            await contractOf(f).pause();
            await expect(entry.path(f)).not.to.revert(ethers);
          });
        }
      }

      it("pause reverts with EnforcedPause when already paused, unpause with ExpectedPause when not", async function () {
        const f = await load();
        await expect(contractOf(f).unpause()).to.be.revertedWithCustomError(contractOf(f), "ExpectedPause");
        await contractOf(f).pause();
        await expect(contractOf(f).pause()).to.be.revertedWithCustomError(contractOf(f), "EnforcedPause");
      });
    });
  }

  describe("bounded pause of the REC token", function () {
    it("lapses by itself after MAX_PAUSE_DURATION, to the second, and RECs move again", async function () {
      const f = await load();
      await f.certificates.pause();
      const lapse = await f.certificates.pausedUntil();
      expect(lapse - BigInt(await networkHelpers.time.latest())).to.equal(await f.certificates.MAX_PAUSE_DURATION());
      await networkHelpers.time.setNextBlockTimestamp(lapse - 1n);
      await expect(
        f.energy.connect(f.producer).setApprovalForAll(f.other.address, true),
        "a block one second before the lapse",
      ).not.to.revert(ethers);
      expect(await f.certificates.paused(), "in force one second before").to.equal(true);
      await networkHelpers.time.setNextBlockTimestamp(lapse);
      await expect(f.certificates.connect(f.producer).requestIssuance([f.batch], [MWH])).not.to.revert(ethers);
      expect(await f.certificates.paused()).to.equal(false);
    });

    it("cannot be renewed until the token has run unpaused as long as the pause lasted", async function () {
      const f = await load();
      await f.certificates.pause();
      const pausedAt = BigInt(await networkHelpers.time.latest());
      await networkHelpers.time.setNextBlockTimestamp(pausedAt + HOUR);
      await f.certificates.unpause();
      await expect(f.certificates.pause())
        .to.be.revertedWithCustomError(f.certificates, "BoundedPauseCoolingOff")
        .withArgs(pausedAt + 2n * HOUR);
      await networkHelpers.time.setNextBlockTimestamp(pausedAt + 2n * HOUR);
      await expect(f.certificates.pause()).to.emit(f.certificates, "Paused");
    });
  });

  describe("bounded pause of the kWh token", function () {
    it("lapses by itself after MAX_PAUSE_DURATION, to the second, and kWh move again", async function () {
      const f = await load();
      await f.energy.pause();
      const lapse = await f.energy.pausedUntil();
      await networkHelpers.time.setNextBlockTimestamp(lapse - 1n);
      await expect(
        f.energy.connect(f.producer).safeTransferFrom(f.producer, f.other, f.batch, 1n, "0x"),
      ).to.be.revertedWithCustomError(f.energy, "EnforcedPause");
      await networkHelpers.time.setNextBlockTimestamp(lapse);
      await f.energy.connect(f.producer).safeTransferFrom(f.producer, f.other, f.batch, 1n, "0x");
      expect(await f.energy.balanceOf(f.other.address, f.batch)).to.equal(1n);
      expect(await f.energy.nextPauseAvailableAt()).to.equal(lapse + (await f.energy.MAX_PAUSE_DURATION()));
    });
  });

  describe("across contracts", function () {
    it("a paused kWh token also stops REC requests and certification, which move kWh", async function () {
      const f = await load();
      await f.energy.pause();
      await expect(f.certificates.connect(f.producer).requestIssuance([f.batch], [MWH])).to.be.revertedWithCustomError(
        f.energy,
        "EnforcedPause",
      );
      await expect(f.certificates.certify(2n, [f.batch], [MWH], "")).to.be.revertedWithCustomError(
        f.energy,
        "EnforcedPause",
      );
    });

    it("a paused REC token leaves kWh free to move", async function () {
      const f = await load();
      await f.certificates.pause();
      await f.energy.connect(f.producer).safeTransferFrom(f.producer, f.other, f.batch, 1n, "0x");
      expect(await f.energy.balanceOf(f.other.address, f.batch)).to.equal(1n);
    });
  });
});
