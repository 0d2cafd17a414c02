import "dotenv/config";

import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatDeploy from "hardhat-deploy";
import { configVariable, defineConfig } from "hardhat/config";

import { publicNetworks } from "./config/networks.js";
import knownWarnings from "./config/plugins/known-warnings.js";
import { tasks } from "./tasks/index.js";

// The compiler comes from the `solc` npm package, so compiling never downloads anything.
const require = createRequire(import.meta.url);
const SOLC_VERSION: string = require("solc/package.json").version;
const SOLC_PATH = require.resolve("solc/soljson.js");

// Pinned so that bytecode is identical on every chain we target (all of them support Cancun).
const EVM_VERSION = "cancun";
// The markets sit close to the 24,576-byte code limit (EIP-170): fewer optimizer runs keep them under it, in the
// production profile too (at 10,000 runs the flexibility market would be 26,520 bytes).
const compilerWithRuns = (runs: number) => ({
  version: SOLC_VERSION,
  path: SOLC_PATH,
  settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs } },
});

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatDeploy, knownWarnings],
  tasks,
  solidity: {
    profiles: {
      default: {
        compilers: [compilerWithRuns(200)],
        overrides: { "contracts/compute/ComputeMarket.sol": compilerWithRuns(50) },
      },
      // `npm run mutation` only: no optimizer, so each mutant compiles faster; its bytecode size is not checked.
      mutation: {
        compilers: [{ version: SOLC_VERSION, path: SOLC_PATH, settings: { evmVersion: EVM_VERSION } }],
      },
      production: {
        compilers: [compilerWithRuns(10_000)],
        overrides: {
          "contracts/compute/ComputeMarket.sol": compilerWithRuns(50),
          "contracts/flexibility/FlexibilityMarket.sol": compilerWithRuns(200),
        },
      },
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "test" },
  },
  typechain: {
    outDir: "typechain-types",
  },
  test: {
    solidity: {
      // `default` runs in `npm test` and CI; `deep` on demand: `npm run test:deep`.
      profiles: {
        default: {
          fuzz: { runs: 256 },
          invariant: { runs: 64, depth: 32, failOnRevert: false },
        },
        deep: {
          fuzz: { runs: 10_000 },
          invariant: { runs: 1_000, depth: 128, failOnRevert: false },
        },
      },
    },
  },
  networks: {
    hardhat: { type: "edr-simulated", chainType: "l1" },
    // `npm run node`; LOCALHOST_RPC_URL points it at another local node (the integration tests use a free port).
    localhost: { type: "http", chainType: "l1", url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    ...publicNetworks(),
  },
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
});
