import { expect } from "chai";
import { Wallet } from "ethers";

import { certificateId, DeviceKind, meteredEnergyDomain, signReading } from "../../sdk/energy.js";
import { parseReadingsFile, stringifyReadingsFile } from "../../sdk/readings.js";
import { describeCertificate, parseCertificateId, wholeRecs } from "../../tasks/operator/rec/ids.js";
import {
  ceilToHour,
  deviceKindName,
  formatTime,
  parseBps,
  parseDeviceKind,
  parseDirection,
  parsePricePerKWh,
  parseRevenueSource,
  parseTime,
} from "../../tasks/operator/parse.js";

const NOW = 1_767_225_600n; // 2026-01-01T00:00:00Z

describe("operator task arguments", function () {
  describe("parseTime", function () {
    it("reads unix seconds, ISO dates and offsets from the chain's clock", function () {
      expect(parseTime("1767225600", NOW)).to.equal(NOW);
      expect(parseTime("2026-01-01T01:00:00Z", NOW)).to.equal(NOW + 3_600n);
      expect(parseTime("now", NOW)).to.equal(NOW);
      expect(parseTime("+2h", NOW)).to.equal(NOW + 7_200n);
      expect(parseTime("30d-ago", NOW)).to.equal(NOW - 30n * 86_400n);
      expect(parseTime("-15m", NOW)).to.equal(NOW - 900n);
    });

    it("rejects what is not a time, and offsets with both a sign and -ago", function () {
      expect(() => parseTime("tomorrow", NOW)).to.throw("is not a time");
      expect(() => parseTime("+2h-ago", NOW)).to.throw("is not a time");
      expect(() => parseTime("2h", NOW)).to.throw("is not a time");
      expect(() => parseTime("100000d-ago", NOW)).to.throw("before 1970");
    });

    it("rounds up to whole hours and formats ISO dates", function () {
      expect(ceilToHour(NOW)).to.equal(NOW);
      expect(ceilToHour(NOW + 1n)).to.equal(NOW + 3_600n);
      expect(formatTime(NOW)).to.equal("2026-01-01T00:00:00Z");
      expect(formatTime(0n)).to.equal("-");
    });
  });

  describe("names of enums", function () {
    it("maps command-line names to the contracts' enum indices and back", function () {
      expect(parseDeviceKind("solar")).to.equal(DeviceKind.Solar);
      expect(parseDeviceKind("Flexible-Load")).to.equal(DeviceKind.FlexibleLoad);
      expect(deviceKindName(DeviceKind.GridImport)).to.equal("grid-import");
      expect(parseRevenueSource("flexibility")).to.equal(2);
      expect(parseDirection("consume-less")).to.equal(1);
      expect(() => parseDeviceKind("coal")).to.throw('"coal" is not a device kind: use one of solar, wind');
      expect(() => parseRevenueSource("gift")).to.throw("is not a revenue source");
    });
  });

  describe("prices and shares", function () {
    it("turns a price per kWh into the contracts' integer price per Wh, exactly", function () {
      expect(parsePricePerKWh("0.2", 6)).to.equal(200n);
      expect(parsePricePerKWh("1", 6)).to.equal(1_000n);
      expect(() => parsePricePerKWh("0.0005", 6)).to.throw("not a whole number of token units per Wh");
    });

    it("reads basis points as a percentage or a number", function () {
      expect(parseBps("10%")).to.equal(1_000);
      expect(parseBps("2.5%")).to.equal(250);
      expect(parseBps("750")).to.equal(750);
      expect(() => parseBps("101%")).to.throw("more than 100%");
    });
  });

  describe("REC ids", function () {
    it("reads `<device>:<YYYYMM>` or a raw id and describes it", function () {
      const id = certificateId(7n, 202_611n);
      expect(parseCertificateId("7:202611")).to.equal(id);
      expect(parseCertificateId(id.toString())).to.equal(id);
      expect(describeCertificate(id)).to.equal("7:202611 (device 7, vintage 2026-11)");
    });

    it("counts RECs only in whole MWh", function () {
      expect(wholeRecs(3_000_000n, "3 MWh")).to.equal(3n);
      expect(() => wholeRecs(1_500_000n, "1.5 MWh")).to.throw("is not a whole number of MWh");
      expect(() => wholeRecs(0n, "0")).to.throw("is not a whole number of MWh");
    });
  });

  describe("the signed-readings file", function () {
    it("round-trips readings and signatures without losing precision", async function () {
      const device = Wallet.createRandom();
      const meteredEnergy = Wallet.createRandom().address;
      const reading = { deviceId: 3n, cumulativeWh: 2n ** 100n, timestamp: NOW };
      const signature = await signReading(device, meteredEnergyDomain(meteredEnergy, 31_337n), reading);
      const text = stringifyReadingsFile({ chainId: 31_337n, meteredEnergy, readings: [{ ...reading, signature }] });
      expect(parseReadingsFile(text)).to.deep.equal({
        chainId: 31_337n,
        meteredEnergy,
        readings: [{ ...reading, signature }],
      });
    });

    it("names the reading that is malformed", function () {
      const meteredEnergy = Wallet.createRandom().address;
      const bad = JSON.stringify({
        chainId: "1",
        meteredEnergy,
        readings: [{ deviceId: "1", cumulativeWh: "-5", timestamp: "1", signature: "0x" + "11".repeat(65) }],
      });
      expect(() => parseReadingsFile(bad)).to.throw("readings[0].cumulativeWh is not a non-negative integer");
      const unsigned = bad.replace("11".repeat(65), "11");
      expect(() => parseReadingsFile(unsigned)).to.throw("readings[0].signature is not a 65-byte hex signature");
    });
  });
});
