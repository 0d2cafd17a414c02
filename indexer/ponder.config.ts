import { createConfig } from "ponder";

import { pgliteDirectory, readSetup } from "./lib/setup.js";
import type { ContractName, Setup } from "./src/setup-types";

// Chains, addresses, start blocks and ABIs come from JOULESTACK_CHAINS, the deployment records and the compiled
// artifacts (see lib/setup.js); `bin/run.js` checks them against the RPCs before Ponder starts.
const setup: Setup = readSetup(process.env);

const contract = (name: ContractName) => ({
  abi: setup.abis[name],
  chain: Object.fromEntries(
    setup.chains
      .filter((chain) => chain.contracts[name] !== undefined)
      .map((chain) => [
        chain.name,
        { address: chain.contracts[name]!.address, startBlock: chain.contracts[name]!.startBlock },
      ]),
  ),
});

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: pgliteDirectory(process.env) },
  // Every link joins contracts of one chain, so each chain is indexed on its own clock.
  ordering: "multichain",
  chains: Object.fromEntries(
    setup.chains.map((chain) => [
      chain.name,
      {
        id: chain.chainId,
        rpc: chain.rpcUrl,
        // A local node restarts as a new chain under the same id: never answer from a cache of an older one.
        disableCache: chain.local,
        pollingInterval: chain.local ? 250 : 1_000,
      },
    ]),
  ),
  contracts: {
    DeviceRegistry: contract("DeviceRegistry"),
    MeteredEnergy: contract("MeteredEnergy"),
    RenewableCertificates: contract("RenewableCertificates"),
    FlexibilityMarket: contract("FlexibilityMarket"),
    ComputeMarket: contract("ComputeMarket"),
    InvestorRegistry: contract("InvestorRegistry"),
    TrancheVault: contract("TrancheVault"),
    ...(setup.chains.some((chain) => chain.contracts.TestStablecoin)
      ? { TestStablecoin: contract("TestStablecoin") }
      : {}),
    TrancheNote: {
      abi: setup.abis.TrancheNote,
      chain: Object.fromEntries(
        setup.chains.map((chain) => [
          chain.name,
          { address: chain.notes, startBlock: chain.contracts.TrancheVault!.startBlock },
        ]),
      ),
    },
  },
});
