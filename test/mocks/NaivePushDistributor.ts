import { expect } from "chai";
import { network } from "hardhat";

const { ethers, networkHelpers } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);

/** The benchmark's naive baseline must pay what it claims to, or its gas figures compare nothing. */
async function naiveFixture() {
  const [deployer, payer, alice, bob, carol] = await ethers.getSigners();
  const token = await ethers.deployContract("PlainToken");
  const naive = await ethers.deployContract("NaivePushDistributor", [await token.getAddress()]);
  await token.mint(payer.address, USD("1000"));
  await token.connect(payer).approve(await naive.getAddress(), ethers.MaxUint256);
  return { deployer, payer, alice, bob, carol, token, naive };
}

describe("NaivePushDistributor", function () {
  describe("addHolders", function () {
    it("enrolls each account once and adds to its shares", async function () {
      const { alice, bob, naive } = await networkHelpers.loadFixture(naiveFixture);
      await naive.addHolders([alice.address, bob.address], 1n);
      await naive.addHolders([alice.address], 2n);
      expect(await naive.holderCount()).to.equal(2n);
      expect(await naive.sharesOf(alice.address)).to.equal(3n);
      expect(await naive.sharesOf(bob.address)).to.equal(1n);
    });
  });

  describe("distribute", function () {
    it("pushes every holder's pro-rata share and keeps the rounding dust", async function () {
      const { payer, alice, bob, carol, token, naive } = await networkHelpers.loadFixture(naiveFixture);
      await naive.addHolders([alice.address, bob.address], 1n);
      await naive.addHolders([carol.address], 2n);
      await expect(naive.connect(payer).distribute(101n)).to.changeTokenBalances(
        ethers,
        token,
        [payer, alice, bob, carol, naive],
        [-101n, 25n, 25n, 50n, 1n],
      );
    });

    it("costs more with every holder it pays", async function () {
      const { payer, naive } = await networkHelpers.loadFixture(naiveFixture);
      const holders = (count: number, salt: number) =>
        Array.from({ length: count }, (_, i) => ethers.getAddress(ethers.toBeHex(salt * 1_000 + i + 1, 20)));
      const gasFor = async () => (await (await naive.connect(payer).distribute(USD("1"))).wait())!.gasUsed;
      await naive.addHolders(holders(5, 1), 1n);
      await naive.connect(payer).distribute(USD("1"));
      const five = await gasFor();
      await naive.addHolders(holders(5, 2), 1n);
      await naive.connect(payer).distribute(USD("1"));
      const ten = await gasFor();
      // Each extra holder costs at least a cold balance update (5,000) and a cold call (2,600).
      expect(ten - five).to.be.greaterThan(5n * 10_000n);
    });
  });
});
