import { expect } from "chai";
import { network } from "hardhat";

import { enumName } from "../../sdk/enums.js";
import { describeError, decodeRevert } from "../../sdk/errors.js";
import { DeviceRegistry__factory, TestStablecoin__factory } from "../../typechain-types/index.js";

const { ethers } = await network.create();

describe("sdk/errors", function () {
  it("decodes a custom error with its named arguments", async function () {
    const [owner, stranger] = await ethers.getSigners();
    const stablecoin = await new TestStablecoin__factory(owner).deploy(owner.address);
    const failure = await stablecoin
      .connect(stranger)
      .mint(stranger.address, 1n)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure, "the call must fail").to.not.equal(undefined);
    expect(decodeRevert(failure, [TestStablecoin__factory.abi])).to.equal(
      `OwnableUnauthorizedAccount(account=${stranger.address})`,
    );
    expect(describeError(failure, [TestStablecoin__factory.abi])).to.equal(
      `reverted with OwnableUnauthorizedAccount(account=${stranger.address})`,
    );
  });

  it("leaves errors it cannot decode readable", function () {
    expect(decodeRevert(new Error("boom"), [TestStablecoin__factory.abi])).to.equal(undefined);
    expect(describeError(new Error("boom"), [TestStablecoin__factory.abi])).to.equal("boom");
  });

  it("decodes with every Joulestack ABI by default and names enum values", function () {
    const registry = DeviceRegistry__factory.createInterface();
    const data = registry.encodeErrorResult("DeviceRegistryInvalidStatusTransition", [7n, 3n, 1n]);
    // The shape a JSON-RPC node gives: the revert data nested in the error.
    const failure = { code: "CALL_EXCEPTION", info: { error: { data } } };
    expect(describeError(failure)).to.equal(
      "reverted with DeviceRegistryInvalidStatusTransition(deviceId=7, currentStatus=Decommissioned, newStatus=Active)",
    );
  });

  it("keeps an enum value outside the declared members as a number", function () {
    const registry = DeviceRegistry__factory.createInterface();
    const data = registry.encodeErrorResult("DeviceRegistryInvalidStatusTransition", [7n, 1n, 2n]);
    expect(decodeRevert({ data })).to.equal(
      "DeviceRegistryInvalidStatusTransition(deviceId=7, currentStatus=Active, newStatus=Suspended)",
    );
    expect(enumName("enum IDeviceRegistry.DeviceStatus", 9n)).to.equal("9");
    expect(enumName("enum Unknown.Enum", 1)).to.equal("1");
  });
});
