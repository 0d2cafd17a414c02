import { formatAmount, formatEnergy } from "../../sdk/units.js";
import type { DemoReport, FlowNode } from "./model.js";
import { total } from "./reconcile.js";

/**
 * The report as one self-contained HTML file: inline CSS and SVG charts, no script and no network access, so it
 * opens in any browser offline and diffs cleanly between runs. It reads on a phone: tables scroll inside their own
 * box, the bar charts come in a wide and a narrow drawing (CSS picks one), and the flow chart keeps its text at
 * least 11 px by scrolling sideways on narrow screens.
 */

const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];
/** Chart text size in SVG units; each drawing is sized so that this renders at 11 px or more. */
const FONT = 13;
/** The narrow drawings are this wide (a 390 px phone has about 358 px inside the page's margins). */
const NARROW = 340;
const WIDE = 760;
const FLOW_WIDTH = 1000;
/** The flow chart never shrinks below this many CSS px: 900 / 1000 × 13 ≈ 11.7 px text. */
const FLOW_MIN_PX = 900;

const escape = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

const round = (value: number) => Math.round(value * 10) / 10;

const mwh = (wh: bigint) =>
  `${(Number(wh) / 1e6).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MWh`;

/** A table in its own scrolling box, so a wide table never widens the page. */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
  rowClasses: readonly string[] = [],
): string {
  const cell = (tag: string, text: string, column: number) =>
    `<${tag}${numeric.includes(column) ? ' class="num"' : ""}>${escape(text)}</${tag}>`;
  return `<div class="scroll"><table><thead><tr>${header.map((text, column) => cell("th", text, column)).join("")}</tr></thead><tbody>${rows
    .map(
      (row, index) =>
        `<tr${rowClasses[index] ? ` class="${rowClasses[index]}"` : ""}>${row.map((text, column) => cell("td", text, column)).join("")}</tr>`,
    )
    .join("")}</tbody></table></div>`;
}

/** Both drawings of a chart; CSS shows the wide one on wide screens and the narrow one on phones. */
const responsive = (draw: (width: number) => string) =>
  `<div class="wide-only">${draw(WIDE)}</div><div class="narrow-only">${draw(NARROW)}</div>`;

/** Round axis steps: 1, 2 or 5 times a power of ten, about `count` of them up to `max`. */
function ticks(max: number, count: number): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw) ?? raw;
  const out = [0];
  while (out.at(-1)! < max) out.push(out.length * step);
  return out;
}

const compact = (value: number) =>
  value >= 1e6
    ? `${round(value / 1e6)}M`
    : value >= 1e3
      ? `${round(value / 1e3)}k`
      : `${Math.round(value).toLocaleString("en-US")}`;

/** One stacked bar per period: where the period's cash went, in waterfall order. */
function waterfallChart(report: DemoReport, width: number): string {
  const unit = 10 ** report.stablecoinDecimals;
  const names = [...new Set(report.periods.flatMap((period) => period.steps.map((step) => step.name)))];
  const color = (name: string) => PALETTE[names.indexOf(name) % PALETTE.length];
  const totals = report.periods.map((period) => Number(total(period.reconciliation.cashOut)) / unit);
  const axis = ticks(Math.max(...totals, 1), 4);
  const max = axis.at(-1)!;
  const height = 280;
  const left = 52;
  const top = 34;
  const bottom = 30;
  const plot = height - top - bottom;
  const barSpace = (width - left - 8) / Math.max(report.periods.length, 1);
  const barWidth = Math.min(56, barSpace * 0.62);
  const scale = (value: number) => (value / max) * plot;

  const grid = axis.map((value) => {
    const y = height - bottom - scale(value);
    return `<line x1="${left - 4}" x2="${width - 4}" y1="${round(y)}" y2="${round(y)}" class="grid"/><text x="${left - 7}" y="${round(y + 4)}" text-anchor="end">${compact(value)}</text>`;
  });
  const bars = report.periods.map((period, index) => {
    const x = left + index * barSpace + (barSpace - barWidth) / 2;
    let y = height - bottom;
    const segments = period.steps
      .filter((step) => step.amount > 0n)
      .map((step) => {
        const h = scale(Number(step.amount) / unit);
        y -= h;
        const tip = `P${period.index} ${step.name}: ${formatAmount(step.amount, report.stablecoinDecimals, 2)} ${report.stablecoinSymbol}`;
        return `<rect x="${round(x)}" y="${round(y)}" width="${round(barWidth)}" height="${round(h)}" fill="${color(step.name)}"><title>${escape(tip)}</title></rect>`;
      });
    const label = `<text x="${round(x + barWidth / 2)}" y="${height - bottom + 17}" text-anchor="middle">P${period.index}</text>`;
    const flag =
      period.notes.length > 0
        ? `<text x="${round(x + barWidth / 2)}" y="${round(y - 5)}" text-anchor="middle" class="flag">!</text>`
        : "";
    return segments.join("") + label + flag;
  });
  const title = `<text x="${left - 46}" y="16" class="axis-title">${escape(report.stablecoinSymbol)} per period</text>`;
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Cash paid out per period, in ${escape(report.stablecoinSymbol)}">${title}${grid.join("")}${bars.join("")}</svg>`;
}

