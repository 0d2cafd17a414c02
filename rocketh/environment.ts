import { setupEnvironmentFromFiles } from "@rocketh/node";
import { setupHardhatDeploy } from "hardhat-deploy/helpers";

import { type Accounts, type Data, type Extensions, extensions } from "./config.js";

/** Runs the `deploy/` scripts against a connection, for tests, the demo and scripts. */
export const { loadAndExecuteDeploymentsFromFiles } = setupEnvironmentFromFiles<Extensions, Accounts, Data>(extensions);
export const { loadEnvironmentFromHardhat } = setupHardhatDeploy<Extensions, Accounts, Data>(extensions);
