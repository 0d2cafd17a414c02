import { formatAmount, formatEnergy } from "../../sdk/units.js";
import type { DemoReport, FlowLink } from "./model.js";

/**
 * The report as one self-contained HTML file: inline CSS and SVG charts, no script and no network access, so it
 * opens in any browser offline and diffs cleanly between runs.
 */

const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];

const escape = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

const round = (value: number) => Math.round(value * 10) / 10;

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
): string {
  const cell = (tag: string, text: string, column: number) =>
    `<${tag}${numeric.includes(column) ? ' class="num"' : ""}>${escape(text)}</${tag}>`;
  return `<table><thead><tr>${header.map((text, column) => cell("th", text, column)).join("")}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((text, column) => cell("td", text, column)).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** One stacked bar per period: how the period's distributable cash went down the waterfall. */
function waterfallChart(report: DemoReport): string {
  const names = [...new Set(report.periods.flatMap((period) => period.steps.map((step) => step.name)))];
  const color = (name: string) => PALETTE[names.indexOf(name) % PALETTE.length];
  const totals = report.periods.map((period) => period.steps.reduce((sum, step) => sum + step.amount, 0n));
  const max = Number(totals.reduce((a, b) => (a > b ? a : b), 1n));
  const width = 760;
  const height = 300;
  const left = 70;
  const bottom = 30;
  const barSpace = (width - left - 10) / Math.max(report.periods.length, 1);
  const barWidth = Math.min(60, barSpace * 0.6);
  const scale = (value: bigint) => (Number(value) / max) * (height - bottom - 20);

  const bars = report.periods.map((period, index) => {
    const x = left + index * barSpace + (barSpace - barWidth) / 2;
    let y = height - bottom;
    const segments = period.steps
      .filter((step) => step.amount > 0n)
      .map((step) => {
        const h = scale(step.amount);
        y -= h;
        const tip = `${step.name}: ${formatAmount(step.amount, report.stablecoinDecimals, 2)} ${report.stablecoinSymbol}`;
        return `<rect x="${round(x)}" y="${round(y)}" width="${round(barWidth)}" height="${round(h)}" fill="${color(step.name)}"><title>${escape(tip)}</title></rect>`;
      });
    const label = `<text x="${round(x + barWidth / 2)}" y="${height - bottom + 16}" text-anchor="middle">P${period.index}</text>`;
    const flag =
      period.notes.length > 0
        ? `<text x="${round(x + barWidth / 2)}" y="${round(y - 4)}" text-anchor="middle" class="flag">!</text>`
        : "";
    return segments.join("") + label + flag;
  });
  const axis = [0, 0.5, 1].map((fraction) => {
    const y = height - bottom - fraction * (height - bottom - 20);
    const value = BigInt(Math.round(max * fraction));
    return `<line x1="${left - 4}" x2="${width - 10}" y1="${round(y)}" y2="${round(y)}" class="grid"/><text x="${left - 8}" y="${round(y + 4)}" text-anchor="end">${escape(formatAmount(value, report.stablecoinDecimals, 0))}</text>`;
  });
  const legend = names
    .map((name) => `<span class="key"><i style="background:${color(name)}"></i>${escape(name)}</span>`)
    .join("");
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Waterfall per period">${axis.join("")}${bars.join("")}</svg><div class="legend">${legend}</div>`;
}

/**
 * A Sankey-style flow: each column's nodes stacked by value in that column's own unit (the first column by what
 * flows out, the others by what flows in), links as bands between adjacent columns. A band is as tall at each end
 * as its share of that node, so where the unit changes (Wh of GPU-hours to dollars of compute revenue) a narrow
 * band can widen: that is the value the step adds.
 */
function flowChart(report: DemoReport): string {
  const width = 900;
  const height = 400;
  const nodeWidth = 14;
  const gap = 12;
  const minNode = 4;
  const columns = report.flowColumns;
  const columnX = (index: number) => 10 + (index * (width - 230 - nodeWidth)) / Math.max(columns.length - 1, 1);
  const sum = (links: readonly FlowLink[]) => links.reduce((total, link) => total + Number(link.value), 0);
  const inflow = (name: string) => sum(report.flow.filter((link) => link.to === name));
  const outflow = (name: string) => sum(report.flow.filter((link) => link.from === name));
  const isFirst = (name: string) => columns[0].includes(name);
  const size = (name: string) => (isFirst(name) ? outflow(name) : inflow(name));

  const layout = new Map<string, { x: number; y: number; h: number; scale: number; outY: number; inY: number }>();
  columns.forEach((names, column) => {
    const total = names.reduce((acc, name) => acc + size(name), 0) || 1;
    const scale = (height - 20 - gap * (names.length - 1) - minNode * names.length) / total;
    let y = 10;
    for (const name of names) {
      const h = size(name) * scale + minNode;
      layout.set(name, { x: columnX(column), y, h, scale, outY: y, inY: y });
      y += h + gap;
    }
  });

  const bands = report.flow
    .filter((link) => link.value > 0n && layout.has(link.from) && layout.has(link.to))
    .map((link, index) => {
      const from = layout.get(link.from)!;
      const to = layout.get(link.to)!;
      // Scale the band by each end's own column, so that columns in different units still line up.
      const hFrom = (Number(link.value) / (outflow(link.from) || 1)) * from.h;
      const hTo = (Number(link.value) / (inflow(link.to) || 1)) * to.h;
      const x0 = from.x + nodeWidth;
      const x1 = to.x;
      const mid = (x0 + x1) / 2;
      const path = `M${round(x0)},${round(from.outY)} C${round(mid)},${round(from.outY)} ${round(mid)},${round(to.inY)} ${round(x1)},${round(to.inY)} L${round(x1)},${round(to.inY + hTo)} C${round(mid)},${round(to.inY + hTo)} ${round(mid)},${round(from.outY + hFrom)} ${round(x0)},${round(from.outY + hFrom)} Z`;
      from.outY += hFrom;
      to.inY += hTo;
      return `<path d="${path}" fill="${PALETTE[index % PALETTE.length]}" opacity="0.45"><title>${escape(`${link.from} → ${link.to}`)}</title></path>`;
    });

  const nodes = [...layout].map(([name, node]) => {
    const column = columns.findIndex((names) => names.includes(name));
    const unit = report.flowColumnUnits[column];
    const value = BigInt(Math.round(size(name)));
    const label =
      unit === "Wh" ? formatEnergy(value, 3) : `${formatAmount(value, report.stablecoinDecimals, 2)} ${unit}`;
    return `<rect x="${round(node.x)}" y="${round(node.y)}" width="${nodeWidth}" height="${round(node.h)}" class="node"/><text x="${round(node.x + nodeWidth + 4)}" y="${round(node.y + node.h / 2 + 4)}">${escape(name)} · ${escape(label)}</text>`;
  });
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Value-chain flow">${bands.join("")}${nodes.join("")}</svg>`;
}