function waterfallLegend(report: DemoReport): string {
  const names = [...new Set(report.periods.flatMap((period) => period.steps.map((step) => step.name)))];
  const drawn = new Set(
    report.periods.flatMap((period) => period.steps.filter((s) => s.amount > 0n).map((s) => s.name)),
  );
  const keys = names.flatMap((name, index) =>
    !drawn.has(name)
      ? []
      : [`<span class="key"><i style="background:${PALETTE[index % PALETTE.length]}"></i>${escape(name)}</span>`],
  );
  keys.push(
    `<span class="key"><b class="flag">!</b> the period has notes (below): a reserve draw or release, arrears, a covenant breach or cure</span>`,
  );
  return `<div class="legend">${keys.join("")}</div>`;
}

/** The site's average day by local hour: solar exported, solar into the battery, the battery's discharge. */
function dayChart(report: DemoReport, width: number): string {
  const profile = report.dayProfile;
  const days = Math.max(profile.days, 1);
  const kwh = (wh: bigint) => Number(wh) / 1_000 / days;
  const exported = profile.solarGeneratedWh.map((wh, hour) => kwh(wh - profile.batteryChargeWh[hour]));
  const charged = profile.batteryChargeWh.map(kwh);
  const discharged = profile.batteryDischargeWh.map(kwh);
  const axis = ticks(Math.max(...exported.map((value, hour) => value + charged[hour] + discharged[hour]), 1), 4);
  const max = axis.at(-1)!;
  const height = 250;
  const left = 52;
  const top = 34;
  const bottom = 44;
  const plot = height - top - bottom;
  const slot = (width - left - 8) / 24;
  const barWidth = slot * 0.75;
  const scale = (value: number) => (value / max) * plot;
  const series = [
    { values: exported, color: "#edc948", name: "solar exported" },
    { values: charged, color: "#f28e2b", name: "solar into the battery" },
    { values: discharged, color: "#4e79a7", name: "battery discharge" },
  ];
  const grid = axis.map((value) => {
    const y = height - bottom - scale(value);
    return `<line x1="${left - 4}" x2="${width - 4}" y1="${round(y)}" y2="${round(y)}" class="grid"/><text x="${left - 7}" y="${round(y + 4)}" text-anchor="end">${compact(value)}</text>`;
  });
  const bars = Array.from({ length: 24 }, (_, hour) => {
    const x = left + hour * slot + (slot - barWidth) / 2;
    let y = height - bottom;
    const parts = series
      .filter((s) => s.values[hour] > 0)
      .map((s) => {
        const h = scale(s.values[hour]);
        y -= h;
        return `<rect x="${round(x)}" y="${round(y)}" width="${round(barWidth)}" height="${round(h)}" fill="${s.color}"><title>${String(hour).padStart(2, "0")}:00 ${escape(s.name)}: ${round(s.values[hour])} kWh</title></rect>`;
      });
    const label =
      hour % (width < 500 ? 6 : 3) === 0
        ? `<text x="${round(left + hour * slot + slot / 2)}" y="${height - bottom + 17}" text-anchor="middle">${String(hour).padStart(2, "0")}</text>`
        : "";
    return parts.join("") + label;
  });
  const offset = utcOffset(profile.utcOffsetHours);
  const title = `<text x="${left - 46}" y="16" class="axis-title">kWh per hour, average day</text>`;
  const xTitle = `<text x="${round(left + (width - left) / 2)}" y="${height - 6}" text-anchor="middle" class="axis-title">local time (${escape(profile.zone)}, ${offset})</text>`;
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Average day at the site by local hour">${title}${grid.join("")}${bars.join("")}${xTitle}</svg>`;
}

