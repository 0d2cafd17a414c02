import { keccak256, toUtf8Bytes } from "ethers";

import { artifacts, deployScript, saltOf } from "../rocketh/deploy.js";

const roleOf = (name: string) => keccak256(toUtf8Bytes(name)) as `0x${string}`;

/**
 * The energy ground floor: the device registry and the metered kWh token. The deployer keeps the admin role and is
 * made registrar and pauser when the contracts are deployed, so that tests and the demo can register devices and
 * grant the roles onwards. Both are deployed deterministically (same address on every chain).
 */
export default deployScript(
  async ({ deploy, execute, namedAccounts, extra }) => {
    const { deployer } = namedAccounts;

    const registry = await deploy(
      "DeviceRegistry",
      { account: deployer, artifact: artifacts.DeviceRegistry, args: [deployer] },
      { deterministic: saltOf(extra) },
    );
    const energy = await deploy(
      "MeteredEnergy",
      { account: deployer, artifact: artifacts.MeteredEnergy, args: [registry.address, deployer] },
      { deterministic: saltOf(extra) },
    );

    // Roles are granted only to a contract deployed in this run: a rerun must not re-grant a role an operator
    // renounced since, nor send a grant that changes nothing.
    if (registry.newlyDeployed) {
      await execute(registry, {
        account: deployer,
        functionName: "grantRole",
        args: [roleOf("REGISTRAR_ROLE"), deployer],
      });
    }
    if (energy.newlyDeployed) {
      await execute(energy, { account: deployer, functionName: "grantRole", args: [roleOf("PAUSER_ROLE"), deployer] });
    }
  },
  { tags: ["DeviceRegistry", "MeteredEnergy", "energy"] },
);
