import { expect } from "chai";
import { getAddress, JsonRpcProvider, Wallet } from "ethers";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { certificateId, DeviceKind, gridZone, meteredEnergyDomain, signReading } from "../../sdk/energy.js";
import { parseReadingsFile } from "../../sdk/readings.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  InvestorRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";
import { DEV_MNEMONIC, type LocalNode, PROJECT_ROOT, runHardhat, startLocalNode } from "../helpers/node.js";
import { attempt } from "../helpers/tasks.js";
import { readVaultPeriod } from "../../sdk/vault.js";

const HOUR = 3_600n;
const DAY = 86_400n;

/** The operator's command line against a real node: every call is a separate `npx hardhat` process over HTTP. */
describe("operator tasks on a local node", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let provider: JsonRpcProvider;
  let workDir: string;

  const record = (name: string) =>
    getAddress(
      (
        JSON.parse(readFileSync(join(PROJECT_ROOT, "deployments", "localhost", `${name}.json`), "utf8")) as {
          address: string;
        }
      ).address,
    );

  before(async function () {
    node = await startLocalNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    workDir = mkdtempSync(join(tmpdir(), "joulestack-tasks-"));
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("registers a device, meters it, turns its kWh into a retired REC and shows the vault", async function () {
    const meterKey = Wallet.createRandom();
    const env = { LOCALHOST_RPC_URL: node.url, METER_KEY: meterKey.privateKey };
    const task = (...args: string[]) => runHardhat([...args, "--network", "localhost"], env);
    await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], env);
    const operator = Wallet.fromPhrase(DEV_MNEMONIC).address;
    const registry = DeviceRegistry__factory.connect(record("DeviceRegistry"), provider);
    const energy = MeteredEnergy__factory.connect(record("MeteredEnergy"), provider);
    const certificates = RenewableCertificates__factory.connect(record("RenewableCertificates"), provider);

    // register: human units in, the new id and the same units out
    const registered = await task(
      "device",
      "register",
      "--kind",
      "solar",
      "--capacity",
      "1 MW",
      "--zone",
      "ERCOT-NORTH",
      "--signer",
      meterKey.address,
      "--commissioned",
      "30d-ago",
      "--metadata-uri",
      "ipfs://solar-farm",
    );
    expect(registered).to.match(/Device 1: solar, 1 MW in ERCOT-NORTH/);
    const device = await registry.getDevice(1n);
    expect(device.capacityW).to.equal(1_000_000n);
    expect(device.signer).to.equal(meterKey.address);
    expect(device.owner).to.equal(operator);

    // sign: four hourly readings 600 kWh apart, ending at noon yesterday so that all hours share one month
    const latest = await provider.getBlock("latest");
    const end = (BigInt(latest!.timestamp) / DAY) * DAY - 12n * HOUR;
    const file = join(workDir, "readings.json");
    const signed = await task(
      "readings",
      "sign",
      "1",
      "--key-env",
      "METER_KEY",
      "--count",
      "4",
      "--energy",
      "600 kWh",
      "--start-wh",
      "2 MWh",
      "--end",
      end.toString(),
      "--out",
      file,
    );
    expect(signed).to.match(/Signed 4 readings of device 1/);
    const readings = parseReadingsFile(readFileSync(file, "utf8"));
    expect(readings.meteredEnergy).to.equal(await energy.getAddress());
    expect(readings.readings.map((reading) => reading.cumulativeWh)).to.deep.equal([
      2_000_000n,
      2_600_000n,
      3_200_000n,
      3_800_000n,
    ]);

    // submit: the owner (the operator) starts metering with the first reading, the other three mint 1.8 MWh
    const submitted = await task("readings", "submit", file);
    expect(submitted).to.match(/^1\s+4\s+3\s+1\s+0\s+1\.8 MWh$/m);
    expect(await energy.mintedWh(1n)).to.equal(1_800_000n);
    expect(await energy.verifyReading(readings.readings[3], readings.readings[3].signature)).to.equal(meterKey.address);
    // a second submission of the same file sends nothing and mints nothing
    expect(await task("readings", "submit", file)).to.match(/^1\s+0\s+0\s+0\s+4\s+0 Wh$/m);
    expect(await energy.mintedWh(1n)).to.equal(1_800_000n);

    const shown = await task("device", "show", "1");
    expect(shown).to.match(/minted\s+1\.8 MWh/);
    expect(shown).to.match(/meter counter\s+3\.8 MWh/);
    expect(shown).to.match(/baseline \(not minted\)\s+2 MWh/);

    // request: every whole MWh of the month, oldest hours first; certify; retire it for a beneficiary
    const requested = await task("rec", "request", "1");
    expect(requested).to.match(/Issuance request 1: 1 MWh from 2 hourly batches/);
    const request = await certificates.getRequest(1n);
    expect(request.amountWh).to.equal(1_000_000n);
    expect(await task("rec", "certify", "1", "--evidence", "ipfs://audit-2026")).to.match(/Issued 1 REC\(s\)/);

    const date = new Date(Number(end) * 1000);
    const vintage = BigInt(date.getUTCFullYear() * 100 + date.getUTCMonth() + 1);
    const recId = certificateId(1n, vintage);
    expect(await certificates.balanceOf(operator, recId)).to.equal(1n);
    const retired = await task(
      "rec",
      "retire",
      `1:${vintage}`,
      "--energy",
      "1 MWh",
      "--beneficiary-name",
      "Acme AI",
      "--purpose",
      "Scope 2",
    );
    expect(retired).to.match(/Receipt 1: 1 MWh of /);
    expect(await certificates.balanceOf(operator, recId)).to.equal(0n);
    const [retirement] = await certificates.queryFilter(certificates.filters.CertificatesRetired(1n));
    expect(retirement.args.beneficiaryName).to.equal("Acme AI");
    expect((await certificates.certificateTotals(recId)).retired).to.equal(1n);

    const vault = await task("vault", "show");
    expect(vault).to.match(/: Funding/);
    expect(vault).to.match(/JSN-SR\s+8\.00%\s+600,000\.00 tUSD/);

    // a failed call prints the decoded custom error and exits non-zero; the vault still only takes revenue later
    const failed = await attempt(["vault", "deposit", "12.5", "--source", "compute", "--network", "localhost"], env);
    expect(failed.ok).to.equal(false);
    expect(failed.output).to.match(/exited 1/);
    expect(failed.output).to.include("reverted with TrancheVaultUnexpectedState(current=Funding)");
    expect(failed.output, "no hex revert data").to.not.match(/0x[0-9a-fA-F]{8,}/);
    const stablecoin = TestStablecoin__factory.connect(record("TestStablecoin"), provider);
    expect(await stablecoin.allowance(operator, record("TrancheVault")), "no approval was sent").to.equal(0n);
  });

  it("opens, commits to and settles a flexibility request, offers GPU-hours, and runs a vault period", async function () {
    const meterKey = Wallet.createRandom();
    const env = { LOCALHOST_RPC_URL: node.url, METER_KEY: meterKey.privateKey };
    const task = (...args: string[]) => runHardhat([...args, "--network", "localhost"], env);
    // Setup that is not under test goes straight to the contracts, signed by the deployer's key as a wallet would.
    const deployer = Wallet.fromPhrase(DEV_MNEMONIC, provider);
    const stablecoin = TestStablecoin__factory.connect(record("TestStablecoin"), deployer);
    const registry = DeviceRegistry__factory.connect(record("DeviceRegistry"), deployer);
    const market = FlexibilityMarket__factory.connect(record("FlexibilityMarket"), deployer);
    const compute = ComputeMarket__factory.connect(record("ComputeMarket"), deployer);
    const vault = TrancheVault__factory.connect(record("TrancheVault"), deployer);
    const usd = (whole: bigint) => whole * 10n ** 6n;
    const travel = async (seconds: bigint) => {
      await provider.send("evm_increaseTime", [Number(seconds)]);
      await provider.send("evm_mine", []);
    };
    await (await stablecoin.mint(deployer.address, usd(2_000_000n))).wait();
    await (
      await registry.registerDevice({
        kind: DeviceKind.Battery,
        capacityW: 500_000n,
        gridZone: gridZone("ERCOT-NORTH"),
        signer: meterKey.address,
        owner: deployer.address,
        commissionedAt: 0n,
        metadataURI: "",
      })
    ).wait();
    const battery = (await registry.deviceCount()).toString();

    // flexibility: 400 kW for one hour at 0.20 per kWh; the battery commits 300 kW and delivers 250 kWh
    const opened = await task(
      "flex",
      "open",
      "--zone",
      "ERCOT-NORTH",
      "--start",
      "+1h",
      "--hours",
      "1",
      "--capacity",
      "400 kW",
      "--price",
      "0.2",
      "--stake",
      "10%",
    );
    expect(opened).to.match(/Request 1: export 400 kW in ERCOT-NORTH/);
    expect(opened).to.match(/escrowed 80\.00 tUSD/);
    const committed = await task("flex", "commit", "1", "--device", battery, "--capacity", "300 kW");
    expect(committed).to.match(/Commitment 1: 300 kW, stake 6\.00 tUSD/);
    const request = await market.getRequest(1n);
    const proof = join(workDir, "flex.json");
    await task(
      "readings",
      "sign",
      battery,
      "--key-env",
      "METER_KEY",
      "--count",
      "2",
      "--energy",
      "250 kWh",
      "--start-wh",
      "5 MWh",
      "--end",
      request.windowEnd.toString(),
      "--out",
      proof,
    );
    const latest = await provider.getBlock("latest");
    await travel(request.windowEnd - BigInt(latest!.timestamp) + 60n);
    // The readings that prove delivery go through the kWh ledger first (the owner starts metering with the first).
    expect(await task("readings", "submit", proof)).to.match(/^\d+\s+2\s+1\s+1\s+0\s+250 kWh$/m);
    const before = await market.claimable(deployer.address);
    const settled = await task("flex", "settle", "1", "--readings", proof);
    // 250 of the 300 kWh cap: 50.00 paid, the stake slashed by 50/300 of 6.00 = 1.00
    expect(settled).to.match(/Delivered 250 kWh: paid 50\.00 tUSD, slashed 1\.00 tUSD, stake returned 5\.00 tUSD/);
    // the deployer is both sides: 50.00 + 5.00 as provider, 1.00 slashed + 30.00 unused escrow as buyer
    expect((await market.claimable(deployer.address)) - before).to.equal(usd(86n));

    // compute: a cluster paying the vault, and a window fully covered by its bond
    const registered = await task(
      "cluster",
      "register",
      "--gpu-class",
      "H100-SXM",
      "--gpus",
      "8",
      "--energy-per-gpu-hour",
      "700 Wh",
      "--zone",
      "ERCOT-NORTH",
    );
    expect(registered).to.match(/Cluster 1: 8 x H100-SXM in ERCOT-NORTH, 700 Wh per GPU-hour at most, 350 Wh at least/);
    expect((await compute.getCluster(1n)).minWhPerGpuHour).to.equal(350n);
    expect((await compute.getCluster(1n)).payout).to.equal(await vault.getAddress());
    const offered = await task(
      "cluster",
      "offer",
      "1",
      "--start",
      "+2h",
      "--hours",
      "10",
      "--price",
      "2.5",
      "--bond",
      "full",
    );
    expect(offered).to.match(/80 GPU-hours at 2\.50 tUSD each/);
    expect((await compute.getCluster(1n)).bondFree).to.equal(usd(200n));

    // the vault: fund every tranche, then pay revenue in with its source and distribute the first period
    const investors = InvestorRegistry__factory.connect(record("InvestorRegistry"), deployer);
    await (await investors.listInvestor(deployer.address, BigInt(latest!.timestamp) + 400n * 86_400n, 840)).wait();
    await (await stablecoin.approve(await vault.getAddress(), usd(1_000_000n))).wait();
    for (const [id, amount] of [
      [0n, 600_000n],
      [1n, 300_000n],
      [2n, 100_000n],
    ] as const) {
      await (await vault.subscribe(id, usd(amount))).wait();
    }
    await (await vault.closeFunding()).wait();
    // the raise goes to the project before the draw deadline (the end of period 1); no period is distributed before
    await (await vault.drawdown()).wait();
    const deposited = await task("vault", "deposit", "40000", "--source", "energy");
    expect(deposited).to.match(/Pending revenue for period 1: 40,000\.00 tUSD/);
    expect(await vault.openPeriodRevenue()).to.equal(usd(40_000n));
    await travel(31n * 86_400n);
    const distributed = await task("vault", "distribute");
    expect(distributed).to.match(/^1\s+40,000\.00 tUSD/m);
    expect(await vault.lastDistributedPeriod()).to.equal(1n);
    const recorded = await readVaultPeriod(provider, await vault.getAddress(), 1n);
    expect(recorded.report!.revenue).to.equal(usd(40_000n));
    expect(recorded.revenueBySource[1]).to.equal(usd(40_000n));
  });
  it("refuses to relay across an outage and lets the device's owner resume metering", async function () {
    const meterKey = Wallet.createRandom();
    const env = { LOCALHOST_RPC_URL: node.url, METER_KEY: meterKey.privateKey };
    const task = (...args: string[]) => runHardhat([...args, "--network", "localhost"], env);
    // Setup that is not under test goes straight to the contracts: a device whose owner (the operator) started
    // metering two hours ago and whose reading an hour later was relayed.
    const deployer = Wallet.fromPhrase(DEV_MNEMONIC, provider);
    const registry = DeviceRegistry__factory.connect(record("DeviceRegistry"), deployer);
    const energy = MeteredEnergy__factory.connect(record("MeteredEnergy"), deployer);
    await (
      await registry.registerDevice({
        kind: DeviceKind.Solar,
        capacityW: 1_000_000n,
        gridZone: gridZone("ERCOT-NORTH"),
        signer: meterKey.address,
        owner: deployer.address,
        commissionedAt: 0n,
        metadataURI: "",
      })
    ).wait();
    const deviceId = await registry.deviceCount();
    const latest = BigInt((await provider.getBlock("latest"))!.timestamp);
    const t0 = (latest / HOUR) * HOUR - 6n * HOUR;
    const domain = await meteredEnergyDomain(await energy.getAddress(), provider);
    const baseline = { deviceId, cumulativeWh: 1_000_000n, timestamp: t0 };
    await (await energy.resumeMetering(baseline, await signReading(meterKey, domain, baseline))).wait();
    const next = { deviceId, cumulativeWh: 1_500_000n, timestamp: t0 + HOUR };
    await (await energy.submitReading(next, await signReading(meterKey, domain, next))).wait();

    // The meter was offline: its next readings are at t0 + 3 h and t0 + 4 h, so the first crosses an hour boundary.
    const later = join(workDir, "later.json");
    await task(
      "readings",
      "sign",
      deviceId.toString(),
      "--key-env",
      "METER_KEY",
      "--count",
      "2",
      "--energy",
      "100 kWh",
      "--start-wh",
      "1.7 MWh",
      "--end",
      (t0 + 4n * HOUR).toString(),
      "--out",
      later,
    );
    const refused = await attempt(["readings", "submit", later, "--network", "localhost"], env);
    expect(refused.ok).to.equal(false);
    expect(refused.output).to.include("crosses the hour boundary");
    expect(refused.output).to.include("readings resume");
    expect((await energy.meterState(deviceId)).timestamp).to.equal(t0 + HOUR);

    // The owner resumes from the first reading after the outage: the 200 kWh over the gap are reported, not minted.
    expect(await task("readings", "resume", later)).to.match(
      new RegExp(`^${deviceId}\\s+resumed\\s+.+\\s+200 kWh$`, "m"),
    );
    expect(await task("readings", "submit", later)).to.match(
      new RegExp(`^${deviceId}\\s+1\\s+1\\s+0\\s+1\\s+100 kWh$`, "m"),
    );
    expect(await energy.mintedWh(deviceId)).to.equal(600_000n);
    expect((await energy.meterState(deviceId)).baselineWh).to.equal(1_200_000n);

    // Without --end, signing continues from the device's on-chain state: the next reading is on the next hour boundary
    // and adds one step, so a relayer can submit it straight away.
    const next2 = join(workDir, "next.json");
    await task(
      "readings",
      "sign",
      deviceId.toString(),
      "--key-env",
      "METER_KEY",
      "--count",
      "1",
      "--energy",
      "50 kWh",
      "--out",
      next2,
    );
    const continued = parseReadingsFile(readFileSync(next2, "utf8")).readings;
    expect(continued.map((reading) => [reading.timestamp, reading.cumulativeWh])).to.deep.equal([
      [t0 + 5n * HOUR, 1_850_000n],
    ]);
    await task("readings", "submit", next2);
    expect(await energy.mintedWh(deviceId)).to.equal(650_000n);
  });
});