function dayLegend(): string {
  return `<div class="legend">${[
    ["#edc948", "solar exported (farms' meters)"],
    ["#f28e2b", "solar into the battery (never metered as solar)"],
    ["#4e79a7", "battery discharge (the battery's meter)"],
  ]
    .map(([color, name]) => `<span class="key"><i style="background:${color}"></i>${escape(name)}</span>`)
    .join("")}</div>`;
}

/**
 * A Sankey-style flow over five columns, kWh to coupons. The energy columns share one scale (MWh) and the money
 * columns another (the stablecoin), so a band is as tall as its value at each end, in that end's unit. Nodes are
 * stacked with room for their two-line label, so no label overlaps another.
 */
function flowChart(report: DemoReport): string {
  const width = FLOW_WIDTH;
  const nodeWidth = 14;
  const gap = 10;
  const labelHeight = 2 * FONT + 8;
  const top = 52;
  const budget = 440;
  const columns = report.flowColumns;
  const step = (width - 10 - nodeWidth - 180) / Math.max(columns.length - 1, 1);
  const columnX = (index: number) => 10 + index * step;
  const nodesIn = (column: number) => report.flowNodes.filter((node) => node.column === column);
  const columnTotal = (column: number) => nodesIn(column).reduce((sum, node) => sum + Number(node.value), 0);
  const unitOf = (column: number) => columns[column].unit;
  // One scale per unit, fitted to that unit's fullest column.
  const scales = new Map<string, number>();
  for (const [index, column] of columns.entries()) {
    const fit = budget / Math.max(columnTotal(index), 1);
    scales.set(column.unit, Math.min(scales.get(column.unit) ?? fit, fit));
  }
  const heightOf = (node: FlowNode) => Math.max(3, Number(node.value) * scales.get(unitOf(node.column))!);

  const layout = new Map<string, { x: number; y: number; h: number; outY: number; inY: number }>();
  let bottom = 0;
  columns.forEach((_, column) => {
    let y = top;
    for (const node of nodesIn(column)) {
      const h = heightOf(node);
      layout.set(node.name, { x: columnX(column), y, h, outY: y, inY: y });
      y += Math.max(h, labelHeight) + gap;
    }
    bottom = Math.max(bottom, y);
  });
  const height = Math.ceil(bottom + 4);

  const bands = report.flow.map((link, index) => {
    const from = layout.get(link.from)!;
    const to = layout.get(link.to)!;
    const fromNode = report.flowNodes.find((node) => node.name === link.from)!;
    const toNode = report.flowNodes.find((node) => node.name === link.to)!;
    const hFrom = Number(link.value) * scales.get(unitOf(fromNode.column))!;
    const hTo = Number(link.toValue) * scales.get(unitOf(toNode.column))!;
    const x0 = from.x + nodeWidth;
    const x1 = to.x;
    const mid = (x0 + x1) / 2;
    const path = `M${round(x0)},${round(from.outY)} C${round(mid)},${round(from.outY)} ${round(mid)},${round(to.inY)} ${round(x1)},${round(to.inY)} L${round(x1)},${round(to.inY + hTo)} C${round(mid)},${round(to.inY + hTo)} ${round(mid)},${round(from.outY + hFrom)} ${round(x0)},${round(from.outY + hFrom)} Z`;
    from.outY += hFrom;
    to.inY += hTo;
    const tip = `${link.from} → ${link.to}: ${valueText(report, fromNode.column, link.value)}${
      unitOf(fromNode.column) === unitOf(toNode.column) ? "" : ` → ${valueText(report, toNode.column, link.toValue)}`
    }`;
    return `<path d="${path}" fill="${PALETTE[index % PALETTE.length]}" opacity="0.4"><title>${escape(tip)}</title></path>`;
  });

  const titles = columns.map(
    (column, index) =>
      `<text x="${round(columnX(index))}" y="${FONT + 4}" class="axis-title">${index + 1}. ${escape(column.title)}</text><text x="${round(columnX(index))}" y="${2 * FONT + 10}" class="muted-text">in ${escape(column.unit === "Wh" ? "MWh" : column.unit)}</text>`,
  );
  const nodes = report.flowNodes.map((node) => {
    const box = layout.get(node.name)!;
    const x = round(box.x + nodeWidth + 5);
    const kind = node.kind === "sink" ? " sink" : node.kind === "source" ? " source" : "";
    return `<rect x="${round(box.x)}" y="${round(box.y)}" width="${nodeWidth}" height="${round(box.h)}" class="node${kind}"/><text x="${x}" y="${round(box.y + FONT)}" class="flow-label">${escape(node.name)}</text><text x="${x}" y="${round(box.y + 2 * FONT + 3)}" class="flow-label value">${escape(valueText(report, node.column, node.value))}</text>`;
  });
  return `<div class="scroll flow"><svg viewBox="0 0 ${width} ${height}" style="min-width:${FLOW_MIN_PX}px" role="img" aria-label="Value chain from kWh to coupons">${bands.join("")}${titles.join("")}${nodes.join("")}</svg></div>`;
}

