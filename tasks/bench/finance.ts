import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import {
  BatchTransfer__factory,
  InvestorRegistry__factory,
  NaivePushDistributor__factory,
  TestStablecoin__factory,
  TrancheNote__factory,
  TrancheVault__factory,
  type TrancheVault,
} from "../../typechain-types/index.js";
import { signPermit } from "../../sdk/permit.js";
import type { ITrancheVault } from "../../typechain-types/finance/TrancheVault.js";
import { floorOf } from "./floor.js";
import { BENCH_EPOCH, type Bench, type GasRow, deployGasOf, gasOf, worstCase } from "./types.js";

const DAY = 86_400n;
const PERIOD = 30n * DAY;
const USD = (whole: bigint) => whole * 10n ** 6n;
const EXPIRY = BENCH_EPOCH + 3650n * DAY;
const JURISDICTION = 276;
/** Investors listed per `listInvestors` call, the size the compliance agent is told to stay within. */
export const MAX_INVESTORS_PER_LISTING = 250;

/** Senior (amortizing), mezzanine (bullet) and equity, as in the example deployment. */
const THREE_TRANCHES: ITrancheVault.TrancheParamsStruct[] = [
  {
    name: "Senior",
    symbol: "SR",
    targetSize: USD(600_000n),
    minSubscription: 1n,
    couponBps: 800,
    amortizationPerPeriod: USD(25_000n),
  },
  {
    name: "Mezzanine",
    symbol: "MZ",
    targetSize: USD(300_000n),
    minSubscription: 1n,
    couponBps: 1_200,
    amortizationPerPeriod: 0n,
  },
  {
    name: "Equity",
    symbol: "EQ",
    targetSize: USD(100_000n),
    minSubscription: 1n,
    couponBps: 0,
    amortizationPerPeriod: 0n,
  },
];
/** `MAX_TRANCHES`: four amortizing debt tranches above an equity tranche, so every step of the waterfall loops. */
const FIVE_TRANCHES: ITrancheVault.TrancheParamsStruct[] = [
  ...[800, 1_000, 1_200, 1_500].map((couponBps, i) => ({
    name: `Debt ${i + 1}`,
    symbol: `D${i + 1}`,
    targetSize: USD(200_000n),
    minSubscription: 1n,
    couponBps,
    amortizationPerPeriod: USD(10_000n),
  })),
  {
    name: "Equity",
    symbol: "EQ",
    targetSize: USD(200_000n),
    minSubscription: 1n,
    couponBps: 0,
    amortizationPerPeriod: 0n,
  },
];

/** `count` distinct, fixed holder addresses; `salt` keeps the sets of different vaults apart. */
function holderAddresses(ethers: HardhatEthers, count: number, salt: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    ethers.getAddress(ethers.toBeHex(BigInt(salt) * 1_000_000n + BigInt(i) + 1n, 20)),
  );
}

/**
 * The tranche vault: subscribe (approve then subscribe, and with a permit), revenue intake, the waterfall with 10
 * and 1,000 note holders beside a naive per-holder push, claims, note transfers, and the 5-tranche worst cases.
 */
