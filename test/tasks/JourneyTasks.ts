import { expect } from "chai";
import { getAddress, HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  batchIdOfReading,
  certificateId,
  DeviceKind,
  DeviceStatus,
  gridZone,
  gridZoneToString,
  meteredEnergyDomain,
  signReading,
} from "../../sdk/energy.js";
import { decodeRevert } from "../../sdk/errors.js";
import { formatPower } from "../../sdk/units.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";
import { DEV_MNEMONIC, type LocalNode, PROJECT_ROOT, runHardhat, startLocalNode } from "../helpers/node.js";
import { attempt, expectOneLineFailure } from "../helpers/tasks.js";

const HOUR = 3_600n;
const DAY = 86_400n;
const usd = (cents: bigint) => cents * 10n ** 4n;
/** Sepolia's chain id: the node poses as it, so `--network sepolia` can reach it with only an RPC URL. */
const SEPOLIA = 11_155_111;

/**
 * The journeys of the roles the first operator tasks left out, each step a separate `npx hardhat` process against
 * one real node: the registrar suspends and reactivates, a device owner rotates the meter key, an issuer rejects,
 * certifies and revokes, a REC holder transfers, a flexibility buyer and provider expire, claim and close requests,
 * a cluster provider bonds, records delivery, withdraws and takes proceeds, GPU buyers buy (approve and permit),
 * redeem and get refunds. Every task group also fails once, with one decoded line and exit code 1. Setup that is not
 * under test goes straight to the contracts.
 */
