import { expect } from "chai";
import { getAddress, HDNodeWallet, id, JsonRpcProvider, Wallet, ZeroAddress } from "ethers";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  InvestorRegistry__factory,
  TestStablecoin__factory,
  TrancheNote__factory,
  TrancheVault__factory,
  type TrancheVault,
} from "../../typechain-types/index.js";
import { DEV_MNEMONIC, type LocalNode, PROJECT_ROOT, runHardhat, startLocalNode } from "../helpers/node.js";
import { attempt, expectOneLineFailure } from "../helpers/tasks.js";
import { readVaultPeriod } from "../../sdk/vault.js";

const DAY = 86_400n;
const usd = (whole: bigint) => whole * 10n ** 6n;

/**
 * The finance and compliance roles' journeys on a real node, every step a separate `npx hardhat` process: the
 * compliance agent lists, freezes and links investors; investors subscribe (approve and permit), claim, redeem and
 * refund; the vault operator closes funding, draws, takes revenue, distributes, writes down and recovers a wallet.
 */
describe("finance and compliance tasks on a local node", function () {
  this.timeout(600_000);
  let node: LocalNode;
  let provider: JsonRpcProvider;
  let env: NodeJS.ProcessEnv;
  const deployer = Wallet.fromPhrase(DEV_MNEMONIC);
  const investor = (index: number) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  const alice = investor(1);
  const bob = investor(2);
  const carol = investor(3);
  const dave = investor(4);
  const erin = investor(5);
  // carol's new wallet after she loses the old one: not a node account, so it gets gas money below
  const carolNew = Wallet.createRandom();

  const record = (name: string) =>
    getAddress(
      (
        JSON.parse(readFileSync(join(PROJECT_ROOT, "deployments", "localhost", `${name}.json`), "utf8")) as {
          address: string;
        }
      ).address,
    );
  const task = (...args: string[]) => runHardhat([...args, "--network", "localhost"], env);
  const failing = (...args: string[]) => attempt([...args, "--network", "localhost"], env);
  const travelTo = async (time: bigint) => {
    const latest = await provider.getBlock("latest");
    const seconds = time - BigInt(latest!.timestamp);
    if (seconds > 0n) await provider.send("evm_increaseTime", [Number(seconds)]);
    await provider.send("evm_mine", []);
  };

  before(async function () {
    node = await startLocalNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    env = {
      LOCALHOST_RPC_URL: node.url,
      ALICE_KEY: alice.privateKey,
      BOB_KEY: bob.privateKey,
      CAROL_KEY: carol.privateKey,
      CAROL_NEW_KEY: carolNew.privateKey,
      DAVE_KEY: dave.privateKey,
      ERIN_KEY: erin.privateKey,
    };
    await provider.send("hardhat_setBalance", [carolNew.address, "0xde0b6b3a7640000"]);
    await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], env);
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
  });

  it("funds, services, recovers, writes down and redeems the vault from the tasks alone", async function () {
    const stablecoin = TestStablecoin__factory.connect(record("TestStablecoin"), provider);
    const registry = InvestorRegistry__factory.connect(record("InvestorRegistry"), provider);
    const vault = TrancheVault__factory.connect(record("TrancheVault"), provider);
    const vaultAddress = await vault.getAddress();
    const notes = async (trancheId: bigint, holder: string) =>
      TrancheNote__factory.connect((await vault.tranche(trancheId)).note, provider).balanceOf(holder);

    // faucet: test dollars for the operator (revenue) and the three investors, exactly
    const operatorBefore = await stablecoin.balanceOf(deployer.address);
    expect(await task("stablecoin", "faucet", "2000000")).to.match(
      new RegExp(`Minted 2,000,000\\.00 tUSD to ${deployer.address}`),
    );
    expect((await stablecoin.balanceOf(deployer.address)) - operatorBefore).to.equal(usd(2_000_000n));
    for (const [wallet, amount] of [
      [alice, 700_000n],
      [bob, 300_000n],
      [carol, 100_000n],
    ] as const) {
      await task("stablecoin", "faucet", amount.toString(), "--to", wallet.address);
      expect(await stablecoin.balanceOf(wallet.address)).to.equal(usd(amount));
    }
    expectOneLineFailure(
      await failing("stablecoin", "faucet", "1.0000001", "--to", alice.address),
      'amount "1.0000001" has more than 6 decimal places, the token\'s precision',
    );
    // a deployment that settles in an external stablecoin has no faucet: its record points elsewhere
    const settlementRecord = join(PROJECT_ROOT, "deployments", "localhost", "Stablecoin.json");
    const original = readFileSync(settlementRecord, "utf8");
    const external = Wallet.createRandom().address;
    try {
      writeFileSync(settlementRecord, JSON.stringify({ ...JSON.parse(original), address: external }));
      expectOneLineFailure(
        await failing("stablecoin", "faucet", "5"),
        `the localhost deployment settles in the external stablecoin ${external}, which this task cannot mint: get it from its issuer's faucet`,
      );
    } finally {
      writeFileSync(settlementRecord, original);
    }
    expect(await stablecoin.balanceOf(alice.address)).to.equal(usd(700_000n));

    // compliance agent: list four investors in one transaction, link carol's two wallets to one identity
    const listedAt = BigInt((await provider.getBlock("latest"))!.timestamp);
    const listed = await task(
      "investor",
      "list",
      alice.address,
      bob.address,
      `${carol.address},${carolNew.address}`,
      "--jurisdiction",
      "840",
    );
    expect(listed).to.match(/Listed 4 investors until .*, jurisdiction 840/);
    for (const wallet of [alice, bob, carol, carolNew]) {
      const entry = await registry.investor(wallet.address);
      expect(entry.jurisdiction).to.equal(840n);
      expect(entry.expiry - listedAt).to.be.within(365n * DAY, 365n * DAY + 60n);
      expect(await registry.isVerified(wallet.address)).to.equal(true);
    }
    expectOneLineFailure(
      await failing("investor", "list", alice.address, "--jurisdiction", "US"),
      '--jurisdiction "US" is not an ISO 3166-1 numeric country code: use 1 to 999, e.g. 840 for the United States',
    );
    await task("investor", "link-identity", carol.address, "--identity", "kyc:carol");
    await task("investor", "link-identity", carolNew.address, "--identity", "kyc:carol");
    expect(await registry.identityOf(carol.address)).to.equal(id("kyc:carol"));
    expect(await registry.identityOf(carolNew.address)).to.equal(id("kyc:carol"));

    // investors: alice approves then subscribes; bob and carol sign permits and subscribe in one transaction
    const subscribed = await task("vault", "subscribe", "600000", "--tranche", "JSN-SR", "--key-env", "ALICE_KEY");
    expect(subscribed).to.match(/Approved 600,000\.00 tUSD to /);
    expect(subscribed).to.match(/JSN-SR: 600,000\.00 tUSD of 600,000\.00 tUSD raised; .* holds 600,000\.00 JSN-SR/);
    const permitted = await task("vault", "subscribe", "300000", "--tranche", "1", "--permit", "--key-env", "BOB_KEY");
    expect(permitted).to.match(/Subscribed 300,000\.00 tUSD to JSN-MZ \(tranche 1\) .* with a permit/);
    expect(permitted).to.not.match(/Approved/);
    await task("vault", "subscribe", "100000", "--tranche", "jsn-eq", "--permit", "--key-env", "CAROL_KEY");
    expect(await stablecoin.balanceOf(alice.address)).to.equal(usd(100_000n));
    expect(await stablecoin.balanceOf(bob.address)).to.equal(0n);
    expect(await stablecoin.balanceOf(carol.address)).to.equal(0n);
    expect(await stablecoin.allowance(bob.address, vaultAddress)).to.equal(0n);
    expect(await notes(0n, alice.address)).to.equal(usd(600_000n));
    expect(await notes(1n, bob.address)).to.equal(usd(300_000n));
    expect(await notes(2n, carol.address)).to.equal(usd(100_000n));
    expect(await stablecoin.balanceOf(vaultAddress)).to.equal(usd(1_000_000n));

    // vault operator: close funding, draw the raise, pay revenue in, distribute period 1
    expect(await task("vault", "close-funding")).to.match(/Vault is Active: 1,000,000\.00 tUSD raised/);
    const projectBefore = await stablecoin.balanceOf(deployer.address);
    expect(await task("vault", "draw")).to.match(
      new RegExp(`Sent 1,000,000\\.00 tUSD to the project wallet ${deployer.address}`),
    );
    expect((await stablecoin.balanceOf(deployer.address)) - projectBefore).to.equal(usd(1_000_000n));
    expect(await stablecoin.balanceOf(vaultAddress)).to.equal(0n);
    await task("vault", "deposit", "40000", "--source", "energy");
    expect(await stablecoin.balanceOf(vaultAddress)).to.equal(usd(40_000n));
    await travelTo(await vault.periodEnd(1n));
    const distributed = await task("vault", "distribute");
    const coverage = (await readVaultPeriod(provider, vaultAddress, 1n)).report!.coverageBps;
    expect(distributed).to.include(`${(Number(coverage) / 10_000).toFixed(2)}x`);
    expect(distributed).to.not.match(/\d%/);

    // compliance agent freezes bob: his claim fails with the vault's decoded error and moves nothing
    expect(await task("investor", "freeze", bob.address)).to.match(/is not verified/);
    expectOneLineFailure(
      await failing("vault", "claim", "--tranche", "JSN-MZ", "--key-env", "BOB_KEY"),
      `reverted with TrancheVaultAccountFrozen(account=${bob.address})`,
    );
    expect(await stablecoin.balanceOf(bob.address)).to.equal(0n);

    // alice claims every tranche she has something in: exactly what the vault owed her
    const aliceOwed = await vault.claimableOf(0n, alice.address);
    expect(aliceOwed).to.be.greaterThan(0n);
    const claimed = await task("vault", "claim", "--key-env", "ALICE_KEY");
    expect(claimed).to.match(/JSN-SR: [\d,.]+ tUSD paid to /);
    expect(await stablecoin.balanceOf(alice.address)).to.equal(usd(100_000n) + aliceOwed);
    expect(await vault.claimableOf(0n, alice.address)).to.equal(0n);

    // carol lost her wallet: announce, wait the 7-day contest window, execute; notes and payouts move
    const carolOwed = await vault.claimableOf(2n, carol.address);
    // an announcement the holder contests from the wallet named lost is cancelled; the agent then announces again
    await task("vault", "recover", "announce", carol.address, "--replacement", carolNew.address);
    expect(await task("vault", "recover", "cancel", carol.address, "--key-env", "CAROL_KEY")).to.include(
      `Cancelled the recovery of ${carol.address}`,
    );
    expect((await vault.pendingRecovery(carol.address)).replacement).to.equal(ZeroAddress);
    const announced = await task("vault", "recover", "announce", carol.address, "--replacement", carolNew.address);
    expect(announced).to.match(/Executable from .* with `vault recover execute/);
    const early = await failing("vault", "recover", "execute", carol.address);
    expect(early.output).to.match(
      /reverted with TrancheVaultRecoveryPending\(lost=0x[0-9a-fA-F]{40}, executableAt=\d+\)/,
    );
    const { executableAt } = await vault.pendingRecovery(carol.address);
    await travelTo(executableAt);
    const recovered = await task("vault", "recover", "execute", carol.address);
    expect(recovered).to.match(/JSN-EQ: 100,000\.00 notes and [\d,.]+ tUSD unclaimed moved to /);
    expect(await notes(2n, carol.address)).to.equal(0n);
    expect(await notes(2n, carolNew.address)).to.equal(usd(100_000n));
    expect(await vault.claimableOf(2n, carol.address)).to.equal(0n);
    expect(await vault.claimableOf(2n, carolNew.address)).to.equal(carolOwed);

    // loss assessor: a 50,000 loss is taken by equity first
    const seniorBefore = (await vault.tranche(0n)).principal;
    const writtenDown = await task("vault", "write-down", "50000");
    expect(writtenDown).to.match(/JSN-EQ: 50,000\.00 tUSD written off, 50,000\.00 tUSD principal left/);
    const equity = await vault.tranche(2n);
    expect(equity.principal).to.equal(usd(50_000n));
    expect(equity.writtenDown).to.equal(usd(50_000n));
    expect((await vault.tranche(0n)).principal).to.equal(seniorBefore);

    // periods 2 to 11 run without the tasks (already shown above); the last one through `vault distribute`
    const operatorWallet = deployer.connect(provider);
    const token = stablecoin.connect(operatorWallet);
    const servicer = vault.connect(operatorWallet) as TrancheVault;
    await (await token.approve(vaultAddress, usd(1_500_000n))).wait();
    for (let period = 2n; period <= 11n; period++) {
      await (await servicer.receiveRevenue(1, usd(60_000n))).wait();
      await travelTo(await vault.periodEnd(period));
      await (await servicer.distribute(period)).wait();
    }
    await (await servicer.receiveRevenue(0, usd(800_000n))).wait();
    await travelTo(await vault.periodEnd(12n));
    expect(await task("vault", "distribute", "12")).to.match(/^12\s+800,000\.00 tUSD/m);
    expect(await vault.state()).to.equal(3n); // Matured

    // maturity: every holder redeems; bob is unfrozen first. Each gets exactly what the vault owes.
    await task("investor", "unfreeze", bob.address);
    for (const [wallet, keyEnv, trancheId, held] of [
      [alice, "ALICE_KEY", 0n, "600,000.00 JSN-SR"],
      [bob, "BOB_KEY", 1n, "300,000.00 JSN-MZ"],
      [carolNew, "CAROL_NEW_KEY", 2n, "100,000.00 JSN-EQ"],
    ] as const) {
      const [before, owed] = await Promise.all([
        stablecoin.balanceOf(wallet.address),
        vault.claimableOf(trancheId, wallet.address),
      ]);
      expect(owed).to.be.greaterThan(0n);
      const redeemed = await task("vault", "redeem", "--key-env", keyEnv);
      expect(redeemed).to.include(`paid to ${wallet.address}, ${held} cancelled`);
      expect((await stablecoin.balanceOf(wallet.address)) - before).to.equal(owed);
      expect(await notes(trancheId, wallet.address)).to.equal(0n);
      expect(await vault.claimableOf(trancheId, wallet.address)).to.equal(0n);
    }
    // senior and mezzanine were repaid in full, so their holders got back at least what they paid
    expect(await stablecoin.balanceOf(alice.address)).to.be.greaterThan(usd(700_000n));
    expect(await stablecoin.balanceOf(bob.address)).to.be.greaterThan(usd(300_000n));

    // read-only views: the vault with coverage as a multiple, and an investor's entry
    const shown = await task("vault", "show", "--account", carolNew.address);
    expect(shown).to.match(/: Matured/);
    expect(shown).to.match(/coverage covenant\s+at least 1\.20x/);
    expect(shown).to.match(/^12\s+800,000\.00 tUSD.*\d\.\d\dx\s+(ok|breached)$/m);
    const investorShown = await task("investor", "show", carolNew.address);
    expect(investorShown).to.include(`Investor ${carolNew.address} on localhost: verified`);
    expect(investorShown).to.match(new RegExp(`identity\\s+${id("kyc:carol")}`));
    expect(investorShown).to.match(/JSN-EQ\s+0\.00\s+0\.00 tUSD\s+0\.00 tUSD/);
  });

  it("unwinds a raise not drawn by the draw deadline and refunds every holder", async function () {
    // A second, small vault on the same registry, addressed with --vault like any vault without a record.
    const operatorWallet = deployer.connect(provider);
    const latest = await provider.getBlock("latest");
    const small = await new TrancheVault__factory(operatorWallet).deploy(
      {
        asset: record("TestStablecoin"),
        registry: record("InvestorRegistry"),
        admin: deployer.address,
        projectWallet: deployer.address,
        feeRecipient: deployer.address,
        fundingDeadline: BigInt(latest!.timestamp) + DAY,
        periodLength: 30n * DAY,
        periodCount: 4,
        servicingFeePerPeriod: usd(10n),
        reserveTargetBps: 100,
        minCoverageBps: 12_000,
      },
      [
        {
          name: "Unwind Senior",
          symbol: "UW-SR",
          targetSize: usd(1_000n),
          minSubscription: usd(100n),
          couponBps: 800,
          amortizationPerPeriod: 0n,
        },
        {
          name: "Unwind Equity",
          symbol: "UW-EQ",
          targetSize: usd(500n),
          minSubscription: usd(100n),
          couponBps: 0,
          amortizationPerPeriod: 0n,
        },
      ],
    );
    await small.waitForDeployment();
    const address = await small.getAddress();
    // two more investors, listed and funded directly (the tasks for that are shown in the journey above)
    const stablecoin = TestStablecoin__factory.connect(record("TestStablecoin"), operatorWallet);
    const registry = InvestorRegistry__factory.connect(record("InvestorRegistry"), operatorWallet);
    await (
      await registry.listInvestors([dave.address, erin.address], BigInt(latest!.timestamp) + 365n * DAY, 276)
    ).wait();
    await (await stablecoin.mint(dave.address, usd(1_000n))).wait();
    await (await stablecoin.mint(erin.address, usd(500n))).wait();

    await task("vault", "subscribe", "1000", "--tranche", "UW-SR", "--key-env", "DAVE_KEY", "--vault", address);
    await task("vault", "subscribe", "500", "--tranche", "1", "--permit", "--key-env", "ERIN_KEY", "--vault", address);
    expect(await stablecoin.balanceOf(address)).to.equal(usd(1_500n));
    expectOneLineFailure(
      await failing("vault", "refund", "--key-env", "NO_SUCH_KEY", "--vault", address),
      "--key-env NO_SUCH_KEY: the environment variable is not set",
    );
    await task("vault", "close-funding", "--vault", address);
    // revenue that arrives before the unwind belongs to the residual tranche
    await task("vault", "deposit", "10", "--source", "other", "--vault", address);

    const drawDeadline = await small.drawDeadline();
    expectOneLineFailure(
      await failing("vault", "unwind", "--vault", address),
      `reverted with TrancheVaultDrawDeadlineNotReached(deadline=${drawDeadline})`,
    );
    await travelTo(drawDeadline);
    const unwound = await task("vault", "unwind", "--vault", address);
    expect(unwound).to.match(/Vault is Failed .*: 1,500\.00 tUSD refundable .*10\.00 tUSD of revenue to the residual/);
    expect(await small.state()).to.equal(1n); // Failed
    // the operator can no longer draw it
    expectOneLineFailure(
      await failing("vault", "draw", "--vault", address),
      "reverted with TrancheVaultUnexpectedState(current=Failed)",
    );

    expect(await task("vault", "refund", "--key-env", "DAVE_KEY", "--vault", address)).to.match(
      /UW-SR: 1,000\.00 tUSD paid to .*, 1,000\.00 UW-SR cancelled/,
    );
    expect(await task("vault", "refund", "--key-env", "ERIN_KEY", "--vault", address)).to.match(
      /UW-EQ: 510\.00 tUSD paid to .*, 500\.00 UW-EQ cancelled/,
    );
    expect(await stablecoin.balanceOf(dave.address)).to.equal(usd(1_000n));
    expect(await stablecoin.balanceOf(erin.address)).to.equal(usd(510n));
    expect(await stablecoin.balanceOf(address)).to.equal(0n);
    expect((await small.totals()).refunded).to.equal(usd(1_500n));
  });
});