export const financeBench: Bench = async ({ ethers, networkHelpers, baselines }) => {
  const [deployer, alice, bob, carol, producer] = await ethers.getSigners();
  await networkHelpers.time.increaseTo(BENCH_EPOCH);
  const stablecoin = await new TestStablecoin__factory(deployer).deploy(deployer.address);
  const registry = await new InvestorRegistry__factory(deployer).deploy(deployer.address);
  const scatter = await new BatchTransfer__factory(deployer).deploy();
  await registry.listInvestors([alice, bob, carol, scatter], EXPIRY, JURISDICTION);
  for (const account of [alice, bob, carol, producer]) await stablecoin.mint(account, USD(10_000_000n));

  const deployVault = async (tranches: ITrancheVault.TrancheParamsStruct[]) => {
    const vault = await new TrancheVault__factory(deployer).deploy(
      {
        asset: await stablecoin.getAddress(),
        registry: await registry.getAddress(),
        admin: deployer.address,
        projectWallet: deployer.address,
        feeRecipient: deployer.address,
        fundingDeadline: BENCH_EPOCH + 30n * DAY,
        periodLength: PERIOD,
        periodCount: 12,
        servicingFeePerPeriod: USD(500n),
        reserveTargetBps: 100,
        minCoverageBps: 12_000,
      },
      tranches,
    );
    for (const account of [alice, producer]) await stablecoin.connect(account).approve(vault, ethers.MaxUint256);
    return vault;
  };
  let listing = 0n;
  // Alice fills what is left of every tranche, then spreads notes over `holders - 1` other accounts per tranche.
  const fillAndSpread = async (vault: TrancheVault, holders: number, salt: number) => {
    const accounts = holderAddresses(ethers, holders - 1, salt);
    for (let i = 0; i < accounts.length; i += MAX_INVESTORS_PER_LISTING) {
      const gas = await gasOf(
        registry.listInvestors(accounts.slice(i, i + MAX_INVESTORS_PER_LISTING), EXPIRY, JURISDICTION),
      );
      if (listing < gas) listing = gas;
    }
    const count = await vault.trancheCount();
    for (let id = 0n; id < count; id++) {
      const { targetSize, raised, note } = await vault.tranche(id);
      await vault.connect(alice).subscribe(id, targetSize - raised);
      const share = targetSize / BigInt(holders) / 2n;
      await TrancheNote__factory.connect(note, alice).transfer(scatter, share * BigInt(accounts.length));
      for (let i = 0; i < accounts.length; i += 150) await scatter.scatter(note, accounts.slice(i, i + 150), share);
    }
    await vault.closeFunding();
    await vault.drawdown();
  };

  // Subscriptions by new holders into a tranche that already has one: approve then subscribe, or one permit call.
  const few = await deployVault(THREE_TRANCHES);
  await few.connect(alice).subscribe(0n, USD(100_000n));
  const approve = await gasOf(stablecoin.connect(bob).approve(few, USD(10_000n)));
  const subscribe = await gasOf(few.connect(bob).subscribe(0n, USD(10_000n)));
  const { chainId } = await ethers.provider.getNetwork();
  const permit = await signPermit(
    carol,
    await stablecoin.getAddress(),
    await few.getAddress(),
    USD(10_000n),
    ethers.MaxUint256,
  );
  const subscribeWithPermit = await gasOf(
    few.connect(carol).subscribeWithPermit(0n, USD(10_000n), ethers.MaxUint256, permit.v, permit.r, permit.s),
  );
  await fillAndSpread(few, 10, 1);
  const many = await deployVault(THREE_TRANCHES);
  await fillAndSpread(many, 1_000, 2);
  const five = await deployVault(FIVE_TRANCHES);
  const deployFive = await deployGasOf(five);
  const fiveCount = await five.trancheCount();
  for (let id = 0n; id < fiveCount; id++) await five.connect(alice).subscribe(id, (await five.tranche(id)).targetSize);
  const closeFive = await gasOf(five.closeFunding());
  await five.drawdown();

  // One period's revenue, distributed once the period has ended.
  const receiveRevenue = await gasOf(few.connect(producer).receiveRevenue(0, USD(80_000n)));
  await many.connect(producer).receiveRevenue(0, USD(80_000n));
  await five.connect(producer).receiveRevenue(0, USD(200_000n));
  await networkHelpers.time.increaseTo((await five.startTime()) + PERIOD);
  const distributeFew = await gasOf(few.distribute(1n));
  const distributeMany = await gasOf(many.distribute(1n));
  const distributeFive = await gasOf(five.distribute(1n));
  if (distributeFew !== distributeMany) throw new Error("distribution gas depends on the number of holders");

  const seniorNote = TrancheNote__factory.connect((await few.tranche(0n)).note, alice);
  // The vault's first claim also writes its claim totals for the first time; the next claimant's is the usual one.
  const firstClaim = await gasOf(few.connect(alice).claim(0n, alice));
  const claim = await gasOf(few.connect(bob).claim(0n, bob));
  const dave = holderAddresses(ethers, 1, 3)[0];
  await registry.listInvestor(dave, EXPIRY, JURISDICTION);
  const toNew = await gasOf(seniorNote.transfer(dave, USD(1_000n)));
  const toExisting = await gasOf(seniorNote.transfer(bob, USD(1_000n)));

  // A steady period: the second one, with its revenue, after which both parties of a transfer have unsettled payouts.
  await few.connect(producer).receiveRevenue(0, USD(80_000n));
  await networkHelpers.time.increaseTo((await few.startTime()) + 2n * PERIOD);
  const distributeSteady = await gasOf(few.distribute(2n));
  if ((await few.claimableOf(0n, bob)) === 0n) throw new Error("the transfer after a distribution must be unsettled");
  const toExistingAfterDistribution = await gasOf(seniorNote.transfer(bob, USD(1_000n)));

  // The remaining 5-tranche loops: recover a holder of all five notes to another wallet of the same investor once
  // the contest window is over, then write every tranche down to zero.
  const identity = ethers.id("bench investor alice");
  await registry.linkIdentity(alice, identity);
  await registry.linkIdentity(dave, identity);
  await five.announceRecovery(alice, dave);
  await networkHelpers.time.increase(await five.RECOVERY_DELAY());
  const recoverFive = await gasOf(five.recoverNotes(alice));
  let principal = 0n;
  for (let id = 0n; id < fiveCount; id++) principal += (await five.tranche(id)).principal;
  const writeDownFive = await gasOf(five.writeDown(principal));

  // The naive alternative: push every holder's coupon in a loop (second period, so holders already hold the coin).
  const naivePush = async (holders: number, salt: number) => {
    const naive = await new NaivePushDistributor__factory(deployer).deploy(stablecoin);
    await naive.addHolders(holderAddresses(ethers, holders, salt), 1n);
    await stablecoin.connect(producer).approve(naive, ethers.MaxUint256);
    await naive.connect(producer).distribute(USD(80_000n));
    const gas = await gasOf(naive.connect(producer).distribute(USD(80_000n)));
    const paid = await stablecoin.balanceOf(holderAddresses(ethers, 1, salt)[0]);
    if (paid !== (2n * USD(80_000n)) / BigInt(holders)) throw new Error(`naive push paid ${paid}`);
    return gas;
  };
  const naive10 = await naivePush(10, 4);
  const naive100 = await naivePush(100, 5);

  // Floors: what each operation must do. A transfer checks both parties in the registry (one cold call, two cold
  // records) and moves the notes with their share of the tranche's accumulator (one cold read, two balance words).
  const transferCalldata = seniorNote.interface.encodeFunctionData("transfer", [bob.address, USD(1_000n)]);
  const transferFloor = (newHolder: boolean) =>
    floorOf({
      calldata: transferCalldata,
      coldCalls: 1,
      newSlots: newHolder ? 1 : 0,
      changedSlots: newHolder ? 1 : 2,
      coldReads: 3,
      logs: [[3, 32]],
    });
  // The waterfall of a 3-tranche vault: state and period, revenue booked, reserve, fee owed, the amortizing senior's
  // principal and each tranche's accumulator change (one cold call per note); the debt tranches' terms are read;
  // the period and each tranche are reported in events.
  const distributeFloor = floorOf({
    calldata: few.interface.encodeFunctionData("distribute", [1n]),
    coldCalls: 3,
    changedSlots: 5 + 3,
    coldReads: 3,
    logs: [
      [3, 192],
      [3, 192],
      [3, 192],
      [2, 352],
    ],
  });
  const baseline = (name: string) => ({ name, gas: baselines.get(name)! });
  const transfer = baseline("ERC-20 transfer");
  const transferToNew = baseline("ERC-20 transfer to new holder");
  const rows: GasRow[] = [
    { group: "finance", operation: "approve (before subscribe)", gas: approve, baseline: transfer },
    { group: "finance", operation: "subscribe (new holder, after approve)", gas: subscribe, baseline: transferToNew },
    {
      group: "finance",
      operation: "subscribeWithPermit (new holder, one tx)",
      gas: subscribeWithPermit,
      baseline: { name: "approve + subscribe (two txs)", gas: approve + subscribe },
    },
    {
      group: "finance",
      operation: "receiveRevenue",
      gas: receiveRevenue,
      baseline: transfer,
      // The pull (payer's balance, the vault's first balance since the drawdown, the allowance read), the state
      // check and the revenue total in one word, the token's and the vault's events.
      floor: floorOf({
        calldata: few.interface.encodeFunctionData("receiveRevenue", [0, USD(80_000n)]),
        coldCalls: 1,
        newSlots: 1,
        changedSlots: 2,
        coldReads: 1,
        logs: [
          [3, 32],
          [3, 32],
        ],
      }),
      target: 70_000n,
    },
    {
      group: "finance",
      operation: "distribute (3 tranches, 10 holders)",
      gas: distributeFew,
      baseline: { name: "naive push to 10 holders", gas: naive10 },
      floor: distributeFloor,
      target: 300_000n,
    },
    {
      group: "finance",
      operation: "distribute (steady period)",
      gas: distributeSteady,
      baseline: { name: "naive push to 10 holders", gas: naive10 },
      floor: distributeFloor,
      target: 170_000n,
    },
    { group: "finance", operation: "claim (senior coupon, vault's first)", gas: firstClaim, baseline: transfer },
    {
      group: "finance",
      operation: "claim (senior coupon)",
      gas: claim,
      baseline: transfer,
      // The registry (a cold call and the claimant's record), the note (a cold call, the accumulator, the holder's
      // word), the token (a cold call, the vault's and the receiver's balances) and the token's and vault's events.
      floor: floorOf({
        calldata: few.interface.encodeFunctionData("claim", [0n, bob.address]),
        coldCalls: 3,
        changedSlots: 3,
        coldReads: 2,
        logs: [
          [3, 32],
          [4, 32],
        ],
      }),
      target: 65_000n,
    },
    {
      group: "finance",
      operation: "note transfer (to existing holder)",
      gas: toExisting,
      baseline: transfer,
      floor: transferFloor(false),
      target: 48_000n,
    },
    {
      group: "finance",
      operation: "note transfer (to existing holder, after a distribution)",
      gas: toExistingAfterDistribution,
      baseline: transfer,
      floor: transferFloor(false),
      target: 48_000n,
    },
    {
      group: "finance",
      operation: "note transfer (to new holder)",
      gas: toNew,
      baseline: transferToNew,
      floor: transferFloor(true),
      target: 65_000n,
    },
    {
      group: "scaling",
      operation: "distribute, 10 holders",
      gas: distributeFew,
      baseline: { name: "naive push to 10 holders", gas: naive10 },
    },
    {
      group: "scaling",
      operation: "distribute, 1,000 holders",
      gas: distributeMany,
      baseline: { name: "naive push to 100 holders", gas: naive100 },
    },
    worstCase("TrancheVault deployment, 5 tranches (5 notes)", deployFive),
    worstCase("closeFunding, 5 tranches", closeFive),
    worstCase("distribute, 5 tranches", distributeFive),
    worstCase("recoverNotes, 5 tranches", recoverFive),
    worstCase("writeDown of every tranche, 5 tranches", writeDownFive),
    worstCase(`listInvestors, ${MAX_INVESTORS_PER_LISTING} new accounts`, listing),
  ];
  return rows;
};
