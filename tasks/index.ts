import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

import { operatorTasks } from "./operator/index.js";

/** Joulestack's own Hardhat tasks. Each action is imported lazily, so loading the config stays fast. */
export const tasks = [
  task("bench", "Measure the gas of every key operation beside a baseline measured in the same run")
    .addFlag({ name: "check", description: "Fail when a figure moved more than --tolerance from the snapshot" })
    .addFlag({ name: "update", description: "Rewrite the committed gas snapshot with this run's figures" })
    .addOption({
      name: "tolerance",
      description: "Allowed change in percent for --check",
      defaultValue: "1",
      type: ArgumentType.STRING,
    })
    .addOption({
      name: "json",
      description: "Where to write the table as JSON",
      defaultValue: "reports/gas.json",
      type: ArgumentType.STRING,
    })
    .addOption({
      name: "snapshot",
      description: "The committed gas snapshot",
      defaultValue: "gas-snapshot.json",
      type: ArgumentType.STRING,
    })
    .setAction(() => import("./bench/index.js"))
    .build(),
  ...operatorTasks,
];
