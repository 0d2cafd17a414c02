import { expect } from "chai";
import { AbiCoder, ZeroAddress, ZeroHash, keccak256 } from "ethers";
import { network } from "hardhat";

import {
  DeviceKind,
  WH_PER_CERTIFICATE,
  batchId,
  certificateIdOfBatch,
  decodeCertificateId,
  gridZone,
  vintageOfHour,
} from "../../sdk/energy.js";
import { HOUR, deployEnergySuite, meterKey, registerDevice, registration, signedReading } from "../helpers/energy.js";
import { decodeMetadata, isoMonth } from "../helpers/metadata.js";

const { ethers, networkHelpers, provider } = await network.create();

const MWH = WH_PER_CERTIFICATE;
const EVIDENCE = "ipfs://audit-2025";

enum RequestStatus {
  None,
  Pending,
  Certified,
  Rejected,
}

/** A solar, a wind and a battery device that each produced in one hour, owned by `producer`. */
async function certificatesFixture() {
  const suite = await deployEnergySuite(provider, ethers);
  const { registry, energy, certificates, domain } = suite;
  const [, producer, buyer, operator, stranger] = await ethers.getSigners();
  const devices = [
    { kind: DeviceKind.Solar, meter: meterKey("rec solar"), producedWh: 2n * MWH },
    { kind: DeviceKind.Wind, meter: meterKey("rec wind"), producedWh: MWH },
    { kind: DeviceKind.Battery, meter: meterKey("rec battery"), producedWh: 1_500_000n },
  ];
  const ids: bigint[] = [];
  for (const { kind, meter } of devices) {
    ids.push(
      await registerDevice(
        registry,
        registration({ signer: meter.address, owner: producer.address, kind, capacityW: 2_000_000n }),
      ),
    );
  }
  const start = (BigInt(await networkHelpers.time.latest()) / HOUR + 2n) * HOUR;
  await networkHelpers.time.increaseTo(start + HOUR);
  for (const [i, { meter, producedWh }] of devices.entries()) {
    // The owner starts metering; the reading an hour later mints the hour's energy.
    await energy
      .connect(producer)
      .resumeMetering(
        ...(await signedReading(meter, domain, { deviceId: ids[i], cumulativeWh: 10n, timestamp: start })),
      );
    await energy.submitReading(
      ...(await signedReading(meter, domain, {
        deviceId: ids[i],
        cumulativeWh: 10n + producedWh,
        timestamp: start + HOUR,
      })),
    );
  }
  const hour = start / HOUR;
  const [solarBatch, windBatch, batteryBatch] = ids.map((deviceId) => batchId(deviceId, hour));
  const solarRec = certificateIdOfBatch(solarBatch);
  await energy.connect(producer).setApprovalForAll(await certificates.getAddress(), true);
  return {
    ...suite,
    producer,
    buyer,
    operator,
    stranger,
    ids,
    hour,
    solarBatch,
    windBatch,
    batteryBatch,
    solarRec,
  };
}

/** The solar producer's 2 MWh are certified into 2 RECs. */
async function issuedFixture() {
  const fixture = await certificatesFixture();
  const { certificates, producer, solarBatch } = fixture;
  await certificates.connect(producer).requestIssuance([solarBatch], [2n * MWH]);
  await certificates.certify(1n, [solarBatch], [2n * MWH], EVIDENCE);
  return fixture;
}

