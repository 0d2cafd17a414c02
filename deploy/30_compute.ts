import { artifacts, deployScript, saltOf } from "../rocketh/deploy.js";

/**
 * The compute market on top of the stablecoin, the kWh token and the REC token. It has no admin: providers register
 * their own clusters, so the deployer needs no role. Deployed deterministically, like the flexibility market.
 */
export default deployScript(
  async ({ deploy, get, namedAccounts, extra }) => {
    const { deployer } = namedAccounts;
    await deploy(
      "ComputeMarket",
      {
        account: deployer,
        artifact: artifacts.ComputeMarket,
        args: [get("Stablecoin").address, get("MeteredEnergy").address, get("RenewableCertificates").address],
      },
      { deterministic: saltOf(extra) },
    );
  },
  { tags: ["ComputeMarket", "compute"], dependencies: ["stablecoin", "energy", "certificates"] },
);
