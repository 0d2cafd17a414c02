import { keccak256, toUtf8Bytes } from "ethers";

import { artifacts, deployScript, saltOf } from "../rocketh/deploy.js";

const roleOf = (name: string) => keccak256(toUtf8Bytes(name)) as `0x${string}`;

/**
 * The flexibility market, settling in the stablecoin and proving delivery with the metered-energy readings. The
 * deployer keeps the admin role and is made buyer and verifier, so that tests and the demo can grant them onwards.
 * Deployed deterministically: the same address on every chain that settles in the suite's own test stablecoin.
 */
export default deployScript(
  async ({ deploy, execute, get, namedAccounts, extra }) => {
    const { deployer } = namedAccounts;
    const market = await deploy(
      "FlexibilityMarket",
      {
        account: deployer,
        artifact: artifacts.FlexibilityMarket,
        args: [get("Stablecoin").address, get("MeteredEnergy").address, deployer],
      },
      { deterministic: saltOf(extra) },
    );
    // Only a contract deployed in this run gets its roles: a rerun never re-grants a role an operator renounced.
    for (const role of market.newlyDeployed ? ["BUYER_ROLE", "VERIFIER_ROLE"] : []) {
      await execute(market, { account: deployer, functionName: "grantRole", args: [roleOf(role), deployer] });
    }
  },
  { tags: ["FlexibilityMarket", "flexibility"], dependencies: ["stablecoin", "energy"] },
);
