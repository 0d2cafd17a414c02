import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

import { operatorTasks } from "./operator/index.js";

/** Joulestack's own Hardhat tasks. Each action is imported lazily, so loading the config stays fast. */
export const tasks = [
  task("demo", "Run the whole Joulestack lifecycle on the in-process chain and write a report")
    .addOption({
      name: "periods",
      description: "Vault periods to run (2 to 12)",
      defaultValue: "4",
      type: ArgumentType.STRING,
    })
    .addOption({
      name: "devices",
      description: "Metered devices: one battery plus solar farms (2 to 6)",
      defaultValue: "2",
      type: ArgumentType.STRING,
    })
    .addOption({
      name: "agents",
      description: "AI-agent wallets buying GPU-hours (2 to 10)",
      defaultValue: "3",
      type: ArgumentType.STRING,
    })
    .addOption({
      name: "seed",
      description: "Seed of the weather and the demand; the same seed gives the same report",
      defaultValue: "42",
      type: ArgumentType.STRING,
    })
    .addOption({
      name: "out",
      description: "Where to write the HTML report",
      defaultValue: "reports/demo.html",
      type: ArgumentType.STRING,
    })
    .setAction(() => import("./demo/index.js"))
    .build(),
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
