import assert from "node:assert/strict";

import { expect } from "chai";
import { network } from "hardhat";

import { permitDomain, signPermit } from "../../sdk/permit.js";
import {
  BaselineERC20__factory,
  LegacyDomainToken__factory,
  TestStablecoin__factory,
} from "../../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();

describe("sdk/permit", function () {
  it("signs a permit the token accepts, with the domain the token declares", async function () {
    const [owner, holder, spender] = await ethers.getSigners();
    const token = await new TestStablecoin__factory(owner).deploy(owner.address);
    await token.mint(holder.address, 1_000n);
    const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;

    const signature = await signPermit(holder, await token.getAddress(), spender.address, 600n, deadline);
    await token["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
      holder.address,
      spender.address,
      600n,
      deadline,
      signature.v,
      signature.r,
      signature.s,
    );
    expect(await token.allowance(holder.address, spender.address)).to.equal(600n);

    // The nonce moved on: a second permit is signed over the new one.
    const again = await signPermit(holder, await token.getAddress(), spender.address, 50n, deadline);
    await token["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
      holder.address,
      spender.address,
      50n,
      deadline,
      again.v,
      again.r,
      again.s,
    );
    expect(await token.nonces(holder.address)).to.equal(2n);
  });

  it("builds the domain of a token without eip712Domain() from its name and the given version, checked against DOMAIN_SEPARATOR()", async function () {
    const [owner] = await ethers.getSigners();
    const legacy = await new LegacyDomainToken__factory(owner).deploy();
    const address = await legacy.getAddress();
    const { chainId } = await ethers.provider.getNetwork();
    expect(await permitDomain(address, owner, "2")).to.deep.equal({
      name: "USD Coin",
      version: "2",
      chainId,
      verifyingContract: address,
    });
    await assert.rejects(permitDomain(address, owner, "1"), /DOMAIN_SEPARATOR is not that of "USD Coin" version "1"/);
    await assert.rejects(permitDomain(address, owner), /pass its permit version/);
  });

  it("refuses a token that declares no domain at all", async function () {
    const [owner] = await ethers.getSigners();
    const plain = await new BaselineERC20__factory(owner).deploy();
    await assert.rejects(
      permitDomain(await plain.getAddress(), owner, "1"),
      /neither eip712Domain\(\) nor DOMAIN_SEPARATOR\(\)/,
    );
  });
});
