import type { FlowColumn, FlowLink, FlowNode, PeriodFigures } from "./model.js";

export interface FlowDevice {
  readonly name: string;
  /** kWh minted from the device's signed readings. */
  readonly mintedWh: bigint;
  /** Burned for delivered GPU-hours of the same hours. */
  readonly hourlyMatchedWh: bigint;
  /** Sold to the offtaker. */
  readonly soldWh: bigint;
  /** Sold to the grid operator with the flexibility it delivered. */
  readonly flexibilityWh: bigint;
  /** Locked behind certified RECs (1 MWh each). */
  readonly certifiedWh: bigint;
}

export interface FlowInput {
  readonly symbol: string;
  readonly devices: readonly FlowDevice[];
  readonly recsSoldWh: bigint;
  readonly recsRetiredForComputeWh: bigint;
  /** Revenue the vault booked over all periods, per source. */
  readonly revenue: { compute: bigint; recs: bigint; flexibility: bigint; energy: bigint };
  /** Every distributed period, as the vault reported it. */
  readonly periods: readonly PeriodFigures[];
}

export const FLOW_NODE = {
  computeEnergy: "GPU-hours (hourly kWh)",
  recsSold: "RECs sold",
  recsRetired: "RECs retired for GPUs",
  recsHeld: "RECs held",
  flexibility: "Grid flexibility",
  offtaker: "Offtaker PPA",
  unsold: "kWh unsold",
  computeRevenue: "Compute revenue",
  recRevenue: "REC sales",
  flexibilityRevenue: "Flexibility revenue",
  energyRevenue: "Energy revenue",
  vault: "Vault",
  fee: "Servicing fee",
  reserve: "Reserve (kept)",
  undistributed: "Not distributed yet",
} as const;

const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

/**
 * The value chain over the whole run, kWh to coupons: energy metered per device → what the energy became (Wh) →
 * revenue per source → the vault, where revenue is pooled → what the waterfall paid out or kept (stablecoin units).
 * Every node passes on exactly what it receives except sources (devices) and sinks (paid out, held, unsold, kept in
 * the reserve). Where kWh turn into dollars a link has a value at each end in its own unit; compute revenue is
 * attributed to the hourly-matched kWh and the retired RECs behind it in proportion to their Wh. Zero flows are left
 * out, and so are nodes that nothing reaches.
 */
