import { expect } from "chai";
import { network } from "hardhat";

import { signPermit } from "../../sdk/permit.js";
import { deploySuite } from "../helpers/fixtures.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);

async function stablecoinFixture() {
  const { deployer, stablecoin } = await deploySuite(provider, ethers, ["stablecoin"]);
  const [, alice, bob] = await ethers.getSigners();
  return { deployer, alice, bob, stablecoin };
}

describe("TestStablecoin", function () {
  describe("deployment", function () {
    it("is a 6-decimal dollar owned by the deployer", async function () {
      const { deployer, stablecoin } = await networkHelpers.loadFixture(stablecoinFixture);
      expect(await stablecoin.decimals()).to.equal(6n);
      expect(await stablecoin.symbol()).to.equal("tUSD");
      expect(await stablecoin.owner()).to.equal(deployer.address);
    });
  });

  describe("mint", function () {
    it("creates tokens for the recipient when the owner mints", async function () {
      const { alice, stablecoin } = await networkHelpers.loadFixture(stablecoinFixture);
      await expect(stablecoin.mint(alice.address, USD("12.5"))).to.changeTokenBalance(
        ethers,
        stablecoin,
        alice,
        USD("12.5"),
      );
    });

    it("reverts when the caller is not the owner", async function () {
      const { alice, stablecoin } = await networkHelpers.loadFixture(stablecoinFixture);
      await expect(stablecoin.connect(alice).mint(alice.address, USD("1")))
        .to.be.revertedWithCustomError(stablecoin, "OwnableUnauthorizedAccount")
        .withArgs(alice.address);
    });
  });

  describe("permit", function () {
    it("lets a spender pull funds in one transaction from an EIP-712 signature", async function () {
      const { alice, bob, stablecoin } = await networkHelpers.loadFixture(stablecoinFixture);
      await stablecoin.mint(alice.address, USD("100"));
      const { chainId } = await ethers.provider.getNetwork();
      const deadline = (await networkHelpers.time.latest()) + 3600;
      const value = USD("40");
      const signature = await signPermit(alice, await stablecoin.getAddress(), bob.address, value, deadline);

      await stablecoin
        .connect(bob)
        ["permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"](
          alice.address,
          bob.address,
          value,
          deadline,
          signature.v,
          signature.r,
          signature.s,
        );
      await expect(stablecoin.connect(bob).transferFrom(alice.address, bob.address, value)).to.changeTokenBalances(
        ethers,
        stablecoin,
        [alice, bob],
        [-value, value],
      );
    });
  });
});
