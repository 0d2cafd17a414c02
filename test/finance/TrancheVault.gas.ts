import { expect } from "chai";
import { network } from "hardhat";

import type { ContractTransactionResponse } from "ethers";

import type { ITrancheVault } from "../../typechain-types/finance/TrancheVault.js";
import { TrancheNote__factory } from "../../typechain-types/index.js";
import { deployFinance } from "../helpers/finance.js";

const { ethers, networkHelpers, provider } = await network.create();

const USD = (amount: string) => ethers.parseUnits(amount, 6);
const DAY = 24n * 60n * 60n;
const SIZE = [USD("600000"), USD("300000"), USD("100000")];

const gasOf = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!.gasUsed;

describe("TrancheVault gas", function () {
  it("distributes for the same gas with 10 and with 1,000 holders, and reports the key operations", async function () {
    this.timeout(300_000);
    const { registry, stablecoin, deployer } = await deployFinance(provider, ethers);
    const [, alice, bob, producer] = await ethers.getSigners();
    const batch = await ethers.deployContract("BatchTransfer");
    const holderAddresses = (count: number, salt: number) =>
      Array.from({ length: count }, (_, i) =>
        ethers.getAddress(ethers.toBeHex(BigInt(salt) * 1_000_000n + BigInt(i) + 1n, 20)),
      );
    const expiry = BigInt(await networkHelpers.time.latest()) + 3650n * DAY;
    await registry.listInvestors([alice.address, bob.address, await batch.getAddress()], expiry, 276);

    const tranches: ITrancheVault.TrancheParamsStruct[] = [
      {
        name: "Senior",
        symbol: "SR",
        targetSize: SIZE[0],
        minSubscription: 1n,
        couponBps: 800,
        amortizationPerPeriod: USD("25000"),
      },
      {
        name: "Mezzanine",
        symbol: "MZ",
        targetSize: SIZE[1],
        minSubscription: 1n,
        couponBps: 1200,
        amortizationPerPeriod: 0n,
      },
      {
        name: "Equity",
        symbol: "EQ",
        targetSize: SIZE[2],
        minSubscription: 1n,
        couponBps: 0,
        amortizationPerPeriod: 0n,
      },
    ];
    const gas: Record<string, bigint> = {};

    // Builds a funded vault whose notes are spread over `holders` accounts per tranche.
    const vaultWithHolders = async (holders: number, salt: number) => {
      const vault = await ethers.deployContract("TrancheVault", [
        {
          asset: await stablecoin.getAddress(),
          registry: await registry.getAddress(),
          admin: deployer.address,
          projectWallet: deployer.address,
          feeRecipient: deployer.address,
          fundingDeadline: BigInt(await networkHelpers.time.latest()) + 30n * DAY,
          periodLength: 30n * DAY,
          periodCount: 12,
          servicingFeePerPeriod: USD("500"),
          reserveTargetBps: 100,
          minCoverageBps: 12_000,
        },
        tranches,
      ]);
      const vaultAddress = await vault.getAddress();
      await stablecoin.mint(alice.address, USD("1000000"));
      await stablecoin.connect(alice).approve(vaultAddress, ethers.MaxUint256);
      const accounts = holderAddresses(holders - 1, salt);
      for (let i = 0; i < accounts.length; i += 250) {
        await registry.listInvestors(accounts.slice(i, i + 250), expiry, 276);
      }
      for (let id = 0; id < 3; id++) {
        const share = SIZE[id] / BigInt(holders);
        const g = await gasOf(vault.connect(alice).subscribe(id, SIZE[id]));
        if (id === 0 && holders === 10) gas["subscribe (first in tranche)"] = g;
        const note = TrancheNote__factory.connect((await vault.tranche(id)).note, alice);
        await note.transfer(await batch.getAddress(), share * BigInt(holders - 1));
        for (let i = 0; i < accounts.length; i += 150) {
          await batch.scatter(await note.getAddress(), accounts.slice(i, i + 150), share);
        }
      }
      await vault.closeFunding();
      await vault.drawdown();
      await stablecoin.mint(producer.address, USD("80000"));
      await stablecoin.connect(producer).approve(vaultAddress, ethers.MaxUint256);
      gas["receiveRevenue"] = await gasOf(vault.connect(producer).receiveRevenue(0, USD("80000")));
      await networkHelpers.time.increaseTo((await vault.startTime()) + 30n * DAY);
      return vault;
    };

    const few = await vaultWithHolders(10, 1);
    const many = await vaultWithHolders(1000, 2);
    const fewGas = await gasOf(few.distribute(1));
    const manyGas = await gasOf(many.distribute(1));
    gas["distribute, 10 holders"] = fewGas;
    gas["distribute, 1,000 holders"] = manyGas;
    expect(manyGas).to.equal(fewGas);

    // A second subscription into a fresh vault (warm tranche) for the typical figure.
    const note = TrancheNote__factory.connect((await few.tranche(0)).note, alice);
    gas["claim (senior)"] = await gasOf(few.connect(alice).claim(0, alice.address));
    gas["note transfer (to new holder)"] = await gasOf(note.transfer(bob.address, USD("1000")));
    gas["note transfer (to existing holder)"] = await gasOf(note.transfer(bob.address, USD("1000")));

    // A steady period, then a transfer between two holders who both have payouts unsettled, then a claim.
    await stablecoin.mint(producer.address, USD("80000"));
    await few.connect(producer).receiveRevenue(0, USD("80000"));
    const secondEnd = await few.periodEnd(2);
    if (BigInt(await networkHelpers.time.latest()) < secondEnd) await networkHelpers.time.increaseTo(secondEnd);
    gas["distribute (steady period)"] = await gasOf(few.distribute(2));
    expect(await few.claimableOf(0, bob.address)).to.be.greaterThan(0n);
    gas["note transfer (after a distribution)"] = await gasOf(note.transfer(bob.address, USD("1000")));
    // Bob already holds the stablecoin, as the bench's claimant does: the claim changes his balance, not creates it.
    await stablecoin.mint(bob.address, 1n);
    gas["claim (senior, not the vault's first)"] = await gasOf(few.connect(bob).claim(0, bob.address));

    // The budgets of issue #16: a note moves for what an allow-listed ERC-20 transfer costs, and the waterfall's
    // history lives in events, not storage.
    expect(gas["receiveRevenue"]).to.be.at.most(70_000n);
    expect(fewGas).to.be.at.most(300_000n);
    expect(gas["distribute (steady period)"]).to.be.at.most(170_000n);
    expect(gas["note transfer (to existing holder)"]).to.be.at.most(48_000n);
    expect(gas["note transfer (after a distribution)"]).to.be.at.most(48_000n);
    expect(gas["note transfer (to new holder)"]).to.be.at.most(65_000n);
    expect(gas["claim (senior, not the vault's first)"]).to.be.at.most(65_000n);

    const plain = await ethers.deployContract("PlainToken");
    await plain.mint(alice.address, USD("1000000"));
    gas["OZ ERC-20 transfer (to new holder)"] = await gasOf(plain.connect(alice).transfer(bob.address, USD("1000")));
    gas["OZ ERC-20 transfer (to existing holder)"] = await gasOf(
      plain.connect(alice).transfer(bob.address, USD("1000")),
    );
    console.table(Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])));
  });
});