describe("RenewableCertificates", function () {
  describe("a solar device's journey", function () {
    it("goes from metered kWh through issuance, transfer and retirement to a receipt", async function () {
      const { energy, certificates, deployer, producer, buyer, solarBatch, solarRec, ids, hour } =
        await networkHelpers.loadFixture(certificatesFixture);
      const custody = await certificates.getAddress();
      expect(await energy.balanceOf(producer.address, solarBatch)).to.equal(2n * MWH);

      // Request: 2 MWh locked in the REC contract.
      await expect(certificates.connect(producer).requestIssuance([solarBatch], [2n * MWH]))
        .to.emit(certificates, "IssuanceRequested")
        .withArgs(1n, producer.address, solarRec, [solarBatch], [2n * MWH], 2n * MWH);
      expect(await energy.balanceOf(producer.address, solarBatch)).to.equal(0n);
      expect(await energy.balanceOf(custody, solarBatch)).to.equal(2n * MWH);
      const pending = await certificates.getRequest(1n);
      expect(pending.status).to.equal(RequestStatus.Pending);
      expect(pending.amountWh).to.equal(2n * MWH);

      // Certification: the kWh are burned, two RECs with serials 1 and 2 minted.
      await expect(certificates.certify(1n, [solarBatch], [2n * MWH], EVIDENCE))
        .to.emit(certificates, "IssuanceCertified")
        .withArgs(1n, solarRec, deployer.address, 2n, 1n, EVIDENCE)
        .and.to.emit(energy, "EnergyConsumed")
        .withArgs(custody, custody, solarBatch, 2n * MWH, ethers.toBeHex(1n, 32));
      expect(await energy.balanceOf(custody, solarBatch)).to.equal(0n);
      expect(await certificates.balanceOf(producer.address, solarRec)).to.equal(2n);
      expect((await certificates.getRequest(1n)).firstSerial).to.equal(1n);
      expect((await certificates.certificateTotals(solarRec)).issued).to.equal(2n);

      // Transfer to a buyer, who retires one REC for a beneficiary.
      await certificates.connect(producer).safeTransferFrom(producer.address, buyer.address, solarRec, 2n, "0x");
      await expect(
        certificates
          .connect(buyer)
          .retire(buyer.address, solarRec, 1n, buyer.address, "Acme AI", "Scope 2, FRA-1, 2025"),
      )
        .to.emit(certificates, "CertificatesRetired")
        .withArgs(1n, solarRec, buyer.address, buyer.address, buyer.address, 1n, "Acme AI", "Scope 2, FRA-1, 2025");
      expect(await certificates.balanceOf(buyer.address, solarRec)).to.equal(1n);
      // Only the receipt's hash is stored: the receipt as read from the event and its block time verifies, and a
      // receipt with any field changed does not.
      const receipt = {
        certificateId: solarRec,
        holder: buyer.address,
        retiredAt: BigInt(await networkHelpers.time.latest()),
        beneficiary: buyer.address,
        amount: 1n,
        beneficiaryName: "Acme AI",
        purpose: "Scope 2, FRA-1, 2025",
      };
      expect(await certificates.verifyReceipt(1n, receipt)).to.equal(true);
      expect(await certificates.receiptHash(1n)).to.equal(
        keccak256(
          AbiCoder.defaultAbiCoder().encode(
            ["tuple(uint256,address,uint64,address,uint96,string,string)"],
            [Object.values(receipt)],
          ),
        ),
      );
      for (const tampered of [
        { beneficiaryName: "Acme AI Ltd" },
        { purpose: "Scope 2, FRA-1, 2026" },
        { beneficiary: producer.address },
        { amount: 2n },
        { retiredAt: receipt.retiredAt + 1n },
      ]) {
        expect(await certificates.verifyReceipt(1n, { ...receipt, ...tampered })).to.equal(false);
      }
      expect(await certificates.receiptCount()).to.equal(1n);
      const totals = await certificates.certificateTotals(solarRec);
      expect([totals.issued, totals.retired, totals.revoked]).to.deep.equal([2n, 1n, false]);

      // The REC id carries its origin.
      expect(decodeCertificateId(solarRec)).to.deep.equal({ deviceId: ids[0], vintage: vintageOfHour(hour) });
      const origin = await certificates.certificateOrigin(solarRec);
      expect(origin.deviceId).to.equal(ids[0]);
      expect(origin.vintage).to.equal(vintageOfHour(hour));
      expect(origin.gridZone).to.equal(gridZone("ERCOT-NORTH"));
      expect(origin.kind).to.equal(DeviceKind.Solar);
    });

    it("numbers serials consecutively across certifications", async function () {
      const { certificates, producer, windBatch } = await networkHelpers.loadFixture(issuedFixture);
      await certificates.connect(producer).requestIssuance([windBatch], [MWH]);
      await expect(certificates.certify(2n, [windBatch], [MWH], EVIDENCE))
        .to.emit(certificates, "IssuanceCertified")
        .withArgs(2n, certificateIdOfBatch(windBatch), anyAddress(), 1n, 3n, EVIDENCE);
    });

    it("describes a REC id in on-chain JSON: device, vintage month, zone, source and totals", async function () {
      const { certificates, ids, hour, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      const json = decodeMetadata(await certificates.uri(solarRec));
      const vintage = isoMonth(hour * HOUR);
      expect(json.name).to.equal(`REC · device ${ids[0]} · ${vintage}`);
      expect(json.description).to.equal(
        `Renewable Energy Certificates for solar energy metered from device ${ids[0]} in grid zone ERCOT-NORTH in ${vintage} (UTC). One unit is one MWh.`,
      );
      expect(json.decimals).to.equal(0);
      const totals = await certificates.certificateTotals(solarRec);
      expect(totals.issued).to.be.greaterThan(0n);
      expect(json.properties).to.deep.equal({
        deviceId: Number(ids[0]),
        vintage,
        gridZone: "ERCOT-NORTH",
        source: "solar",
        issued: Number(totals.issued),
        retired: Number(totals.retired),
        status: "issued",
      });
    });

    it("describes a vintage with no RECs yet as not issued, and a revoked one as revoked", async function () {
      const { certificates, ids, hour, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      const nextYear = certificateIdOfBatch(batchId(ids[0], hour + 366n * 24n));
      const unissued = decodeMetadata(await certificates.uri(nextYear));
      expect(unissued.properties).to.include({ issued: 0, retired: 0, status: "not issued" });
      await certificates.revoke(solarRec, "meter tampering");
      expect(decodeMetadata(await certificates.uri(solarRec)).properties!.status).to.equal("revoked");
    });

    it("serves contract-level metadata (ERC-7572)", async function () {
      const { certificates } = await networkHelpers.loadFixture(issuedFixture);
      const json = decodeMetadata(await certificates.contractURI());
      expect(json.name).to.equal("Joulestack Renewable Energy Certificates");
      expect(json.symbol).to.equal("REC");
    });
  });

  describe("requestIssuance", function () {
    it("never turns a battery's kWh into RECs", async function () {
      const { energy, certificates, producer, batteryBatch, ids } =
        await networkHelpers.loadFixture(certificatesFixture);
      await expect(certificates.connect(producer).requestIssuance([batteryBatch], [MWH]))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesNotRenewable")
        .withArgs(ids[2], DeviceKind.Battery);
    });

    it("reverts when a request would lock more than it can record", async function () {
      const { energy, certificates, producer, solarBatch } = await networkHelpers.loadFixture(certificatesFixture);
      const max = (1n << 88n) - 1n;
      expect(await certificates.MAX_REQUEST_WH()).to.equal(max);
      const tooMuch = (max / MWH + 1n) * MWH;
      await expect(certificates.connect(producer).requestIssuance([solarBatch], [tooMuch]))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRequestTooLarge")
        .withArgs(tooMuch, max);
    });

    it("reverts when the energy is not a whole number of MWh", async function () {
      const { energy, certificates, producer, solarBatch } = await networkHelpers.loadFixture(certificatesFixture);
      await expect(certificates.connect(producer).requestIssuance([solarBatch], [MWH - 1n]))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesNotWholeMWh")
        .withArgs(MWH - 1n);
      await expect(certificates.connect(producer).requestIssuance([solarBatch], [0n]))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesNotWholeMWh")
        .withArgs(0n);
    });

    it("reverts when no batch is given", async function () {
      const { certificates, producer } = await networkHelpers.loadFixture(certificatesFixture);
      await expect(certificates.connect(producer).requestIssuance([], [])).to.be.revertedWithCustomError(
        certificates,
        "RenewableCertificatesEmptyRequest",
      );
    });

    it("reverts when ids and amounts differ in length", async function () {
      const { certificates, producer, solarBatch } = await networkHelpers.loadFixture(certificatesFixture);
      await expect(certificates.connect(producer).requestIssuance([solarBatch], [MWH, MWH]))
        .to.be.revertedWithCustomError(certificates, "ERC1155InvalidArrayLength")
        .withArgs(1n, 2n);
    });

    it("reverts when batches of different devices are mixed", async function () {
      const { energy, certificates, producer, solarBatch, windBatch, solarRec } =
        await networkHelpers.loadFixture(certificatesFixture);
      await expect(certificates.connect(producer).requestIssuance([solarBatch, windBatch], [MWH, MWH]))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesMixedCertificate")
        .withArgs(solarRec, windBatch);
    });

    it("reverts when the holder did not approve the REC contract", async function () {
      const { energy, certificates, producer, solarBatch } = await networkHelpers.loadFixture(certificatesFixture);
      await energy.connect(producer).setApprovalForAll(await certificates.getAddress(), false);
      await expect(certificates.connect(producer).requestIssuance([solarBatch], [MWH]))
        .to.be.revertedWithCustomError(energy, "ERC1155MissingApprovalForAll")
        .withArgs(await certificates.getAddress(), producer.address);
    });

    it("reverts when the requester holds less than asked", async function () {
      const { energy, certificates, stranger, solarBatch } = await networkHelpers.loadFixture(certificatesFixture);
      await energy.connect(stranger).setApprovalForAll(await certificates.getAddress(), true);
      await expect(certificates.connect(stranger).requestIssuance([solarBatch], [MWH]))
        .to.be.revertedWithCustomError(energy, "ERC1155InsufficientBalance")
        .withArgs(stranger.address, 0n, MWH, solarBatch);
    });

    it("refuses kWh sent to it directly", async function () {
      const { energy, certificates, producer, solarBatch } = await networkHelpers.loadFixture(certificatesFixture);
      const custody = await certificates.getAddress();
      await expect(energy.connect(producer).safeTransferFrom(producer.address, custody, solarBatch, MWH, "0x"))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesUnexpectedTransfer")
        .withArgs(await energy.getAddress(), producer.address);
    });

    it("reverts for a revoked REC id", async function () {
      const { energy, certificates, producer, solarBatch, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await certificates.revoke(solarRec, "meter tampering");
      // Any more energy of the same device and month may not be certified under the revoked id.
      await expect(certificates.connect(producer).requestIssuance([solarBatch], [MWH]))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRevoked")
        .withArgs(solarRec);
    });
  });

  describe("certify", function () {
    async function pendingFixture() {
      const fixture = await certificatesFixture();
      await fixture.certificates.connect(fixture.producer).requestIssuance([fixture.solarBatch], [MWH]);
      return fixture;
    }

    it("reverts when the caller is not an issuer", async function () {
      const { energy, certificates, producer, solarBatch, solarRec } = await networkHelpers.loadFixture(pendingFixture);
      await expect(certificates.connect(producer).certify(1n, [solarBatch], [MWH], EVIDENCE))
        .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
        .withArgs(producer.address, await certificates.ISSUER_ROLE());
    });

    it("reverts when the batches differ from those locked", async function () {
      const { certificates, solarBatch, windBatch } = await networkHelpers.loadFixture(pendingFixture);
      await expect(certificates.certify(1n, [windBatch], [MWH], EVIDENCE)).to.be.revertedWithCustomError(
        certificates,
        "RenewableCertificatesBatchesMismatch",
      );
      await expect(certificates.certify(1n, [solarBatch], [MWH - 1n], EVIDENCE)).to.be.revertedWithCustomError(
        certificates,
        "RenewableCertificatesBatchesMismatch",
      );
    });

    it("issues a request only once", async function () {
      const { certificates, producer, solarBatch, solarRec } = await networkHelpers.loadFixture(pendingFixture);
      await certificates.certify(1n, [solarBatch], [MWH], EVIDENCE);
      await expect(certificates.certify(1n, [solarBatch], [MWH], EVIDENCE))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRequestNotPending")
        .withArgs(1n, RequestStatus.Certified);
      await expect(certificates.reject(1n, [solarBatch], [MWH], "late"))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRequestNotPending")
        .withArgs(1n, RequestStatus.Certified);
    });

    it("reverts for an unknown request", async function () {
      const { certificates, solarBatch } = await networkHelpers.loadFixture(pendingFixture);
      await expect(certificates.certify(9n, [solarBatch], [MWH], EVIDENCE))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRequestNotPending")
        .withArgs(9n, RequestStatus.None);
    });

    it("reverts when the REC id was revoked after the request", async function () {
      const { certificates, producer, solarBatch, solarRec } = await networkHelpers.loadFixture(pendingFixture);
      await certificates.connect(producer).requestIssuance([solarBatch], [MWH]);
      await certificates.certify(2n, [solarBatch], [MWH], EVIDENCE);
      await certificates.revoke(solarRec, "fraud");
      await expect(certificates.certify(1n, [solarBatch], [MWH], EVIDENCE))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRevoked")
        .withArgs(solarRec);
      expect((await certificates.certificateTotals(solarRec)).issued).to.equal(1n);
    });
  });

  describe("reject", function () {
    it("returns the locked kWh to the requester", async function () {
      const { energy, certificates, deployer, producer, solarBatch, solarRec } =
        await networkHelpers.loadFixture(certificatesFixture);
      await certificates.connect(producer).requestIssuance([solarBatch], [2n * MWH]);
      await expect(certificates.reject(1n, [solarBatch], [2n * MWH], "no audit"))
        .to.emit(certificates, "IssuanceRejected")
        .withArgs(1n, solarRec, deployer.address, "no audit");
      expect(await energy.balanceOf(producer.address, solarBatch)).to.equal(2n * MWH);
      expect(await energy.balanceOf(await certificates.getAddress(), solarBatch)).to.equal(0n);
      expect((await certificates.getRequest(1n)).status).to.equal(RequestStatus.Rejected);
      expect(await certificates.balanceOf(producer.address, solarRec)).to.equal(0n);
    });

    it("reverts when the caller is not an issuer", async function () {
      const { energy, certificates, producer, solarBatch } = await networkHelpers.loadFixture(certificatesFixture);
      await certificates.connect(producer).requestIssuance([solarBatch], [MWH]);
      await expect(certificates.connect(producer).reject(1n, [solarBatch], [MWH], "mine"))
        .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
        .withArgs(producer.address, await certificates.ISSUER_ROLE());
    });
  });

  describe("revoke", function () {
    it("freezes the REC id while past retirements stand", async function () {
      const { certificates, deployer, producer, buyer, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await certificates.connect(producer).retire(producer.address, solarRec, 1n, buyer.address, "Acme", "2025");
      await expect(certificates.revoke(solarRec, "meter tampering"))
        .to.emit(certificates, "CertificateRevoked")
        .withArgs(solarRec, deployer.address, "meter tampering");

      await expect(certificates.connect(producer).safeTransferFrom(producer.address, buyer.address, solarRec, 1n, "0x"))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRevoked")
        .withArgs(solarRec);
      await expect(certificates.connect(producer).retire(producer.address, solarRec, 1n, buyer.address, "Acme", "2025"))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRevoked")
        .withArgs(solarRec);
      expect(await certificates.balanceOf(producer.address, solarRec)).to.equal(1n);
      expect(await certificates.receiptHash(1n)).to.not.equal(ZeroHash);
      const totals = await certificates.certificateTotals(solarRec);
      expect([totals.issued, totals.retired, totals.revoked]).to.deep.equal([2n, 1n, true]);
    });

    it("reverts when the REC id was already revoked", async function () {
      const { certificates, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await certificates.revoke(solarRec, "fraud");
      await expect(certificates.revoke(solarRec, "again"))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesRevoked")
        .withArgs(solarRec);
    });

    it("reverts when no REC of the id was issued", async function () {
      const { certificates, windBatch } = await networkHelpers.loadFixture(issuedFixture);
      const windRec = certificateIdOfBatch(windBatch);
      await expect(certificates.revoke(windRec, "fraud"))
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesNotIssued")
        .withArgs(windRec);
    });

    it("reverts when the caller is not an issuer", async function () {
      const { certificates, producer, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await expect(certificates.connect(producer).revoke(solarRec, "mine"))
        .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
        .withArgs(producer.address, await certificates.ISSUER_ROLE());
    });
  });

  describe("retire", function () {
    it("lets an approved operator retire on the holder's behalf", async function () {
      const { certificates, producer, operator, buyer, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await certificates.connect(producer).setApprovalForAll(operator.address, true);
      await expect(certificates.connect(operator).retire(producer.address, solarRec, 2n, buyer.address, "Acme", "Q1"))
        .to.emit(certificates, "CertificatesRetired")
        .withArgs(1n, solarRec, buyer.address, producer.address, operator.address, 2n, "Acme", "Q1");
      expect(await certificates.balanceOf(producer.address, solarRec)).to.equal(0n);
    });

    it("reverts when the caller is neither the holder nor approved", async function () {
      const { certificates, producer, stranger, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await expect(certificates.connect(stranger).retire(producer.address, solarRec, 1n, stranger.address, "Me", "x"))
        .to.be.revertedWithCustomError(certificates, "ERC1155MissingApprovalForAll")
        .withArgs(stranger.address, producer.address);
    });

    it("reverts for a zero amount", async function () {
      const { certificates, producer, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await expect(
        certificates.connect(producer).retire(producer.address, solarRec, 0n, producer.address, "Me", "x"),
      ).to.be.revertedWithCustomError(certificates, "RenewableCertificatesZeroAmount");
    });

    it("reverts for the zero beneficiary", async function () {
      const { certificates, producer, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await expect(
        certificates.connect(producer).retire(producer.address, solarRec, 1n, ethers.ZeroAddress, "Nobody", "x"),
      )
        .to.be.revertedWithCustomError(certificates, "RenewableCertificatesInvalidBeneficiary")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts when the holder has fewer RECs than asked", async function () {
      const { certificates, producer, solarRec } = await networkHelpers.loadFixture(issuedFixture);
      await expect(certificates.connect(producer).retire(producer.address, solarRec, 3n, producer.address, "Me", "x"))
        .to.be.revertedWithCustomError(certificates, "ERC1155InsufficientBalance")
        .withArgs(producer.address, 2n, 3n, solarRec);
    });

    it("has no receipt for an unknown id", async function () {
      const { certificates } = await networkHelpers.loadFixture(issuedFixture);
      for (const receiptId of [0n, 1n]) {
        await expect(certificates.receiptHash(receiptId))
          .to.be.revertedWithCustomError(certificates, "RenewableCertificatesUnknownReceipt")
          .withArgs(receiptId);
        const receipt = {
          certificateId: 0n,
          holder: ZeroAddress,
          retiredAt: 0n,
          beneficiary: ZeroAddress,
          amount: 0n,
          beneficiaryName: "",
          purpose: "",
        };
        await expect(certificates.verifyReceipt(receiptId, receipt))
          .to.be.revertedWithCustomError(certificates, "RenewableCertificatesUnknownReceipt")
          .withArgs(receiptId);
      }
    });
  });

  describe("pause", function () {
    it("stops transfers, issuance and retirement until unpaused", async function () {
      const { certificates, producer, buyer, solarRec, windBatch } = await networkHelpers.loadFixture(issuedFixture);
      await certificates.pause();
      await expect(
        certificates.connect(producer).safeTransferFrom(producer.address, buyer.address, solarRec, 1n, "0x"),
      ).to.be.revertedWithCustomError(certificates, "EnforcedPause");
      await expect(
        certificates.connect(producer).retire(producer.address, solarRec, 1n, buyer.address, "A", "B"),
      ).to.be.revertedWithCustomError(certificates, "EnforcedPause");
      await expect(certificates.connect(producer).requestIssuance([windBatch], [MWH])).to.be.revertedWithCustomError(
        certificates,
        "EnforcedPause",
      );
      await certificates.unpause();
      await certificates.connect(producer).safeTransferFrom(producer.address, buyer.address, solarRec, 1n, "0x");
      expect(await certificates.balanceOf(buyer.address, solarRec)).to.equal(1n);
    });

    it("reverts when the caller is not a pauser", async function () {
      const { certificates, stranger } = await networkHelpers.loadFixture(issuedFixture);
      const role = await certificates.PAUSER_ROLE();
      await expect(certificates.connect(stranger).pause())
        .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
      await certificates.pause();
      await expect(certificates.connect(stranger).unpause())
        .to.be.revertedWithCustomError(certificates, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
    });
  });

  describe("deployment", function () {
    it("stands on the kWh token and gives the deployer the issuer role", async function () {
      const { certificates, energy, deployer } = await networkHelpers.loadFixture(certificatesFixture);
      expect(await certificates.energy()).to.equal(ethers.getAddress(await energy.getAddress()));
      expect(await certificates.hasRole(await certificates.ISSUER_ROLE(), deployer.address)).to.equal(true);
      expect(await certificates.WH_PER_CERTIFICATE()).to.equal(MWH);
      expect(await certificates.supportsInterface("0x4e2312e0")).to.equal(true); // ERC-1155 receiver
    });
  });
});

function anyAddress() {
  return (value: string) => ethers.isAddress(value);
}
