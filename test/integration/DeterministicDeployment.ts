import { expect } from "chai";
import { JsonRpcProvider, getCreate2Address, keccak256 } from "ethers";
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SUITE_SALT } from "../../rocketh/deploy.js";
import { PROJECT_ROOT, type LocalNode, runHardhat, startLocalNode } from "../helpers/node.js";

/** The deterministic-deployment proxy every CREATE2 deployment of the suite goes through. */
const FACTORY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";
/** Contracts deployed through the factory. The example vault is per chain: its terms include a date. */
const DETERMINISTIC = [
  "TestStablecoin",
  "DeviceRegistry",
  "MeteredEnergy",
  "RenewableCertificates",
  "FlexibilityMarket",
  "ComputeMarket",
  "InvestorRegistry",
];
const DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

interface DeploymentRecord {
  address: string;
  bytecode: string;
  argsData: string;
}

const folder = join(PROJECT_ROOT, "deployments", "localhost");
const records = (): Record<string, DeploymentRecord> =>
  Object.fromEntries(
    readdirSync(folder)
      .filter((file) => file.endsWith(".json"))
      .map((file) => [file.slice(0, -".json".length), JSON.parse(readFileSync(join(folder, file), "utf8"))]),
  );

/** `npm run deploy` on two local nodes with different chain ids, as an operator deploys to two chains. */
describe("deploying the same suite to two chains", function () {
  this.timeout(300_000);
  const nodes: LocalNode[] = [];
  // The test writes deployments/localhost for two chains in turn; an operator's own records are put back after.
  const backup = join(tmpdir(), `joulestack-localhost-deployments-${process.pid}`);

  before(function () {
    if (existsSync(folder)) cpSync(folder, backup, { recursive: true });
  });

  after(async function () {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(folder, { recursive: true, force: true });
    if (existsSync(backup)) {
      cpSync(backup, folder, { recursive: true });
      rmSync(backup, { recursive: true, force: true });
    }
  });

  it("lands every deterministic contract at the same address, and a rerun sends nothing", async function () {
    const deployTo = async (node: LocalNode) => {
      const output = await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], {
        LOCALHOST_RPC_URL: node.url,
      });
      return { output, records: records() };
    };
    const [first, second] = await Promise.all([
      startLocalNode(60_000, { chainId: 31337 }),
      startLocalNode(60_000, { chainId: 4242 }),
    ]);
    nodes.push(first, second);
    const providers = [first, second].map(
      (node) => new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 }),
    );
    try {
      expect((await providers[0].getNetwork()).chainId).to.equal(31337n);
      expect((await providers[1].getNetwork()).chainId).to.equal(4242n);
      // Fresh nodes have no factory: the deployment sends the factory's pre-signed transaction first.
      expect(await providers[0].getCode(FACTORY)).to.equal("0x");

      rmSync(folder, { recursive: true, force: true });
      const onFirst = await deployTo(first);
      expect(onFirst.output).to.match(/Deploying TestStablecoin \(deterministically\)/);
      // Records of one chain cannot be loaded for another chain id.
      rmSync(folder, { recursive: true, force: true });
      const onSecond = await deployTo(second);

      for (const name of DETERMINISTIC) {
        const record = onFirst.records[name];
        expect(record, `${name} is recorded`).to.not.equal(undefined);
        expect(onSecond.records[name].address, `${name} on both chains`).to.equal(record.address);
        // The address follows from the factory, the salt and the init code alone (bytecode and arguments).
        const initCode = record.bytecode + record.argsData.slice(2);
        expect(getCreate2Address(FACTORY, SUITE_SALT, keccak256(initCode)), `${name} is a CREATE2 address`).to.equal(
          record.address,
        );
        for (const provider of providers) {
          expect((await provider.getCode(record.address)).length, `${name} has code`).to.be.greaterThan(2);
        }
      }
      // The constructor arguments name only suite contracts and the deployer: no chain id, time or URL.
      expect(onFirst.records.MeteredEnergy.argsData).to.equal(onSecond.records.MeteredEnergy.argsData);
      expect(onFirst.records.MeteredEnergy.argsData.toLowerCase()).to.include(DEPLOYER.slice(2).toLowerCase());

      // A second run on the same chain finds every contract in place and sends no transaction.
      const nonce = await providers[1].getTransactionCount(DEPLOYER);
      const rerun = await deployTo(second);
      expect(rerun.output).to.not.match(/Deploying/);
      expect(await providers[1].getTransactionCount(DEPLOYER), "no transaction on a rerun").to.equal(nonce);
      for (const name of DETERMINISTIC) {
        expect(rerun.records[name].address).to.equal(onSecond.records[name].address);
      }
    } finally {
      for (const provider of providers) provider.destroy();
    }
  });
});