export function buildFlow(input: FlowInput): { columns: FlowColumn[]; nodes: FlowNode[]; links: FlowLink[] } {
  const columns: FlowColumn[] = [
    { title: "Energy metered", unit: "Wh" },
    { title: "Energy sold or used", unit: "Wh" },
    { title: "Revenue", unit: input.symbol },
    { title: "Pooled in the vault", unit: input.symbol },
    { title: "Paid out or kept", unit: input.symbol },
  ];
  const kinds = new Map<string, { column: number; kind: FlowNode["kind"] }>();
  const links: FlowLink[] = [];
  const node = (name: string, column: number, kind: FlowNode["kind"]) => {
    if (!kinds.has(name)) kinds.set(name, { column, kind });
  };
  const link = (from: string, to: string, value: bigint, toValue = value) => {
    if (value < 0n || toValue < 0n) throw new Error(`flow ${from} → ${to} is negative (${value}, ${toValue})`);
    if (value > 0n || toValue > 0n) links.push({ from, to, value, toValue });
  };

  // Column 0 → 1: what each device's kWh became.
  let certifiedWh = 0n;
  for (const device of input.devices) {
    node(device.name, 0, "source");
    link(device.name, FLOW_NODE.computeEnergy, device.hourlyMatchedWh);
    certifiedWh += device.certifiedWh;
    link(device.name, FLOW_NODE.flexibility, device.flexibilityWh);
    link(device.name, FLOW_NODE.offtaker, device.soldWh);
    const used = device.hourlyMatchedWh + device.certifiedWh + device.flexibilityWh + device.soldWh;
    if (used > device.mintedWh)
      throw new Error(`${device.name} used ${used} Wh of the ${device.mintedWh} Wh it minted`);
    link(device.name, FLOW_NODE.unsold, device.mintedWh - used);
  }
  // RECs: the certified Wh of the devices behind them, by what became of the certificates.
  const recsHeldWh = certifiedWh - input.recsSoldWh - input.recsRetiredForComputeWh;
  for (const device of input.devices) {
    if (device.certifiedWh === 0n) continue;
    // Each device's certificates split in proportion; the last share takes the rounding.
    const share = (wh: bigint) => (certifiedWh === 0n ? 0n : (wh * device.certifiedWh) / certifiedWh);
    const sold = share(input.recsSoldWh);
    const retired = share(input.recsRetiredForComputeWh);
    link(device.name, FLOW_NODE.recsSold, sold);
    link(device.name, FLOW_NODE.recsRetired, retired);
    link(device.name, FLOW_NODE.recsHeld, device.certifiedWh - sold - retired);
  }
  if (recsHeldWh < 0n) throw new Error(`more RECs sold and retired than certified (${recsHeldWh} Wh)`);
  [
    FLOW_NODE.computeEnergy,
    FLOW_NODE.recsSold,
    FLOW_NODE.recsRetired,
    FLOW_NODE.flexibility,
    FLOW_NODE.offtaker,
  ].forEach((name) => node(name, 1, "pass"));
  node(FLOW_NODE.recsHeld, 1, "sink");
  node(FLOW_NODE.unsold, 1, "sink");

  // Column 1 → 2: kWh sold for dollars. Compute revenue is split over the energy behind the GPU-hours by Wh.
  const inflowWh = (name: string) => sum(links.filter((l) => l.to === name).map((l) => l.toValue));
  const hourlyWh = inflowWh(FLOW_NODE.computeEnergy);
  const retiredWh = inflowWh(FLOW_NODE.recsRetired);
  const { compute, recs, flexibility, energy } = input.revenue;
  if (hourlyWh + retiredWh > 0n) {
    const toRecs = (compute * retiredWh) / (hourlyWh + retiredWh);
    link(FLOW_NODE.computeEnergy, FLOW_NODE.computeRevenue, hourlyWh, compute - toRecs);
    link(FLOW_NODE.recsRetired, FLOW_NODE.computeRevenue, retiredWh, toRecs);
    node(FLOW_NODE.computeRevenue, 2, "pass");
  } else {
    // GPU-hours sold with no energy delivered yet: the revenue starts here.
    node(FLOW_NODE.computeRevenue, 2, "source");
  }
  link(FLOW_NODE.recsSold, FLOW_NODE.recRevenue, inflowWh(FLOW_NODE.recsSold), recs);
  link(FLOW_NODE.flexibility, FLOW_NODE.flexibilityRevenue, inflowWh(FLOW_NODE.flexibility), flexibility);
  link(FLOW_NODE.offtaker, FLOW_NODE.energyRevenue, inflowWh(FLOW_NODE.offtaker), energy);
  node(FLOW_NODE.recRevenue, 2, "pass");
  node(FLOW_NODE.flexibilityRevenue, 2, "pass");
  node(FLOW_NODE.energyRevenue, 2, "pass");

  // Column 2 → 3: revenue is pooled in the vault.
  node(FLOW_NODE.vault, 3, "pass");
  link(FLOW_NODE.computeRevenue, FLOW_NODE.vault, compute);
  link(FLOW_NODE.recRevenue, FLOW_NODE.vault, recs);
  link(FLOW_NODE.flexibilityRevenue, FLOW_NODE.vault, flexibility);
  link(FLOW_NODE.energyRevenue, FLOW_NODE.vault, energy);

  // Column 3 → 4: the waterfall over every period. The reserve's draws and releases net out to what it holds now;
  // a rounding remainder carried into a period was already counted in the previous period's equity residual.
  const periods = input.periods;
  const tranches = periods[0]?.tranches ?? [];
  const paid = new Map<string, bigint>();
  const pay = (name: string, amount: bigint) => paid.set(name, (paid.get(name) ?? 0n) + amount);
  for (const period of periods) {
    pay(FLOW_NODE.fee, period.feePaid);
    period.tranches.slice(0, -1).forEach((t) => pay(`${capitalize(t.name)} interest`, t.interestPaid));
    period.tranches.slice(0, -1).forEach((t) => pay(`${capitalize(t.name)} principal`, t.principalPaid));
    pay(`${capitalize(period.tranches.at(-1)?.name ?? "equity")} residual`, period.equityResidual);
    pay(`${capitalize(period.tranches.at(-1)?.name ?? "equity")} residual`, period.revenue - period.cashAvailable);
  }
  const reserve = periods.at(-1)?.reserveAfter ?? 0n;
  const order = [
    FLOW_NODE.fee,
    ...tranches.slice(0, -1).map((t) => `${capitalize(t.name)} interest`),
    ...tranches.slice(0, -1).map((t) => `${capitalize(t.name)} principal`),
    ...tranches.slice(-1).map((t) => `${capitalize(t.name)} residual`),
  ];
  for (const name of order) {
    node(name, 4, "sink");
    link(FLOW_NODE.vault, name, paid.get(name) ?? 0n);
  }
  node(FLOW_NODE.reserve, 4, "sink");
  link(FLOW_NODE.vault, FLOW_NODE.reserve, reserve);
  const revenueTotal = compute + recs + flexibility + energy;
  const out = sum([...paid.values()]) + reserve;
  if (out > revenueTotal) throw new Error(`the waterfall paid out ${out} from revenue of ${revenueTotal}`);
  node(FLOW_NODE.undistributed, 4, "sink");
  link(FLOW_NODE.vault, FLOW_NODE.undistributed, revenueTotal - out);

  const reached = new Set(links.flatMap((l) => [l.from, l.to]));
  const nodes: FlowNode[] = [...kinds]
    .filter(([name]) => reached.has(name))
    .map(([name, { column, kind }]) => ({
      name,
      column,
      kind,
      value:
        kind === "source"
          ? sum(links.filter((l) => l.from === name).map((l) => l.value))
          : sum(links.filter((l) => l.to === name).map((l) => l.toValue)),
    }));
  return { columns, nodes, links };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
