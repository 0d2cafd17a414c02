import { expect } from "chai";
import { network } from "hardhat";

import { describeError, decodeRevert } from "../../sdk/errors.js";
import { TestStablecoin__factory } from "../../typechain-types/index.js";

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
});
