import { formatAmount, formatEnergy } from "../../sdk/units.js";
import { renderTable } from "../common/table.js";
import type { DemoReport } from "./model.js";
import { total } from "./reconcile.js";

const heading = (title: string) => `\n${title}\n${"=".repeat(title.length)}`;

/** The report as plain text for the terminal: readable at a glance, identical for identical runs. */
export function renderText(report: DemoReport): string {
  const usd = (value: bigint) => formatAmount(value, report.stablecoinDecimals, 2);
  const out: string[] = [heading(report.title)];
  out.push(
    `seed ${report.seed}; ${Object.entries(report.options)
      .map(([name, value]) => `${name} ${value}`)
      .join(", ")}`,
  );
  for (const line of report.highlights) out.push(`  - ${line}`);

  out.push(heading(`Waterfall per period (${report.stablecoinSymbol})`));
  const sources = [...new Set(report.periods.flatMap((period) => Object.keys(period.revenueBySource)))];
  const steps = [...new Set(report.periods.flatMap((period) => period.steps.map((step) => step.name)))];
  out.push(
    renderTable(
      ["period", ...sources.map((source) => `${source} revenue`), ...steps],
      report.periods.map((period) => [
        String(period.index),
        ...sources.map((source) => usd(period.revenueBySource[source] ?? 0n)),
        ...steps.map((name) => usd(period.steps.find((step) => step.name === name)?.amount ?? 0n)),
      ]),
      Array.from({ length: sources.length + steps.length }, (_, index) => index + 1),
    ),
  );
  for (const period of report.periods) {
    for (const note of period.notes) out.push(`  period ${period.index}: ${note}`);
  }

  out.push(heading(`Cash reconciliation per period (${report.stablecoinSymbol})`));
  out.push(
    renderTable(
      [
        "period",
        "revenue",
        "carried in",
        "reserve drawn",
        "reserve released",
        "cash in",
        "paid out",
        "reserve top-up",
        "cash out",
        "difference",
        "coverage",
      ],
      report.periods.map((period) => {
        const { cashIn, cashOut } = period.reconciliation;
        const line = (lines: typeof cashIn, label: string) => lines.find((l) => l.label === label)?.amount ?? 0n;
        const topUp = line(cashOut, "reserve top-up");
        return [
          String(period.index),
          usd(line(cashIn, "revenue")),
          usd(line(cashIn, "carried in (rounding)")),
          usd(line(cashIn, "reserve drawn")),
          usd(line(cashIn, "reserve released")),
          usd(total(cashIn)),
          usd(total(cashOut) - topUp),
          usd(topUp),
          usd(total(cashOut)),
          usd(total(cashIn) - total(cashOut)),
          period.coverage,
        ];
      }),
      Array.from({ length: 10 }, (_, index) => index + 1),
    ),
  );

  out.push(heading("Balances"));
  const labels = [...new Set(report.parties.flatMap((party) => Object.keys(party.holdings)))];
  out.push(
    renderTable(
      ["party", "role", "address", ...labels],
      report.parties.map((party) => [
        party.name,
        party.role,
        `${party.address.slice(0, 8)}…${party.address.slice(-4)}`,
        ...labels.map((label) => party.holdings[label] ?? ""),
      ]),
      labels.map((_, index) => index + 3),
    ),
  );

  if (report.lineage) {
    const lot = report.lineage;
    out.push(heading(`Energy lineage of GPU-hour lot ${lot.lot}`));
    out.push(
      `${lot.gpuHours} GPU-hours on ${lot.cluster} used ${formatEnergy(lot.wattHoursUsed, 3)}: ` +
        `${formatEnergy(lot.hourlyMatchedWh, 3)} hourly-matched, ${formatEnergy(lot.recMatchedWh, 3)} matched by RECs ` +
        `(${(lot.carbonFreeBps / 100).toFixed(2)}% carbon-free); ` +
        `revenue ${usd(lot.revenue)} ${report.stablecoinSymbol}`,
    );
    out.push(
      renderTable(
        ["device", "source", "zone", "hour (UTC)", "energy"],
        lot.batches.map((batch) => [
          batch.device,
          batch.kind,
          batch.zone,
          new Date(batch.hourStart * 1000).toISOString().slice(0, 16).replace("T", " "),
          formatEnergy(batch.wattHours, 3),
        ]),
        [4],
      ),
    );
    if (lot.batchCount > lot.batches.length) {
      out.push(`  … and ${lot.batchCount - lot.batches.length} more hourly batches`);
    }
    for (const rec of lot.recs) out.push(`  + ${rec.count} REC(s) of ${rec.device}, vintage ${rec.vintage}`);
  }

  out.push(heading("Gas used"));
  out.push(
    renderTable(
      ["operation", "calls", "total gas", "gas per call"],
      report.gas.map((line) => [
        line.operation,
        String(line.count),
        line.totalGas.toLocaleString("en-US"),
        (line.totalGas / BigInt(Math.max(line.count, 1))).toLocaleString("en-US"),
      ]),
      [1, 2, 3],
    ),
  );
  return out.join("\n");
}
