import { keccak256, toUtf8Bytes } from "ethers";

import { artifacts, deployScript, saltOf } from "../rocketh/deploy.js";

/**
 * The REC token on top of the kWh token, deployed deterministically. The deployer is made issuer and pauser so it can
 * hand both roles onwards.
 */
export default deployScript(
  async ({ deploy, execute, get, namedAccounts, extra }) => {
    const { deployer } = namedAccounts;
    const energy = get("MeteredEnergy");

    const certificates = await deploy(
      "RenewableCertificates",
      { account: deployer, artifact: artifacts.RenewableCertificates, args: [energy.address, deployer] },
      { deterministic: saltOf(extra) },
    );
    // Only a contract deployed in this run gets its roles: a rerun never re-grants a role an operator renounced.
    for (const role of certificates.newlyDeployed ? ["ISSUER_ROLE", "PAUSER_ROLE"] : []) {
      await execute(certificates, {
        account: deployer,
        functionName: "grantRole",
        args: [keccak256(toUtf8Bytes(role)) as `0x${string}`, deployer],
      });
    }
  },
  { tags: ["RenewableCertificates", "certificates"], dependencies: ["energy"] },
);
