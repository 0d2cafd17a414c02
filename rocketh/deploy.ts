import { encodeBytes32String } from "ethers";
import { setupDeployScripts } from "rocketh";

import * as artifacts from "../generated/artifacts/index.js";
import { type Accounts, type Data, type Extensions, extensions } from "./config.js";

export { artifacts };
export const { deployScript } = setupDeployScripts<Extensions, Accounts, Data>(extensions);

/**
 * The CREATE2 salt of every suite contract. Deployed with `{ deterministic: SUITE_SALT }`, a contract lands at
 * `keccak256(0xff ++ factory ++ SUITE_SALT ++ keccak256(initcode))[12:]` through the deterministic-deployment proxy
 * 0x4e59b44847b379578588920ca78fbf26c0b4956c (sent first on a chain that lacks it): the same address on every chain,
 * as long as the bytecode and the constructor arguments (other suite contracts and the deployer) are the same.
 */
export const SUITE_SALT = encodeBytes32String("Joulestack suite v1") as `0x${string}`;
