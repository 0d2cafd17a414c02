import { artifacts, deployScript } from "../rocketh/deploy.js";

/**
 * The compute market on top of the stablecoin, the kWh token and the REC token. It has no admin: providers register
 * their own clusters, so the deployer needs no role.
 */
export default deployScript(
  async ({ deploy, get, namedAccounts }) => {
    const { deployer } = namedAccounts;
    await deploy("ComputeMarket", {
      account: deployer,
      artifact: artifacts.ComputeMarket,
      args: [get("TestStablecoin").address, get("MeteredEnergy").address, get("RenewableCertificates").address, ""],
    });
  },
  { tags: ["ComputeMarket", "compute"], dependencies: ["stablecoin", "energy", "certificates"] },
);
