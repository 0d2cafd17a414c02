import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DEV_MNEMONIC, PROJECT_ROOT, type LocalNode, runHardhat, startLocalNode } from "../helpers/node.js";

/**
 * The version the project itself installed. The integrator's install may reach the registry (`--prefer-offline`):
 * `npm ci` caches tarballs but not the registry metadata an `--offline` resolution needs, so a new machine with an
 * empty cache could not resolve these offline.
 */
const version = (name: string): string =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", name, "package.json"), "utf8")).version;

/**
 * The README's address-book example for integrators, exactly as written there: the first TypeScript block of the
 * "For integrators" section that calls `getDeployment`.
 */
function readmeExample(): string {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## For integrators"));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
  const example = blocks.find((block) => block.includes("getDeployment("));
  if (example === undefined) throw new Error("README.md's For integrators section has no getDeployment example");
  return example;
}

/** The viem an integrator would pick; the project itself does not depend on it. */
const VIEM_VERSION = "2.57.20";

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" },
  });

/**
 * An integrator's view: `npm pack` the project, install the tarball into a fresh project, type-check code that
 * imports it, and call a suite deployed on a running node with a plain private key.
 */
describe("the packed package, as an integrator uses it (ESM, CommonJS and viem)", function () {
  this.timeout(600_000);
  let node: LocalNode;
  let workspace: string;

  before(async function () {
    workspace = mkdtempSync(join(tmpdir(), "joulestack-integrator-"));
    node = await startLocalNode();
    await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], { LOCALHOST_RPC_URL: node.url });
    // The packed address book also holds this node's deployment, so the README's example can find it by chain id.
    execFileSync(process.execPath, ["scripts/package/write-address-book.js", "--network", "localhost"], {
      cwd: PROJECT_ROOT,
    });
  });

  after(async function () {
    // Back to the published networks only.
    execFileSync(process.execPath, ["scripts/package/write-address-book.js"], { cwd: PROJECT_ROOT });
    await node?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it("installs, type-checks and talks to a deployed suite", async function () {
    npm(["pack", "--silent", "--pack-destination", workspace], PROJECT_ROOT);
    const tarball = readdirSync(workspace).find((file) => file.endsWith(".tgz"));
    expect(tarball, "npm pack produced a tarball").to.be.a("string");

    const app = join(workspace, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "integrator-app", private: true, type: "module" }));
    npm(
      [
        "install",
        "--prefer-offline",
        "--no-save",
        join(workspace, tarball!),
        `ethers@${version("ethers")}`,
        `typescript@${version("typescript")}`,
        `@types/node@${version("@types/node")}`,
        `viem@${VIEM_VERSION}`,
      ],
      app,
    );

    const installed = JSON.parse(readFileSync(join(app, "node_modules", "joulestack", "package.json"), "utf8"));
    const packedFiles = execFileSync("find", ["node_modules/joulestack", "-type", "f"], { cwd: app, encoding: "utf8" });
    expect(installed.name).to.equal("joulestack");
    expect(packedFiles, "test-only contracts are not published").to.not.match(/mocks|Baseline/);
    expect(installed.scripts ?? {}, "installing the package runs no script of ours").to.not.have.any.keys(
      "preinstall",
      "install",
      "postinstall",
    );

    const record = JSON.parse(
      readFileSync(join(PROJECT_ROOT, "deployments", "localhost", "TestStablecoin.json"), "utf8"),
    );
    writeFileSync(
      join(app, "main.ts"),
      `import { HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import { TestStablecoin__factory, formatAmount, parseAmount, describeError } from "joulestack";
import stablecoinAbi from "joulestack/abis/TestStablecoin.json" with { type: "json" };

const provider = new JsonRpcProvider(process.env.RPC_URL);
const deployer = HDNodeWallet.fromPhrase(${JSON.stringify(DEV_MNEMONIC)}, undefined, "m/44'/60'/0'/0/0").connect(provider);
const stranger = Wallet.createRandom().connect(provider);
const stablecoin = TestStablecoin__factory.connect(process.env.STABLECOIN!, deployer);
const decimals = Number(await stablecoin.decimals());
await (await stablecoin.mint(stranger.address, parseAmount("12.5", decimals))).wait();
const balance: bigint = await stablecoin.balanceOf(stranger.address);
let failure = "";
try {
  await stablecoin.connect(stranger).mint.staticCall(stranger.address, 1n);
} catch (error) {
  failure = describeError(error, [stablecoinAbi]);
}
console.log(JSON.stringify({ symbol: await stablecoin.symbol(), balance: formatAmount(balance, decimals), failure }));
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          resolveJsonModule: true,
          allowImportingTsExtensions: true,
        },
        include: ["main.ts", "viem.ts", "readme.ts"],
      }),
    );
    writeFileSync(
      join(app, "viem.ts"),
      `import { createPublicClient, http, type Address } from "viem";
import { testStablecoinAbi } from "joulestack/abis";

const client = createPublicClient({ transport: http(process.env.RPC_URL) });
const address = process.env.STABLECOIN as Address;
const decimals: number = await client.readContract({ address, abi: testStablecoinAbi, functionName: "decimals" });
const symbol: string = await client.readContract({ address, abi: testStablecoinAbi, functionName: "symbol" });
// The ABI is a literal type: a function it does not have is a compile error (checked by tsc, never called).
export const mistake = () =>
  // @ts-expect-error "mintEverything" is not a function of TestStablecoin
  client.readContract({ address, abi: testStablecoinAbi, functionName: "mintEverything" });
console.log(JSON.stringify({ symbol, decimals }));
`,
    );
    writeFileSync(join(app, "readme.ts"), readmeExample());
    execFileSync(join(app, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: app, encoding: "utf8" });

    // The README's example, as written: finds the suite by chain id in the packed address book and reads it.
    const deployedBlock = Number(
      BigInt(
        JSON.parse(readFileSync(join(PROJECT_ROOT, "deployments", "localhost", "MeteredEnergy.json"), "utf8")).receipt
          .blockNumber,
      ),
    );
    const fromReadme = execFileSync(process.execPath, ["readme.ts"], {
      cwd: app,
      encoding: "utf8",
      env: { ...process.env, RPC_URL: node.url },
    });
    expect(fromReadme).to.include("chains with a Joulestack deployment: 31337");
    expect(fromReadme).to.include(`Joulestack on localhost, MeteredEnergy since block ${deployedBlock}`);
    expect(fromReadme).to.include("0 device(s); device 1 minted 0 Wh; vault state 0");
    const book = JSON.parse(
      readFileSync(join(app, "node_modules", "joulestack", "address-book", "31337.json"), "utf8"),
    );
    expect(book.contracts.MeteredEnergy.abi).to.equal("MeteredEnergy");
    expect(JSON.stringify(book).length, "an address book entry is small, not a build artifact").to.be.below(4_000);

    const output = execFileSync(process.execPath, ["main.ts"], {
      cwd: app,
      encoding: "utf8",
      env: { ...process.env, RPC_URL: node.url, STABLECOIN: record.address },
    });
    const result = JSON.parse(output.trim().split("\n").pop()!);
    expect(result.symbol).to.equal("tUSD");
    expect(result.balance).to.equal("12.50");
    expect(result.failure).to.match(/^reverted with OwnableUnauthorizedAccount\(account=0x[0-9a-fA-F]{40}\)$/);

    const env = { ...process.env, RPC_URL: node.url, STABLECOIN: record.address };
    const lastJson = (output: string) => JSON.parse(output.trim().split("\n").pop()!);
    const viaViem = lastJson(execFileSync(process.execPath, ["viem.ts"], { cwd: app, encoding: "utf8", env }));
    expect(viaViem).to.deep.equal({ symbol: "tUSD", decimals: 6 });

    writeFileSync(
      join(app, "consumer.cjs"),
      `const { TestStablecoin__factory, formatAmount } = require("joulestack");
const { testStablecoinAbi } = require("joulestack/abis");
const { JsonRpcProvider } = require("ethers");

(async () => {
  const provider = new JsonRpcProvider(process.env.RPC_URL);
  const stablecoin = TestStablecoin__factory.connect(process.env.STABLECOIN, provider);
  const supply = await stablecoin.totalSupply();
  const symbolFunction = testStablecoinAbi.find((item) => item.type === "function" && item.name === "symbol");
  console.log(JSON.stringify({ symbol: await stablecoin.symbol(), supply: formatAmount(supply, 6), abi: !!symbolFunction }));
  provider.destroy();
})();
`,
    );
    const viaRequire = lastJson(execFileSync(process.execPath, ["consumer.cjs"], { cwd: app, encoding: "utf8", env }));
    expect(viaRequire.symbol).to.equal("tUSD");
    expect(viaRequire.abi, "the ABI constants load through require()").to.equal(true);
    expect(viaRequire.supply, "CommonJS and ESM consumers read the same chain").to.match(/^[0-9,]+\.[0-9]{2,}$/);
  });
});
