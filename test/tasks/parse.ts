import { expect } from "chai";
import { id, Wallet, ZeroHash } from "ethers";

import { domainFromEip5267 } from "../../sdk/eip712.js";
import { certificateId, DeviceKind, signReading } from "../../sdk/energy.js";
import { parseReadingsFile, stringifyReadingsFile } from "../../sdk/readings.js";
import { describeCertificate, parseCertificateId, wholeRecs } from "../../tasks/operator/rec/ids.js";
import {
  ceilToHour,
  deviceKindName,
  formatCoverage,
  formatTime,
  MAX_EXPIRY,
  parseAddresses,
  maxUint,
  parseBps,
  parseCount,
  parseDeviceKind,
  parseDirection,
  parseEnergyOption,
  parseExpiry,
  parseIdentity,
  parseJurisdiction,
  parsePowerOption,
  parsePricePerKWh,
  parseReason,
  parseRevenueSource,
  parseTime,
  parseTokenAmount,
  parseTranche,
  parseZone,
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
      const signature = await signReading(
        device,
        domainFromEip5267(["0x0f", "Joulestack Metered Energy", "1", 31_337n, meteredEnergy, ZeroHash, []]),
        reading,
      );
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
  describe("finance and compliance options", function () {
    it("reads stablecoin amounts exactly and names the option and the limit on every rejection", function () {
      expect(parseTokenAmount("12,500.50", 6, "amount")).to.equal(12_500_500_000n);
      expect(parseTokenAmount("0.000001", 6, "amount")).to.equal(1n);
      expect(parseTokenAmount("0", 6, "amount", { allowZero: true })).to.equal(0n);
      expect(() => parseTokenAmount("-5", 6, "amount")).to.throw('amount "-5" is negative: an amount is at least 0');
      expect(() => parseTokenAmount("1.0000001", 6, "amount")).to.throw(
        'amount "1.0000001" has more than 6 decimal places',
      );
      expect(() => parseTokenAmount("12k", 6, "--bond")).to.throw('--bond "12k" is not an amount');
      expect(() => parseTokenAmount("0", 6, "amount")).to.throw("amount must be more than 0");
      expect(() => parseTokenAmount((2n ** 256n).toString(), 0, "amount")).to.throw("exceeds the largest uint256");
    });

    it("reads lists of addresses, refusing bad and repeated ones", function () {
      const [a, b] = [Wallet.createRandom().address, Wallet.createRandom().address];
      expect(parseAddresses([`${a.toLowerCase()},${b}`], "accounts")).to.deep.equal([a, b]);
      expect(parseAddresses([a, b], "accounts")).to.deep.equal([a, b]);
      expect(() => parseAddresses([a, "0x12"], "accounts")).to.throw('--accounts "0x12" is not an address');
      expect(() => parseAddresses([a, a], "accounts")).to.throw(`--accounts: ${a} is listed twice`);
      expect(() => parseAddresses([], "accounts")).to.throw("--accounts: give at least one address");
    });

    it("reads jurisdictions as ISO 3166-1 numeric codes", function () {
      expect(parseJurisdiction("840")).to.equal(840);
      expect(parseJurisdiction(" 36 ")).to.equal(36);
      for (const bad of ["US", "0", "1000", "-1", ""]) {
        expect(() => parseJurisdiction(bad), bad).to.throw("is not an ISO 3166-1 numeric country code: use 1 to 999");
      }
    });

    it("reads expiries after the chain's time and within uint64", function () {
      expect(parseExpiry("+365d", NOW)).to.equal(NOW + 365n * 86_400n);
      expect(parseExpiry(MAX_EXPIRY.toString(), NOW)).to.equal(MAX_EXPIRY);
      expect(() => parseExpiry("now", NOW)).to.throw("is not after the chain's time 2026-01-01T00:00:00Z");
      expect(() => parseExpiry("1d-ago", NOW)).to.throw('--expiry "1d-ago" (2025-12-31T00:00:00Z) is not after');
      expect(() => parseExpiry((MAX_EXPIRY + 1n).toString(), NOW)).to.throw("is after the largest expiry");
      expect(() => parseExpiry("soon", NOW)).to.throw('--expiry "soon" is not a time');
    });

    it("reads identities as 32-byte hex or hashes text into one", function () {
      const hex = `0x${"ab".repeat(32)}`;
      expect(parseIdentity(hex.toUpperCase().replace("0X", "0x"))).to.equal(hex);
      expect(parseIdentity("kyc:alice")).to.equal(id("kyc:alice"));
      expect(() => parseIdentity(" ")).to.throw("--identity is empty");
      expect(() => parseIdentity(`0x${"00".repeat(32)}`)).to.throw("use --unlink instead");
    });

    it("reads tranches by id or note symbol", function () {
      const symbols = ["JSN-SR", "JSN-MZ", "JSN-EQ"];
      expect(parseTranche("jsn-mz", symbols)).to.equal(1n);
      expect(parseTranche("2", symbols)).to.equal(2n);
      expect(() => parseTranche("3", symbols)).to.throw(
        '--tranche "3" is not a tranche of this vault: use 0 to 2 or one of JSN-SR, JSN-MZ, JSN-EQ',
      );
    });

    it("prints coverage as a multiple everywhere", function () {
      expect(formatCoverage(12_000n)).to.equal("1.20x");
      expect(formatCoverage(7_723n)).to.equal("0.77x");
      expect(formatCoverage(1_495n)).to.equal("0.15x");
      expect(formatCoverage(0n)).to.equal("0.00x");
      expect(formatCoverage(2n ** 256n - 1n)).to.equal("n/a (no debt due)");
    });
  });

  describe("field-named quantities, counts, zones and reasons", function () {
    it("normalises a grid zone's case and names the option when it is no code", function () {
      expect(parseZone(" ercot-north ")).to.equal("ERCOT-NORTH");
      expect(() => parseZone("ERCOT NORTH")).to.throw('--zone "ERCOT NORTH" is not a grid zone code');
      expect(() => parseZone("", "zone")).to.throw("1-32 characters of A-Z, 0-9, - or _");
    });

    it("names the field and the limit of every rejected energy or power", function () {
      expect(parsePowerOption("1.5 MW", "capacity")).to.equal(1_500_000n);
      expect(parseEnergyOption("0", "delivered", { allowZero: true })).to.equal(0n);
      expect(() => parsePowerOption("-5 kW", "capacity")).to.throw('--capacity "-5 kW" is negative');
      expect(() => parsePowerOption("0 W", "capacity")).to.throw("--capacity must be more than 0");
      expect(() => parsePowerOption("1.5 W", "capacity")).to.throw("finer than 1 W");
      expect(() => parseEnergyOption("lots", "energy")).to.throw('--energy "lots" is not an energy such as 250 kWh');
      expect(() => parseEnergyOption("", "energy")).to.throw("--energy is required");
      expect(() => parsePowerOption("100000000000000000000 GW", "capacity", { max: maxUint(96) })).to.throw(
        /--capacity "100000000000000000000 GW" exceeds the largest value the contract stores, 79,228,162,514,264,337,593\.543950335 GW/,
      );
    });

    it("takes whole numbers in a range, as typed, so Hardhat never answers a negative or a typo", function () {
      expect(parseCount("24", "hours", 1n, 24n)).to.equal(24n);
      expect(() => parseCount("-5", "hours", 1n, 24n)).to.throw("--hours -5 is out of range: use 1 to 24");
      expect(() => parseCount("25", "hours", 1n, 24n)).to.throw("--hours 25 is out of range: use 1 to 24");
      expect(() => parseCount("1.5", "gpus", 1n, 8n)).to.throw('--gpus "1.5" is not a whole number: use 1 to 8');
    });

    it("names the option of a negative price and keeps reasons within bytes32", function () {
      expect(() => parsePricePerKWh("-0.2", 6)).to.throw('--price "-0.2" is negative');
      expect(parseReason("audit-failed")).to.match(/^0x61756469742d6661696c6564(00)+$/);
      expect(() => parseReason("x".repeat(32))).to.throw("is 32 bytes: a reason code is at most 31");
      expect(() => parseReason(" ")).to.throw("--reason is required");
    });
  });
});
