import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider } from "ethers";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import {
  BaselineERC20__factory,
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  RenewableCertificates__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";
import { DEV_MNEMONIC, PROJECT_ROOT, type LocalNode, runHardhat, startLocalNode } from "../helpers/node.js";

/** `npm run deploy -- --network localhost` against a real node process, as an operator runs it. */
describe("deploying to a local node over HTTP", function () {
  this.timeout(180_000);
  let node: LocalNode;

  before(async function () {
    node = await startLocalNode();
  });

  after(async function () {
    await node?.stop();
  });

  it("deploys without a prompt, records the deployment, and sends nothing on a second run", async function () {
    const env = { LOCALHOST_RPC_URL: node.url };
    const first = await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], env);
    expect(first).to.match(/Deploying TestStablecoin/);

    const record = join(PROJECT_ROOT, "deployments", "localhost", "TestStablecoin.json");
    expect(existsSync(record), `${record} is written`).to.equal(true);
    const { address, transaction } = JSON.parse(readFileSync(record, "utf8"));

    const code = await fetch(node.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getCode", params: [address, "latest"] }),
    }).then((response) => response.json() as Promise<{ result: string }>);
    expect(code.result.length, "contract code at the recorded address").to.be.greaterThan(2);

    // The operator renounces roles the deployment granted; a redeployment must neither re-grant them nor send any
    // transaction at all (it used to resend every grantRole).
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const deployer = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0").connect(provider);
    const recorded = (name: string) =>
      (
        JSON.parse(readFileSync(join(PROJECT_ROOT, "deployments", "localhost", `${name}.json`), "utf8")) as {
          address: string;
        }
      ).address;
    const registry = DeviceRegistry__factory.connect(recorded("DeviceRegistry"), deployer);
    const certificates = RenewableCertificates__factory.connect(recorded("RenewableCertificates"), deployer);
    const flexibility = FlexibilityMarket__factory.connect(recorded("FlexibilityMarket"), deployer);
    const renounced = [
      [registry, await registry.REGISTRAR_ROLE()],
      [certificates, await certificates.ISSUER_ROLE()],
      [flexibility, await flexibility.BUYER_ROLE()],
    ] as const;
    for (const [contract, role] of renounced) {
      expect(await contract.hasRole(role, deployer.address), "granted by the first run").to.equal(true);
      await (await contract.renounceRole(role, deployer.address)).wait();
    }
    const nonce = await provider.getTransactionCount(deployer.address);

    const second = await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], env);
    expect(second).to.not.match(/Deploying/);
    expect(await provider.getTransactionCount(deployer.address), "no transaction on a rerun").to.equal(nonce);
    for (const [contract, role] of renounced) {
      expect(await contract.hasRole(role, deployer.address), "still renounced").to.equal(false);
    }
    provider.destroy();
    const again = JSON.parse(readFileSync(record, "utf8"));
    expect(again.address).to.equal(address);
    expect(again.transaction.hash, "the same deployment transaction").to.equal(transaction.hash);
  });

  it("settles in an existing stablecoin when STABLECOIN_ADDRESS names one", async function () {
    const other = await startLocalNode();
    try {
      const provider = new JsonRpcProvider(other.url, undefined, { cacheTimeout: -1 });
      const deployer = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0").connect(provider);
      const usdc = await new BaselineERC20__factory(deployer).deploy();
      await usdc.waitForDeployment();
      const env = { LOCALHOST_RPC_URL: other.url, STABLECOIN_ADDRESS: await usdc.getAddress() };

      const missing = { ...env, STABLECOIN_ADDRESS: "0x000000000000000000000000000000000000dEaD" };
      const refused = await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], missing).then(
        () => "deployed",
        (error: Error) => error.message,
      );
      expect(refused).to.match(
        /STABLECOIN_ADDRESS 0x000000000000000000000000000000000000dEaD has no contract on this network/,
      );

      const output = await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], env);
      expect(output).to.not.match(/Deploying TestStablecoin/);
      const record = (name: string) =>
        JSON.parse(readFileSync(join(PROJECT_ROOT, "deployments", "localhost", `${name}.json`), "utf8"));
      expect(record("Stablecoin").address).to.equal(await usdc.getAddress());
      const vault = TrancheVault__factory.connect(record("TrancheVault").address, provider);
      expect(await vault.revenueAsset()).to.equal(await usdc.getAddress());
      provider.destroy();
    } finally {
      await other.stop();
    }
  });
});