const utcOffset = (hours: number) => `UTC${hours < 0 ? "−" : "+"}${Math.abs(hours)}`;

function valueText(report: DemoReport, column: number, value: bigint): string {
  const unit = report.flowColumns[column].unit;
  return unit === "Wh" ? mwh(value) : `${formatAmount(value, report.stablecoinDecimals, 2)} ${unit}`;
}

/** One card per period, cash in above cash out; the cards flow into as many columns as the screen holds. */
function reconciliationCards(report: DemoReport): string {
  const usd = (value: bigint) => formatAmount(value, report.stablecoinDecimals, 2);
  const cards = report.periods.map((period) => {
    const r = period.reconciliation;
    const row = (label: string, amount: bigint, cls = "") =>
      `<tr${cls ? ` class="${cls}"` : ""}><th>${escape(label)}</th><td class="num">${escape(usd(amount))}</td></tr>`;
    return `<table class="stack"><caption>P${period.index} · coverage ${escape(period.coverage)}</caption><tbody>${[
      ...r.cashIn.map((line) => row(`+ ${line.label}`, line.amount)),
      row("= cash in", total(r.cashIn), "sum"),
      ...r.cashOut.map((line) => row(`− ${line.label}`, line.amount)),
      row("= cash out", total(r.cashOut), "sum"),
      row("difference", total(r.cashIn) - total(r.cashOut), "sum"),
      row("reserve before", r.reserveBefore),
      row("reserve after", r.reserveAfter),
    ].join("")}</tbody></table>`;
  });
  return `<div class="cards">${cards.join("")}</div>`;
}

export function renderHtml(report: DemoReport): string {
  const usd = (value: bigint) => formatAmount(value, report.stablecoinDecimals, 2);
  const symbol = report.stablecoinSymbol;
  const sources = [...new Set(report.periods.flatMap((period) => Object.keys(period.revenueBySource)))];
  const labels = [...new Set(report.parties.flatMap((party) => Object.keys(party.holdings)))];
  const lineage = report.lineage;
  const balance = report.energyBalance;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(report.title)}</title>
