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

/**
 * The salt a deploy run uses: {@link SUITE_SALT}, unless the run is given another as `extra.salt`. Test fixtures do,
 * so that each deploys a fresh suite on an in-process chain where an earlier fixture already deployed one (the same
 * salt would find the earlier contracts, with their state, at the same addresses).
 */
export function saltOf(extra: Record<string, unknown> | undefined): `0x${string}` {
  const salt = extra?.salt;
  if (salt === undefined) return SUITE_SALT;
  if (typeof salt !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(salt)) {
    throw new Error(`extra.salt must be 32 bytes of hex, got ${String(salt)}`);
  }
  return salt as `0x${string}`;
}
