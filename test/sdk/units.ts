import { expect } from "chai";

import { formatAmount, formatEnergy, formatPower, parseAmount, parseEnergy, parsePower } from "../../sdk/units.js";

describe("sdk/units", function () {
  describe("parseAmount / formatAmount", function () {
    it("reads dollars in the token's decimals", function () {
      expect(parseAmount("12.5", 6)).to.equal(12_500_000n);
      expect(parseAmount("1,000", 6)).to.equal(1_000_000_000n);
      expect(parseAmount("0.000001", 6)).to.equal(1n);
      expect(formatAmount(12_500_000n, 6)).to.equal("12.50");
      expect(formatAmount(1_234_567_891n, 6)).to.equal("1,234.567891");
    });

    it("rejects negative numbers, garbage and excess precision", function () {
      expect(() => parseAmount("-1", 6)).to.throw("not a non-negative decimal");
      expect(() => parseAmount("1e6", 6)).to.throw("not a non-negative decimal");
      expect(() => parseAmount("0.0000001", 6)).to.throw("more than 6 decimal places");
    });

    it("rounds to the requested places for display", function () {
      expect(formatAmount(1_234_567n, 6, 2)).to.equal("1.23");
      expect(formatAmount(1_235_000n, 6, 2)).to.equal("1.24");
      expect(formatAmount(18_156_684_510n, 6, 2)).to.equal("18,156.68");
      expect(formatAmount(-1_235_000n, 6, 2)).to.equal("-1.24");
    });

    it("round-trips every amount", function () {
      for (const value of [0n, 1n, 999_999n, 1_000_000n, 123_456_789_012n]) {
        expect(parseAmount(formatAmount(value, 6), 6)).to.equal(value);
      }
    });
  });

  describe("parseEnergy / formatEnergy", function () {
    it("reads Wh, kWh, MWh and GWh", function () {
      expect(parseEnergy("3 kWh")).to.equal(3_000n);
      expect(parseEnergy("1.5MWh")).to.equal(1_500_000n);
      expect(parseEnergy("42")).to.equal(42n);
      expect(parseEnergy("0.25 GWh")).to.equal(250_000_000n);
    });

    it("rejects unknown units and fractions of a Wh", function () {
      expect(() => parseEnergy("3 kW")).to.throw('"kW" is not a unit of energy');
      expect(() => parseEnergy("1.0005 kWh")).to.throw("more than 3 decimal places");
    });

    it("shows the largest unit that keeps the number at least 1", function () {
      expect(formatEnergy(3_500n)).to.equal("3.5 kWh");
      expect(formatEnergy(999n)).to.equal("999 Wh");
      expect(formatEnergy(2_000_000n)).to.equal("2 MWh");
      expect(formatEnergy(0n)).to.equal("0 Wh");
      expect(formatEnergy(1_438_564_916n, 3)).to.equal("1.439 GWh");
    });
  });

  describe("parsePower / formatPower", function () {
    it("reads and shows watts", function () {
      expect(parsePower("250 kW")).to.equal(250_000n);
      expect(formatPower(1_200_000n)).to.equal("1.2 MW");
    });
  });
});
