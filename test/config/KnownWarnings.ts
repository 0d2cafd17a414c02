import { expect } from "chai";

import { isKnownWarning } from "../../config/plugins/known-warnings-hooks.js";

const TRANSIENT_WARNING = "Transient storage as defined by EIP-1153 can break the composability of smart contracts";

const warning = (errorCode: string, file: string) => ({
  severity: "warning",
  errorCode,
  formattedMessage: `Warning: ${TRANSIENT_WARNING}.\n   --> ${file}:108:13:\n    |\n108 |  tstore(slot, value)\n`,
});

describe("compiler warnings hidden by config/plugins/known-warnings", function () {
  it("hides the transient-storage warning from OpenZeppelin's TransientSlot, installed or versioned", function () {
    expect(isKnownWarning(warning("2394", "./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol"))).to.equal(
      true,
    );
    expect(isKnownWarning(warning("2394", "npm/@openzeppelin/contracts@5.7.0/utils/TransientSlot.sol"))).to.equal(true);
  });

  it("keeps the same warning when Joulestack's own code raises it", function () {
    expect(isKnownWarning(warning("2394", "contracts/energy/MeteredEnergy.sol"))).to.equal(false);
  });

  it("keeps any other warning from the same file, and errors", function () {
    expect(isKnownWarning(warning("5574", "./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol"))).to.equal(
      false,
    );
    const error = { ...warning("2394", "./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol") };
    expect(isKnownWarning({ ...error, severity: "error" })).to.equal(false);
  });
});
