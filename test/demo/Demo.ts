import { expect } from "chai";
import { network } from "hardhat";
import { setupLogger } from "named-logs-console";

import { renderHtml } from "../../tasks/demo/render-html.js";
import { renderText } from "../../tasks/demo/render-text.js";
import { runScenario } from "../../tasks/demo/scenario.js";
import { runHardhat } from "../helpers/node.js";

const OPTIONS = { periods: 2, devices: 2, agents: 2, seed: 7 };

async function runOnce() {
  setupLogger(["rocketh", "@rocketh/node"], { enabled: false });
  const { provider, ethers, networkHelpers } = await network.create({
    network: "hardhat",
    override: { initialDate: new Date("2026-03-02T00:00:00Z") },
  });
  const log = console.log;
  console.log = () => {}; // the demo's progress lines
  try {
    return await runScenario(provider, ethers, networkHelpers, OPTIONS);
  } finally {
    console.log = log;
  }
}

/** `npm run demo` runs the whole chain; here, a short run of it, twice, to pin down what the report promises. */
describe("the demo", function () {
  this.timeout(300_000);

  it("runs the lifecycle, reports every period and gives the same report for the same seed", async function () {
    const first = await runOnce();
    const second = await runOnce();

    expect(first.periods.map((period) => period.index)).to.deep.equal([1, 2]);
    const revenue = (source: string) => first.periods.reduce((sum, period) => sum + period.revenueBySource[source], 0n);
    expect(revenue("Compute")).to.be.greaterThan(0n);
    expect(revenue("Energy")).to.be.greaterThan(0n);
    expect(revenue("Flexibility")).to.be.greaterThan(0n);
    // With two periods the second is the short one: the covenant breaks.
    expect(first.periods[1].notes.some((note) => note.startsWith("covenant breached"))).to.equal(true);
    expect(first.lineage?.batchCount).to.be.greaterThan(0);
    expect(first.lineage?.hourlyMatchedWh).to.be.greaterThan(0n);

    expect(renderText(second)).to.equal(renderText(first));
    const html = renderHtml(first);
    expect(html).to.equal(renderHtml(second));
    expect(html, "the HTML needs no network").to.not.match(/https?:\/\/|<script|<link/);
  });
});

describe("npm run demo with a bad option", function () {
  this.timeout(120_000);

  for (const [option, value, message] of [
    ["--periods", "13", '--periods must be a whole number from 2 to 12, got "13"'],
    ["--agents", "-2", '--agents must be a whole number from 2 to 10, got "-2"'],
    ["--seed", "seven", '--seed must be a whole number from 0 to 2147483647, got "seven"'],
  ] as const) {
    it(`fails with one line naming ${option} and its limits for ${value}`, async function () {
      const failure = await runHardhat(["demo", option, value]).then(
        () => "the demo ran",
        (error: Error) => error.message,
      );
      expect(failure).to.include(`Error: ${message}`);
      expect(failure, "no stack trace").to.not.match(/\n\s+at /);
      expect(failure).to.not.include("report a bug");
    });
  }
});
