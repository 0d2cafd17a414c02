import { expect } from "chai";
import { getAddress, JsonRpcProvider, Wallet } from "ethers";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { certificateId } from "../../sdk/energy.js";
import { parseReadingsFile } from "../../sdk/readings.js";
import {
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
} from "../../typechain-types/index.js";
import { DEV_MNEMONIC, type LocalNode, PROJECT_ROOT, runHardhat, startLocalNode } from "../helpers/node.js";

const HOUR = 3_600n;
const DAY = 86_400n;

/** Runs a task and returns its output and exit status instead of throwing, so failures can be inspected. */
async function attempt(args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
  try {
    return { ok: true, output: await runHardhat(args, env) };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

/** The operator's command line against a real node: every call is a separate `npx hardhat` process over HTTP. */
describe("operator tasks on a local node", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let provider: JsonRpcProvider;
  let workDir: string;

  before(async function () {
    node = await startLocalNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
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
    const record = (name: string) =>
      getAddress(
        (
          JSON.parse(readFileSync(join(PROJECT_ROOT, "deployments", "localhost", `${name}.json`), "utf8")) as {
            address: string;
          }
        ).address,
      );
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
    expect(await energy.verifyReading(readings.readings[3], readings.readings[3].signature)).to.equal(meterKey.address);

    // submit: the first reading sets the baseline, the other three mint 1.8 MWh to the owner
    const submitted = await task("readings", "submit", file);
    expect(submitted).to.match(/^1\s+4\s+3\s+1\s+0\s+1\.8 MWh$/m);
    expect(await energy.mintedWh(1n)).to.equal(1_800_000n);
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
    const receipt = await certificates.getReceipt(1n);
    expect(receipt.beneficiaryName).to.equal("Acme AI");
    expect((await certificates.certificateTotals(recId)).retired).to.equal(1n);

    const vault = await task("vault", "show");
    expect(vault).to.match(/: Funding/);
    expect(vault).to.match(/JSN-SR\s+8\.00%\s+600,000\.00 tUSD/);

    // a failed call prints the decoded custom error and exits non-zero; the vault still only takes revenue later
    const failed = await attempt(["vault", "deposit", "12.5", "--source", "compute", "--network", "localhost"], env);
    expect(failed.ok).to.equal(false);
    expect(failed.output).to.match(/exited 1/);
    expect(failed.output).to.include("reverted with TrancheVaultUnexpectedState(current=0)");
    expect(failed.output, "no hex revert data").to.not.match(/0x[0-9a-fA-F]{8,}/);
    const stablecoin = TestStablecoin__factory.connect(record("TestStablecoin"), provider);
    expect(await stablecoin.allowance(operator, record("TrancheVault")), "no approval was sent").to.equal(0n);
  });
});
