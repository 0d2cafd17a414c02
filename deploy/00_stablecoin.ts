import { artifacts, deployScript } from "../rocketh/deploy.js";

/** The test stablecoin (6 decimals, EIP-2612) that local chains and testnets settle in. */
export default deployScript(
  async ({ deploy, namedAccounts }) => {
    const { deployer } = namedAccounts;
    await deploy("TestStablecoin", {
      account: deployer,
      artifact: artifacts.TestStablecoin,
      args: [deployer],
    });
  },
  { tags: ["TestStablecoin", "stablecoin"] },
);
