import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

import { setupLogger } from "named-logs-console";

import { renderHtml } from "./render-html.js";
import { renderText } from "./render-text.js";
import { type DemoOptions, runScenario } from "./scenario.js";

interface DemoArguments {
  periods: string;
  devices: string;
  agents: string;
  seed: string;
  out: string;
}

/** The chain's clock starts here, so that the same seed gives the same hours, ids and report on every run. */
const DEMO_START = new Date("2026-03-02T00:00:00Z");

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** `npm run demo`: the whole Joulestack lifecycle on the in-process chain, then a report and an HTML file. */
export default async function demo(args: DemoArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  let options: DemoOptions;
  try {
    options = {
      periods: integer("periods", args.periods, 2, 12),
      devices: integer("devices", args.devices, 2, 6),
      agents: integer("agents", args.agents, 2, 10),
      seed: integer("seed", args.seed, 0, 2 ** 31 - 1),
    };
  } catch (error) {
    // A mistyped option is the user's to fix: one line, no stack trace.
    console.error(`Error: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  // The deploy scripts log every transaction; the demo prints its own progress instead.
  setupLogger(["rocketh", "@rocketh/node"], { enabled: false });
  const { provider, ethers, networkHelpers } = await hre.network.create({
    network: "hardhat",
    override: { initialDate: DEMO_START },
  });

  const report = await runScenario(provider, ethers, networkHelpers, options);
  console.log(renderText(report));

  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderHtml(report));
  console.log(`\nThe report with charts is in ${out} (open it in any browser; it needs no network).`);
}