<style>
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #1d2330; padding: 0 1rem; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #dde; padding-bottom: .2rem; }
.scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { padding: 4px 8px; border-bottom: 1px solid #eef; text-align: left; white-space: nowrap; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
svg { width: 100%; height: auto; display: block; font-size: ${FONT}px; }
svg text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; fill: #1d2330; }
.grid { stroke: #e4e6ee; } .node { fill: #3b4a66; } .node.sink { fill: #8a93a8; } .node.source { fill: #59a14f; }
.flag { fill: #e15759; color: #e15759; font-weight: bold; } .axis-title { font-weight: 600; } .muted-text { fill: #667; }
.flow-label.value { fill: #4a5570; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem .9rem; margin: .3rem 0 1rem; font-size: 13px; } .key i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.key b { display: inline-block; width: 10px; margin-right: 4px; text-align: center; }
.muted { color: #667; } ul { margin-top: .3rem; padding-left: 1.2rem; }
.narrow-only { display: none; } .wide-only svg { max-width: 980px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .5rem 1.5rem; }
table.stack { margin-bottom: 1rem; } table.stack caption { text-align: left; font-weight: 600; padding: 4px 8px; }
table.stack th { font-weight: normal; white-space: normal; } tr.sum th, tr.sum td { font-weight: 600; border-top: 1px solid #99a; }
@media (max-width: 640px) {
  body { margin: 1rem auto; }
  h1 { font-size: 1.3rem; }
  .wide-only { display: none; } .narrow-only { display: block; }
}
</style>
</head>
<body>
<h1>${escape(report.title)}</h1>
<p class="muted">Seed ${report.seed} · ${escape(
    Object.entries(report.options)
      .map(([name, value]) => `${name} ${value}`)
      .join(" · "),
  )} · amounts in ${escape(symbol)}, energy in kWh/MWh</p>
<ul>${report.highlights.map((line) => `<li>${escape(line)}</li>`).join("")}</ul>

<h2>Waterfall per period</h2>
<p class="muted">Where each period's cash went, in ${escape(symbol)}. A bar is everything the period paid out, the reserve top-up included: its revenue plus what the reserve drew or released (see the reconciliation below).</p>
${responsive((width) => waterfallChart(report, width))}
${waterfallLegend(report)}
<p class="muted">Revenue the vault booked to each period, by source, in ${escape(symbol)}:</p>
${table(
  ["period", ...sources.map((source) => (source === "Other" ? "REC sales (other)" : source)), "total"],
  report.periods.map((period) => [
    `P${period.index}`,
    ...sources.map((source) => usd(period.revenueBySource[source] ?? 0n)),
    usd(Object.values(period.revenueBySource).reduce((a, b) => a + b, 0n)),
  ]),
  Array.from({ length: sources.length + 1 }, (_, index) => index + 1),
)}
<ul>${report.periods.flatMap((period) => period.notes.map((note) => `<li>P${period.index}: ${escape(note)}</li>`)).join("")}</ul>

<h2>Cash reconciliation per period</h2>
<p class="muted">From the vault's own figures for each distribution, in ${escape(symbol)}: revenue, the rounding remainder carried in and what the reserve drew or released (cash in) equal every payout and the reserve top-up (cash out). Arrears and principal shortfalls are owed, not paid: they are in the notes above.</p>
${reconciliationCards(report)}

<h2>From kilowatt-hours to coupons</h2>
<p class="muted">Columns, left to right: ${escape(
    report.flowColumns
      .map((column, index) => `${index + 1}. ${column.title} (${column.unit === "Wh" ? "MWh" : column.unit})`)
      .join(" · "),
  )}. Each node passes on what it receives; green nodes are where energy starts, grey ones where energy or cash stays (unsold, held, paid out, kept in the reserve). Where kWh are sold, a band is drawn in MWh on its left and in ${escape(symbol)} on its right.</p>
<p class="muted narrow-only">Swipe the chart sideways to see all ${report.flowColumns.length} columns.</p>
${flowChart(report)}

<h2>An average day at the site</h2>
<p class="muted">Solar follows the local solar time of ${escape(report.dayProfile.zone)}; the battery charges from the first farm at midday and discharges into the evening. Over the run the farms generated ${escape(formatEnergy(balance.solarGeneratedWh, 3))}, ${escape(formatEnergy(balance.batteryChargeWh, 3))} of it into the battery, which discharged ${escape(formatEnergy(balance.batteryDischargeWh, 3))}; the meters minted ${escape(formatEnergy(balance.mintedWh, 3))} of kWh, each kWh once.</p>
${responsive((width) => dayChart(report, width))}
${dayLegend()}

${
  lineage
    ? `<h2>Energy lineage of GPU-hour lot ${escape(lineage.lot)}</h2>
<p>${lineage.gpuHours} GPU-hours on ${escape(lineage.cluster)} used ${escape(formatEnergy(lineage.wattHoursUsed, 3))}:
${escape(formatEnergy(lineage.hourlyMatchedWh, 3))} hourly-matched, ${escape(formatEnergy(lineage.recMatchedWh, 3))} matched by RECs
(${(lineage.carbonFreeBps / 100).toFixed(2)}% carbon-free); revenue ${escape(usd(lineage.revenue))} ${escape(symbol)}.
The table shows the first ${lineage.batches.length} of ${lineage.batchCount} hourly kWh batches burned for it${lineage.recs.length > 0 ? `, and ${lineage.recs.map((rec) => `${rec.count} REC(s) of ${escape(rec.device)} (vintage ${escape(rec.vintage)})`).join(", ")} retired for the rest` : ""}.</p>
${table(
  ["device", "source", "zone", "hour (UTC)", `hour (local, ${utcOffset(report.dayProfile.utcOffsetHours)})`, "energy"],
  lineage.batches.map((batch) => [
    batch.device,
    batch.kind,
    batch.zone,
    new Date(batch.hourStart * 1000).toISOString().slice(0, 16).replace("T", " "),
    new Date((batch.hourStart + report.dayProfile.utcOffsetHours * 3600) * 1000)
      .toISOString()
      .slice(0, 16)
      .replace("T", " "),
    formatEnergy(batch.wattHours, 3),
  ]),
  [5],
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
