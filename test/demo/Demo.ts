import { expect } from "chai";
import { network } from "hardhat";
import { setupLogger } from "named-logs-console";

import { formatCoverage } from "../../tasks/operator/parse.js";
import type { DemoReport, FlowLink } from "../../tasks/demo/model.js";
import { total } from "../../tasks/demo/reconcile.js";
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
  const printed: string[] = [];
  console.log = (...args: unknown[]) => printed.push(args.join(" ")); // the demo's progress lines
  try {
    const report = await runScenario(provider, ethers, networkHelpers, OPTIONS);
    return { report, printed };
  } finally {
    console.log = log;
  }
}

const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

/** `npm run demo` runs the whole chain; here, a short run of it, twice, to pin down what the report promises. */
describe("the demo", function () {
  this.timeout(300_000);
  let first: DemoReport;
  let second: DemoReport;
  let printed: string[];

  before(async function () {
    ({ report: first, printed } = await runOnce());
    ({ report: second } = await runOnce());
  });

  it("runs the lifecycle, reports every period and gives the same report for the same seed", function () {
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

  it("counts its progress up to the last step", function () {
    const steps = printed.map((line) => /^\[(\d+)\/(\d+)\]/.exec(line)).filter((match) => match !== null);
    expect(steps.length).to.be.greaterThan(0);
    expect(steps.map((match) => Number(match[1]))).to.deep.equal(steps.map((_, index) => index + 1));
    expect(Number(steps.at(-1)![1])).to.equal(Number(steps.at(-1)![2]));
  });

  it("reconciles every period: revenue and reserve movements equal the payouts", function () {
    let reserve = 0n;
    for (const period of first.periods) {
      const { cashIn, cashOut, reserveBefore, reserveAfter } = period.reconciliation;
      const line = (lines: typeof cashIn, label: string) => lines.find((l) => l.label === label)!.amount;
      expect(total(cashIn), `P${period.index} cash in = cash out`).to.equal(total(cashOut));
      // The reserve read on chain before and after the distribution moved by exactly the reported draws,
      // releases and top-ups, and each period starts where the last one ended.
      expect(reserveBefore, `P${period.index} reserve before`).to.equal(reserve);
      expect(
        reserveBefore +
          line(cashOut, "reserve top-up") -
          line(cashIn, "reserve drawn") -
          line(cashIn, "reserve released"),
      ).to.equal(reserveAfter);
      reserve = reserveAfter;
      // The revenue the vault booked is what the demo paid in, source by source.
      expect(period.revenueBySource).to.deep.equal(period.paidInBySource);
      expect(line(cashIn, "revenue")).to.equal(sum(Object.values(period.revenueBySource)));
      // The chart's bars are the payouts.
      expect(sum(period.steps.map((step) => step.amount))).to.equal(total(cashOut));
      expect(period.coverage).to.equal(formatCoverage(period.figures.coverageBps));
      expect(period.coverage).to.match(/^\d+\.\d\dx$/);
    }
    // Period 1 repaid senior principal, so period 2's reserve target fell and the reserve released the excess: the
    // reconciliation must show it.
    const released = first.periods[1].reconciliation.cashIn.find((l) => l.label === "reserve released")!.amount;
    expect(released).to.be.greaterThan(0n);
    expect(total(first.periods[1].reconciliation.cashOut)).to.be.greaterThan(
      first.periods[1].reconciliation.cashIn.find((l) => l.label === "revenue")!.amount,
    );
  });

  it("draws a flow chart that conserves value at every node", function () {
    const { flowColumns, flowNodes, flow } = first;
    const node = (name: string) => flowNodes.find((n) => n.name === name)!;
    const inflow = (name: string) => sum(flow.filter((l) => l.to === name).map((l) => l.toValue));
    const outflow = (name: string) => sum(flow.filter((l) => l.from === name).map((l) => l.value));
    expect(new Set(flowNodes.map((n) => n.name)).size).to.equal(flowNodes.length);
    for (const link of flow) {
      expect(node(link.from), `${link.from} is drawn`).to.not.equal(undefined);
      expect(node(link.to), `${link.to} is drawn`).to.not.equal(undefined);
      expect(node(link.to).column, `${link.from} → ${link.to} joins adjacent columns`).to.equal(
        node(link.from).column + 1,
      );
      expect(link.value > 0n && link.toValue > 0n, `${link.from} → ${link.to} is not zero`).to.equal(true);
      const sameUnit = flowColumns[node(link.from).column].unit === flowColumns[node(link.to).column].unit;
      if (sameUnit) expect(link.toValue).to.equal(link.value);
    }
    for (const n of flowNodes) {
      expect(n.value, `${n.name} is not a zero node`).to.be.greaterThan(0n);
      if (n.kind === "source") {
        expect(inflow(n.name), `${n.name} is a source`).to.equal(0n);
        expect(n.value).to.equal(outflow(n.name));
      } else if (n.kind === "sink") {
        expect(outflow(n.name), `${n.name} is a sink`).to.equal(0n);
        expect(n.value).to.equal(inflow(n.name));
      } else {
        expect(outflow(n.name), `${n.name}: outflow = inflow`).to.equal(inflow(n.name));
        expect(n.value).to.equal(inflow(n.name));
      }
    }
    const columnTotal = (column: number) => sum(flowNodes.filter((n) => n.column === column).map((n) => n.value));
    // Energy: every kWh minted is accounted for once.
    expect(columnTotal(0)).to.equal(first.energyBalance.mintedWh);
    expect(columnTotal(1)).to.equal(columnTotal(0));
    // Money: the revenue the vault booked, pooled, then paid out or kept.
    const revenue = sum(first.periods.flatMap((period) => Object.values(period.revenueBySource)));
    for (const column of [2, 3, 4]) expect(columnTotal(column), `column ${column + 1}`).to.equal(revenue);
    const paid = (name: string) => node(name)?.value ?? 0n;
    const figures = first.periods.map((period) => period.figures);
    expect(paid("Servicing fee")).to.equal(sum(figures.map((f) => f.feePaid)));
    expect(paid("Senior interest")).to.equal(sum(figures.map((f) => f.tranches[0].interestPaid)));
    expect(paid("Senior principal")).to.equal(sum(figures.map((f) => f.tranches[0].principalPaid)));
    expect(paid("Reserve (kept)")).to.equal(figures.at(-1)!.reserveAfter);
    expect(flowColumns.map((column) => column.unit)).to.deep.equal(["Wh", "Wh", "tUSD", "tUSD", "tUSD"]);
  });

  it("follows local solar time in ERCOT North and meters the battery's energy once", function () {
    const profile = first.dayProfile;
    expect(profile.zone).to.equal("ERCOT-NORTH");
    expect(profile.utcOffsetHours).to.equal(-6);
    const solar = profile.solarGeneratedWh;
    const peak = solar.indexOf(solar.reduce((a, b) => (a > b ? a : b)));
    expect(peak, "solar peaks at local noon").to.be.oneOf([11, 12]);
    solar.forEach((wh, hour) => {
      if (hour < 6 || hour >= 18) expect(wh, `no sun at ${hour}:00 local`).to.equal(0n);
      else expect(wh, `sun at ${hour}:00 local`).to.be.greaterThan(0n);
    });
    profile.batteryDischargeWh.forEach((wh, hour) => {
      if (hour < 18 || hour >= 21) expect(wh, `battery idle at ${hour}:00`).to.equal(0n);
    });
    profile.batteryChargeWh.forEach((wh, hour) => {
      if (hour < 9 || hour >= 15) expect(wh, `battery not charging at ${hour}:00`).to.equal(0n);
    });
    // The battery discharges what the farm put in, less losses; the meters minted generation less that loss.
    const balance = first.energyBalance;
    expect(balance.batteryDischargeWh).to.be.greaterThan(0n);
    expect(balance.batteryDischargeWh * 100n).to.be.at.most(balance.batteryChargeWh * 90n);
    expect(balance.mintedWh).to.equal(balance.solarGeneratedWh - balance.batteryChargeWh + balance.batteryDischargeWh);
    // On chain: the kWh burned for GPU-hours are solar of local daylight hours (UTC−6).
    for (const batch of first.lineage!.batches) {
      const localHour = (new Date(batch.hourStart * 1000).getUTCHours() + 24 - 6) % 24;
      expect(batch.kind).to.equal("solar");
      expect(localHour, `batch of ${new Date(batch.hourStart * 1000).toISOString()}`).to.be.within(6, 17);
    }
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