export function renderHtml(report: DemoReport): string {
  const usd = (value: bigint) => formatAmount(value, report.stablecoinDecimals, 2);
  const sources = [...new Set(report.periods.flatMap((period) => Object.keys(period.revenueBySource)))];
  const steps = [...new Set(report.periods.flatMap((period) => period.steps.map((step) => step.name)))];
  const labels = [...new Set(report.parties.flatMap((party) => Object.keys(party.holdings)))];
  const lineage = report.lineage;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(report.title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #1d2330; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #dde; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { padding: 4px 8px; border-bottom: 1px solid #eef; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } svg { width: 100%; height: auto; font-size: 11px; }
svg text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.grid { stroke: #e4e6ee; } .node { fill: #3b4a66; } .flag { fill: #e15759; font-weight: bold; }
.legend { display: flex; flex-wrap: wrap; gap: .8rem; margin: .3rem 0 1rem; } .key i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.muted { color: #667; } ul { margin-top: .3rem; }
</style>
</head>
<body>
<h1>${escape(report.title)}</h1>
<p class="muted">Seed ${report.seed} · ${escape(
    Object.entries(report.options)
      .map(([name, value]) => `${name} ${value}`)
      .join(" · "),
  )}</p>
<ul>${report.highlights.map((line) => `<li>${escape(line)}</li>`).join("")}</ul>

<h2>Waterfall per period</h2>
${waterfallChart(report)}
${table(
  ["period", ...sources.map((source) => `${source} revenue`), ...steps],
  report.periods.map((period) => [
    `P${period.index}`,
    ...sources.map((source) => usd(period.revenueBySource[source] ?? 0n)),
    ...steps.map((name) => usd(period.steps.find((step) => step.name === name)?.amount ?? 0n)),
  ]),
  Array.from({ length: sources.length + steps.length }, (_, index) => index + 1),
)}
<ul>${report.periods.flatMap((period) => period.notes.map((note) => `<li>P${period.index}: ${escape(note)}</li>`)).join("")}</ul>

<h2>From kilowatt-hours to coupons</h2>
<p class="muted">Columns: ${escape(report.flowColumnUnits.map((unit, index) => `${index + 1}. ${unit}`).join(" · "))}</p>
${flowChart(report)}

${
  lineage
    ? `<h2>Energy lineage of GPU-hour lot ${escape(lineage.lot)}</h2>
<p>${lineage.gpuHours} GPU-hours on ${escape(lineage.cluster)} used ${escape(formatEnergy(lineage.wattHoursUsed, 3))}:
${escape(formatEnergy(lineage.hourlyMatchedWh, 3))} hourly-matched, ${escape(formatEnergy(lineage.recMatchedWh, 3))} matched by RECs
(${(lineage.carbonFreeBps / 100).toFixed(2)}% carbon-free); revenue ${escape(usd(lineage.revenue))} ${escape(report.stablecoinSymbol)}.
The table shows the first ${lineage.batches.length} of ${lineage.batchCount} hourly kWh batches burned for it${lineage.recs.length > 0 ? `, and ${lineage.recs.map((rec) => `${rec.count} REC(s) of ${escape(rec.device)} (vintage ${escape(rec.vintage)})`).join(", ")} retired for the rest` : ""}.</p>
${table(
  ["device", "source", "zone", "hour (UTC)", "energy"],
  lineage.batches.map((batch) => [
    batch.device,
    batch.kind,
    batch.zone,
    new Date(batch.hourStart * 1000).toISOString().slice(0, 16).replace("T", " "),
    formatEnergy(batch.wattHours, 3),
  ]),
  [4],
)}`
    : ""
}

<h2>Balances</h2>
${table(
  ["party", "role", "address", ...labels],
  report.parties.map((party) => [
    party.name,
    party.role,
    party.address,
    ...labels.map((label) => party.holdings[label] ?? ""),
  ]),
  labels.map((_, index) => index + 3),
)}

<h2>Gas used</h2>
${table(
  ["operation", "calls", "total gas", "gas per call"],
  report.gas.map((line) => [
    line.operation,
    String(line.count),
    line.totalGas.toLocaleString("en-US"),
    (line.totalGas / BigInt(Math.max(line.count, 1))).toLocaleString("en-US"),
  ]),
  [1, 2, 3],
)}
</body>
</html>
`;
}