describe("every role's journey through the operator tasks on a local node", function () {
  this.timeout(900_000);
  let node: LocalNode;
  let provider: JsonRpcProvider;
  let env: NodeJS.ProcessEnv;
  const wallet = (index: number) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  const deployerKey = wallet(0);
  const alice = wallet(1);
  const bob = wallet(2);
  const dave = wallet(4);
  const meterKey = Wallet.createRandom();
  let deployer: HDNodeWallet;

  const recordPath = (name: string) => join(PROJECT_ROOT, "deployments", "localhost", `${name}.json`);
  const record = (name: string) =>
    getAddress((JSON.parse(readFileSync(recordPath(name), "utf8")) as { address: string }).address);
  const task = (...args: string[]) => runHardhat([...args, "--network", "localhost"], env);
  const failing = (...args: string[]) => attempt([...args, "--network", "localhost"], env);
  const now = async () => BigInt((await provider.getBlock("latest"))!.timestamp);
  const travelTo = async (time: bigint) => {
    const seconds = time - (await now());
    if (seconds > 0n) await provider.send("evm_increaseTime", [Number(seconds)]);
    await provider.send("evm_mine", []);
  };
  const wait = async (sent: Promise<{ wait(): Promise<unknown> }>) => (await sent).wait();

  /** A device registered straight on the registry, owned by the deployer and signed by `meterKey`. */
  const registerDevice = async (kind: DeviceKind, capacityW: bigint) => {
    const registry = DeviceRegistry__factory.connect(record("DeviceRegistry"), deployer);
    await wait(
      registry.registerDevice({
        kind,
        capacityW,
        gridZone: gridZone("ERCOT-NORTH"),
        signer: meterKey.address,
        owner: deployer.address,
        commissionedAt: 0n,
        metadataURI: "",
      }),
    );
    return registry.deviceCount();
  };

  /** Starts a device's metering with the first reading and mints the rest, each signed by `meterKey`. */
  const meter = async (deviceId: bigint, readings: [timestamp: bigint, cumulativeWh: bigint][]) => {
    const energy = MeteredEnergy__factory.connect(record("MeteredEnergy"), deployer);
    const domain = await meteredEnergyDomain(await energy.getAddress(), deployer);
    for (const [index, [timestamp, cumulativeWh]] of readings.entries()) {
      const reading = { deviceId, cumulativeWh, timestamp };
      const signature = await signReading(meterKey, domain, reading);
      await wait(index === 0 ? energy.resumeMetering(reading, signature) : energy.submitReading(reading, signature));
    }
  };

  before(async function () {
    node = await startLocalNode(60_000, { chainId: SEPOLIA });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    deployer = deployerKey.connect(provider);
    env = {
      LOCALHOST_RPC_URL: node.url,
      ALICE_KEY: alice.privateKey,
      BOB_KEY: bob.privateKey,
      DAVE_KEY: dave.privateKey,
    };
    // The records of `localhost` belong to one chain id: a node of another starts them afresh, and leaves none behind.
    rmSync(join(PROJECT_ROOT, "deployments", "localhost"), { recursive: true, force: true });
    await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], env);
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
    rmSync(join(PROJECT_ROOT, "deployments", "localhost"), { recursive: true, force: true });
  });

  it("registrar and device owner: register, suspend, reactivate, rotate the meter key, decommission", async function () {
    const registry = DeviceRegistry__factory.connect(record("DeviceRegistry"), provider);
    const newMeter = Wallet.createRandom().address;
    const [registered, overflow] = await Promise.all([
      // a lowercase zone is normalised, not refused
      task(
        "device",
        "register",
        "--kind",
        "solar",
        "--capacity",
        "1 MW",
        "--zone",
        " ercot-north ",
        "--signer",
        meterKey.address,
        "--commissioned",
        "30d-ago",
      ),
      // a capacity beyond the registry's uint96 names the field and the limit
      failing("device", "register", "--capacity", "1000000000000000000000 GW", "--zone", "X", "--signer", newMeter),
    ]);
    expect(registered).to.match(/Device 1: solar, 1 MW in ERCOT-NORTH/);
    expect(gridZoneToString((await registry.getDevice(1n)).gridZone)).to.equal("ERCOT-NORTH");
    expectOneLineFailure(
      overflow,
      `--capacity "1000000000000000000000 GW" exceeds the largest value the contract stores, ${formatPower(2n ** 96n - 1n)}`,
    );
    expect(await registry.deviceCount(), "nothing registered by the failure").to.equal(1n);

    expect(await task("device", "suspend", "1", "--reason", "audit-failed")).to.match(/Device 1: Active -> Suspended/);
    expect((await registry.getDevice(1n)).status).to.equal(BigInt(DeviceStatus.Suspended));
    expectOneLineFailure(
      await failing("device", "suspend", "1", "--reason", "again"),
      "reverted with DeviceRegistryInvalidStatusTransition(deviceId=1, currentStatus=Suspended, newStatus=Suspended)",
    );
    const reactivated = await task("device", "reactivate", "1", "--reason", "audit-passed");
    expect(reactivated).to.match(/Device 1: Suspended -> Active; active since /);
    expect((await registry.getDevice(1n)).activeSince).to.equal(await now());

    expect(await task("device", "rotate-signer", "1", "--signer", newMeter)).to.match(
      new RegExp(`Device 1: signer ${meterKey.address} -> ${newMeter}`),
    );
    expect((await registry.getDevice(1n)).signer).to.equal(newMeter);

    const spare = await registerDevice(DeviceKind.Battery, 500_000n);
    await task("device", "decommission", spare.toString(), "--reason", "site-closed");
    expect((await registry.getDevice(spare)).status).to.equal(BigInt(DeviceStatus.Decommissioned));
  });

  it("reads without a key on a public network, names the .env variable to set and the broken record file", async function () {
    const registry = record("DeviceRegistry");
    const meterAddress = record("MeteredEnergy");
    const publicEnv = { SEPOLIA_RPC_URL: node.url, DEPLOYER_PRIVATE_KEY: "" };
    const broken = recordPath("DeviceRegistry");
    const original = readFileSync(broken, "utf8");
    const [shown, unsigned, noUrl] = await Promise.all([
      runHardhat(["device", "show", "1", "--registry", registry, "--meter", meterAddress, "--network", "sepolia"], {
        ...env,
        ...publicEnv,
      }),
      attempt(["device", "suspend", "1", "--reason", "x", "--registry", registry, "--network", "sepolia"], {
        ...env,
        ...publicEnv,
      }),
      attempt(["device", "show", "1", "--network", "baseSepolia"], { ...env, DEPLOYER_PRIVATE_KEY: "" }),
    ]);
    expect(shown).to.match(/Device 1 on sepolia/);
    expect(shown).to.match(/grid zone\s+ERCOT-NORTH/);
    expectOneLineFailure(
      unsigned,
      "network sepolia has no account to sign with: set DEPLOYER_PRIVATE_KEY in .env (see .env.example) or export it in the shell",
    );
    expectOneLineFailure(
      noUrl,
      "the environment variable BASE_SEPOLIA_RPC_URL is not set: add it to .env (see .env.example) or export it in the shell",
    );
    expect(noUrl.output).to.not.match(/keystore/);

    try {
      writeFileSync(broken, original.slice(0, 40));
      expectOneLineFailure(
        await failing("device", "show", "1"),
        new RegExp(
          `^Error: the deployment record ${broken.replaceAll(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not valid JSON \\(`,
        ),
      );
    } finally {
      writeFileSync(broken, original);
    }
  });

  it("issuer and REC holder: reject, certify, transfer and revoke certificates", async function () {
    const certificates = RenewableCertificates__factory.connect(record("RenewableCertificates"), deployer);
    const energy = MeteredEnergy__factory.connect(record("MeteredEnergy"), provider);
    const device = await registerDevice(DeviceKind.Solar, 1_000_000n);
    // four hourly readings 1 MWh apart, ending at noon yesterday so that all hours share one month: 3 MWh minted
    const end = ((await now()) / DAY) * DAY - 12n * HOUR;
    const times = [end - 3n * HOUR, end - 2n * HOUR, end - HOUR, end];
    await meter(
      device,
      times.map((time, index) => [time, 2_000_000n + BigInt(index) * 1_000_000n]),
    );
    const batches = times.slice(1).map((time) => batchIdOfReading(device, time));
    const held = async () =>
      (
        await energy.balanceOfBatch(
          batches.map(() => deployer.address),
          batches,
        )
      ).reduce((a, b) => a + b, 0n);
    expect(await held()).to.equal(3_000_000n);

    expect(await task("rec", "request", device.toString())).to.match(/Issuance request 1: 3 MWh from 3 hourly batches/);
    expect(await held(), "locked by the request").to.equal(0n);
    expect(await task("rec", "reject", "1", "--reason", "meter audit pending")).to.match(
      new RegExp(`Returned 3 MWh of kWh for ${device}:\\d{6} .* to ${deployer.address}: meter audit pending`),
    );
    expect(await held(), "returned to the requester").to.equal(3_000_000n);
    expect((await certificates.getRequest(1n)).status).to.equal(3n); // Rejected

    await task("rec", "request", device.toString());
    expect(await task("rec", "certify", "2", "--evidence", "ipfs://audit")).to.match(/Issued 3 REC\(s\)/);
    const date = new Date(Number(end) * 1000);
    const vintage = BigInt(date.getUTCFullYear() * 100 + date.getUTCMonth() + 1);
    const recId = certificateId(device, vintage);
    const recArg = `${device}:${vintage}`;

    const [sent, tooMany] = await Promise.all([
      task("rec", "transfer", recArg, "--to", bob.address, "--energy", "1 MWh"),
      failing("rec", "transfer", recArg, "--to", bob.address, "--energy", "5 MWh"),
    ]);
    expect(sent).to.match(new RegExp(`${deployer.address} holds 2 REC\\(s\\) \\(2 MWh\\); ${bob.address} holds 1`));
    // The failure raced the transfer, so the balance it saw is 3 or 2: either way it is decoded and moves nothing.
    expectOneLineFailure(
      tooMany,
      new RegExp(
        `^Error: reverted with ERC1155InsufficientBalance\\(sender=${deployer.address}, balance=[23], needed=5, tokenId=${recId}\\)$`,
      ),
    );
    expect(await certificates.balanceOf(bob.address, recId)).to.equal(1n);
    expect(await certificates.balanceOf(deployer.address, recId)).to.equal(2n);

    expect(await task("rec", "revoke", recArg, "--reason", "double counted")).to.match(/3 REC\(s\) issued, 0 retired/);
    expect((await certificates.certificateTotals(recId)).revoked).to.equal(true);
    const moved = await certificates.safeTransferFrom.staticCall(deployer.address, bob.address, recId, 1n, "0x").then(
      () => "moved",
      (error: unknown) => decodeRevert(error),
    );
    expect(moved).to.equal(`RenewableCertificatesRevoked(certificateId=${recId})`);
  });

  it("flexibility buyer and provider: expire an unsettled commitment, claim, and close an unanswered request", async function () {
    const stablecoin = TestStablecoin__factory.connect(record("TestStablecoin"), deployer);
    const market = FlexibilityMarket__factory.connect(record("FlexibilityMarket"), deployer);
    await wait(stablecoin.mint(deployer.address, usd(1_000_000n)));
    const battery = await registerDevice(DeviceKind.Battery, 500_000n);

    // 100 kW for one hour at 0.20 per kWh: 20.00 escrowed; the battery commits all of it and posts a 2.00 stake
    const opened = await task(
      "flex",
      "open",
      "--zone",
      "ercot-north",
      "--start",
      "+1h",
      "--capacity",
      "100 kW",
      "--price",
      "0.2",
    );
    expect(opened).to.match(/Request 1: export 100 kW in ERCOT-NORTH/);
    expect(opened).to.match(/escrowed 20\.00 tUSD/);
    expect(await task("flex", "commit", "1", "--device", battery.toString(), "--capacity", "100 kW")).to.match(
      /Commitment 1: 100 kW, stake 2\.00 tUSD/,
    );

    const request = await market.getRequest(1n);
    expectOneLineFailure(
      await failing("flex", "expire", "1"),
      new RegExp(
        `^Error: reverted with FlexibilityNotExpired\\(commitmentId=1, settlementDeadline=${request.settlementDeadline}, currentTime=\\d+\\)$`,
      ),
    );
    await travelTo(request.settlementDeadline + 1n);
    const expired = await task("flex", "expire", "1");
    expect(expired).to.match(/stake 2\.00 tUSD credited to the buyer/);
    expect(expired).to.match(/unused escrow 20\.00 tUSD credited back/);
    expect(await market.claimable(deployer.address)).to.equal(usd(2_200n));

    const before = await stablecoin.balanceOf(deployer.address);
    expect(await task("flex", "claim")).to.match(/received 22\.00 tUSD/);
    expect((await stablecoin.balanceOf(deployer.address)) - before).to.equal(usd(2_200n));
    expectOneLineFailure(
      await failing("flex", "claim"),
      `reverted with FlexibilityNothingToClaim(account=${deployer.address})`,
    );

    // a request nobody committed to: after its commitment deadline anyone closes it and the buyer gets the escrow
    const start = ((await now()) / HOUR) * HOUR + 2n * HOUR;
    await wait(stablecoin.approve(await market.getAddress(), usd(2_000n)));
    await wait(
      market.openRequest({
        gridZone: gridZone("ERCOT-NORTH"),
        direction: 0,
        windowStart: start,
        windowEnd: start + HOUR,
        commitDeadline: start,
        settlementDeadline: start + DAY,
        capacityW: 100_000n,
        pricePerWh: 200n,
        stakeBps: 1_000,
        readingTolerance: 900,
      }),
    );
    await travelTo(start + 1n);
    expect(await task("flex", "return-escrow", "2")).to.match(
      new RegExp(`Unused escrow 20\\.00 tUSD credited back to ${deployer.address}`),
    );
    expect(await market.claimable(deployer.address)).to.equal(usd(2_000n));
  });

  it("cluster provider and GPU buyers: bond, buy, redeem, deliver with kWh, refund, withdraw and take proceeds", async function () {
    const stablecoin = TestStablecoin__factory.connect(record("TestStablecoin"), deployer);
    const compute = ComputeMarket__factory.connect(record("ComputeMarket"), deployer);
    const vault = TrancheVault__factory.connect(record("TrancheVault"), provider);
    await wait(stablecoin.mint(alice.address, usd(10_000n)));
    await wait(stablecoin.mint(bob.address, usd(10_000n)));

    expect(
      await task(
        "cluster",
        "register",
        "--gpu-class",
        "H100-SXM",
        "--gpus",
        "8",
        "--energy-per-gpu-hour",
        "700 Wh",
        "--zone",
        "ercot-north",
      ),
    ).to.match(/Cluster 1: 8 x H100-SXM in ERCOT-NORTH/);
    const [bonded, negative] = await Promise.all([
      task("cluster", "bond", "1", "--amount", "200"),
      // Hardhat takes a bare -5 for an option before any task runs; written --amount=-5 it reaches the parser
      failing("cluster", "bond", "1", "--amount=-5"),
    ]);
    expect(bonded).to.match(/Cluster 1: free bond 200\.00 tUSD/);
    expectOneLineFailure(negative, '--amount "-5" is negative: an amount is at least 0');

    // a two-hour window of 8 GPUs at 2.50 per GPU-hour, offered straight on the market
    const start = ((await now()) / HOUR) * HOUR + 2n * HOUR;
    await wait(compute.offerWindow(1n, start, 2n, usd(250n)));
    const credit = await compute.creditId(1n, start);
    const creditArg = credit.toString();

    // buyers: alice approves, bob signs a permit; an oversized order fails in simulation and approves nothing
    const bought = await task("compute", "buy", creditArg, "--gpu-hours", "4", "--key-env", "ALICE_KEY");
    expect(bought).to.match(/Approved 10\.00 tUSD to /);
    expect(bought).to.match(new RegExp(`${alice.address} holds 4 credit\\(s\\) .*; 4 of 16 sold`));
    const permitted = await task("compute", "buy", creditArg, "--gpu-hours", "2", "--permit", "--key-env", "BOB_KEY");
    expect(permitted).to.match(/with a permit/);
    expect(permitted).to.not.match(/Approved/);
    expect(await stablecoin.balanceOf(alice.address)).to.equal(usd(9_000n));
    expect(await stablecoin.balanceOf(bob.address)).to.equal(usd(9_500n));
    expect(await stablecoin.allowance(bob.address, await compute.getAddress())).to.equal(0n);
    const [oversold, pushed] = await Promise.all([
      failing("compute", "buy", creditArg, "--gpu-hours", "100", "--key-env", "ALICE_KEY"),
      // the sales accrued to the vault, which takes revenue only once active: pushing fails with the vault's error
      failing("cluster", "push-proceeds"),
    ]);
    expectOneLineFailure(
      oversold,
      `reverted with ComputeWindowOversold(creditId=${credit}, capacity=16, sold=6, requested=100)`,
    );
    expect(await stablecoin.allowance(alice.address, await compute.getAddress()), "no approval sent").to.equal(0n);
    expectOneLineFailure(pushed, "reverted with TrancheVaultUnexpectedState(current=Funding)");
    expect([...(await compute.proceedsOf(await vault.getAddress()))]).to.deep.equal([0n, usd(1_500n)]);

    // the window runs: alice redeems 3 GPU-hours, bob 2; delivery cannot be recorded before the window ends
    await travelTo(start);
    expect(
      await task("compute", "redeem", creditArg, "--gpu-hours", "3", "--job", "train-7b", "--key-env", "ALICE_KEY"),
    ).to.match(new RegExp(`${alice.address}: 3 GPU-hour\\(s\\) redeemed in this window, 1 credit\\(s\\) left`));
    await task("compute", "redeem", creditArg, "--gpu-hours", "2", "--job", "eval", "--key-env", "BOB_KEY");
    expectOneLineFailure(
      await failing("cluster", "deliver", creditArg, "--gpu-hours", "4", "--energy", "2.8 kWh"),
      new RegExp(
        `^Error: reverted with ComputeWindowNotEnded\\(creditId=${credit}, end=${start + 2n * HOUR}, currentTime=\\d+\\)$`,
      ),
    );

    // after the window: a solar farm of the cluster's zone metered 1 kWh in each of its hours, held by the provider
    await travelTo(start + 2n * HOUR + 60n);
    const solar = await registerDevice(DeviceKind.Solar, 1_000_000n);
    await meter(solar, [
      [start, 10_000n],
      [start + HOUR, 11_000n],
      [start + 2n * HOUR, 12_000n],
    ]);
    const delivered = await task(
      "cluster",
      "deliver",
      creditArg,
      "--gpu-hours",
      "4",
      "--energy",
      "2.8 kWh",
      "--kwh-from",
      solar.toString(),
    );
    expect(delivered).to.match(/Approved the compute market on the kWh token/);
    expect(delivered).to.match(/4 of 5 redeemed GPU-hours delivered, 2\.8 kWh used/);
    expect(delivered).to.match(/2 kWh matched hourly from 2 kWh batch\(es\), 0 Wh by RECs; 71\.42% carbon-free/);
    const [recorded] = await compute.queryFilter(compute.filters.DeliveryRecorded(credit));
    expect(recorded.args.whHourlyMatched).to.equal(2_000n);
    expect(recorded.args.carbonFreeBps).to.equal(7_142n);

    // one undelivered GPU-hour (2.50) is refunded pro rata: alice 3/5, bob (sent by anyone) the rest
    expect(await task("compute", "refund", creditArg, "--key-env", "ALICE_KEY")).to.match(
      new RegExp(`Refunded 1\\.50 tUSD to ${alice.address}`),
    );
    expect(await task("compute", "refund", creditArg, "--holder", bob.address)).to.match(/Refunded 1\.00 tUSD/);
    expect(await stablecoin.balanceOf(alice.address)).to.equal(usd(9_150n));
    expect(await stablecoin.balanceOf(bob.address)).to.equal(usd(9_600n));
    expectOneLineFailure(
      await failing("compute", "refund", creditArg, "--key-env", "ALICE_KEY"),
      `reverted with ComputeNothingToRefund(creditId=${credit}, holder=${alice.address})`,
    );

    // the provider takes back the free bond: 200.00 less the 2.50 refunded
    const beforeWithdrawal = await stablecoin.balanceOf(deployer.address);
    expect(await task("cluster", "withdraw-bond", "1")).to.match(/Withdrew 197\.50 tUSD of bond from cluster 1/);
    expect((await stablecoin.balanceOf(deployer.address)) - beforeWithdrawal).to.equal(usd(19_750n));
    expect((await compute.getCluster(1n)).bondFree).to.equal(0n);

    // a cluster paying a wallet: its proceeds are pushed by anyone, or claimed by the payee
    await wait(
      compute.registerCluster({
        gpuClass: "L40S",
        gridZone: gridZone("ERCOT-NORTH"),
        operator: deployer.address,
        gpuCount: 4,
        minWhPerGpuHour: 100,
        maxWhPerGpuHour: 400,
        payout: dave.address,
        payoutIsIntake: false,
      }),
    );
    await wait(stablecoin.approve(await compute.getAddress(), usd(100_000n)));
    await wait(compute.postBond(2n, usd(1_000n)));
    const start2 = ((await now()) / HOUR) * HOUR + 2n * HOUR;
    await wait(compute.offerWindow(2n, start2, 1n, usd(300n)));
    const credit2 = await compute.creditId(2n, start2);
    await wait(compute.buy(credit2, 1n, deployer.address));
    const daveBefore = await stablecoin.balanceOf(dave.address);
    expect(await task("cluster", "push-proceeds", dave.address)).to.match(
      new RegExp(`Paid 3\\.00 tUSD to ${dave.address}`),
    );
    expectOneLineFailure(
      await failing("cluster", "claim-proceeds", "--key-env", "DAVE_KEY"),
      `reverted with ComputeNothingToClaim(payee=${dave.address})`,
    );
    await wait(compute.buy(credit2, 2n, deployer.address));
    expect(await task("cluster", "claim-proceeds", "--key-env", "DAVE_KEY")).to.match(/Paid 6\.00 tUSD to /);
    expect((await stablecoin.balanceOf(dave.address)) - daveBefore).to.equal(usd(900n));

    // nobody records the second window: after its delivery period anyone settles it as nothing delivered
    await travelTo(start2 + HOUR + (await compute.DELIVERY_PERIOD()) + 1n);
    expect(await task("compute", "lapse", credit2.toString())).to.match(/0 redeemed GPU-hour\(s\) undelivered/);
    const shown = await task("compute", "show", credit2.toString(), "--account", deployer.address);
    expect(shown).to.match(/settled\s+yes, 0 delivered/);
    expect(shown).to.match(/sold \/ capacity\s+3 \/ 4/);
    expect((await compute.getWindow(credit2)).settled).to.equal(true);
  });
});
