/** What the demo measures and reports. Amounts are integers: stablecoin base units, Wh, GPU-hours, gas. */

import type { VaultPeriodReport } from "../../sdk/vault.js";

export interface Party {
  readonly name: string;
  readonly role: string;
  readonly address: string;
  /** Label -> formatted value, e.g. { "tUSD": "1,234.50", "kWh": "12.3 MWh" }. */
  readonly holdings: Record<string, string>;
}

/** One step of a period's waterfall: who got how much. */
export interface WaterfallStep {
  readonly name: string;
  readonly amount: bigint;
}

/** What the waterfall did for one tranche in one period, as the vault reported it. */
export interface TrancheFigures {
  readonly name: string;
  readonly interestDue: bigint;
  readonly interestPaid: bigint;
  readonly principalDue: bigint;
  readonly principalPaid: bigint;
  readonly allotted: bigint;
}

/** A distributed period as the vault reported it on chain (stablecoin base units; coverage in basis points). */
export interface PeriodFigures extends VaultPeriodReport {
  readonly period: number;
  readonly revenueBySource: Record<string, bigint>;
  /** Debt tranches first, the residual (equity) tranche last. */
  readonly tranches: readonly TrancheFigures[];
  /** The reserve's balance right after the distribution. */
  readonly reserveAfter: bigint;
}

/** A labelled amount of a reconciliation. */
export interface ReconciliationLine {
  readonly label: string;
  readonly amount: bigint;
}

/**
 * Where a period's cash came from and where it went: `cashIn` and `cashOut` add up to the same amount. `unpaid`
 * lists what was due but not paid (arrears and principal shortfalls carried to later periods): debts, not cash.
 */
export interface Reconciliation {
  readonly cashIn: readonly ReconciliationLine[];
  readonly cashOut: readonly ReconciliationLine[];
  readonly unpaid: readonly ReconciliationLine[];
  readonly reserveBefore: bigint;
  readonly reserveAfter: bigint;
}

export interface PeriodReport {
  readonly index: number;
  /** The revenue the vault booked to the period, per source (read on chain). */
  readonly revenueBySource: Record<string, bigint>;
  /** The revenue the demo paid into the vault during the period, per source (its own bookkeeping). */
  readonly paidInBySource: Record<string, bigint>;
  /** The payouts, in waterfall order. */
  readonly steps: readonly WaterfallStep[];
  readonly figures: PeriodFigures;
  readonly reconciliation: Reconciliation;
  /** Coverage as the operator tasks print it, e.g. `1.20x`. */
  readonly coverage: string;
  /** Facts worth a person's attention: shortfall, arrears, reserve draw, covenant breach or cure. */
  readonly notes: readonly string[];
}

export interface LineageBatch {
  readonly device: string;
  readonly kind: string;
  readonly zone: string;
  readonly hourStart: number;
  readonly wattHours: bigint;
}

export interface LotLineage {
  readonly lot: string;
  readonly cluster: string;
  readonly gpuHours: bigint;
  readonly wattHoursUsed: bigint;
  readonly hourlyMatchedWh: bigint;
  readonly recMatchedWh: bigint;
  /** The first batches behind the lot (the report shows a sample). */
  readonly batches: readonly LineageBatch[];
  /** How many hourly batches are behind the lot in all. */
  readonly batchCount: number;
  readonly carbonFreeBps: number;
  readonly recs: readonly { readonly device: string; readonly vintage: string; readonly count: bigint }[];
  readonly revenue: bigint;
}

/** A column of the value-chain flow chart, e.g. { title: "Revenue", unit: "tUSD" }. */
export interface FlowColumn {
  readonly title: string;
  /** "Wh" (shown as kWh/MWh) or the stablecoin's symbol. */
  readonly unit: string;
}

/**
 * A node of the flow chart. A `source` only sends, a `sink` only receives (energy or cash that stays where it is:
 * unsold, held, in the reserve), and every other node passes on exactly what it receives.
 */
export interface FlowNode {
  readonly name: string;
  readonly column: number;
  readonly kind: "source" | "pass" | "sink";
  /** In its column's unit: what a source sends, what any other node receives. */
  readonly value: bigint;
}

/**
 * A link of the flow chart between nodes of adjacent columns. `value` is in the sending column's unit, `toValue` in
 * the receiving column's; they differ only where the unit changes (kWh sold for dollars).
 */
export interface FlowLink {
  readonly from: string;
  readonly to: string;
  readonly value: bigint;
  readonly toValue: bigint;
}

/** The site's average day by local hour: what the farms generated and what the battery shifted, in Wh. */
export interface DayProfile {
  readonly zone: string;
  readonly utcOffsetHours: number;
  readonly days: number;
  /** Per local hour 0..23, summed over every day (divide by `days` for the average). */
  readonly solarGeneratedWh: readonly bigint[];
  readonly batteryChargeWh: readonly bigint[];
  readonly batteryDischargeWh: readonly bigint[];
}

/** The site's energy balance over the whole run, in Wh. */
export interface EnergyBalance {
  readonly solarGeneratedWh: bigint;
  readonly batteryChargeWh: bigint;
  readonly batteryDischargeWh: bigint;
  /** kWh minted from every device's signed readings. */
  readonly mintedWh: bigint;
}

export interface GasLine {
  readonly operation: string;
  readonly count: number;
  readonly totalGas: bigint;
}

export interface DemoReport {
  readonly title: string;
  readonly seed: number;
  readonly options: Record<string, number>;
  readonly stablecoinSymbol: string;
  readonly stablecoinDecimals: number;
  readonly highlights: readonly string[];
  readonly parties: readonly Party[];
  readonly periods: readonly PeriodReport[];
  readonly lineage?: LotLineage;
  /** The flow chart: columns left to right, nodes (each in one column) and links between adjacent columns. */
  readonly flowColumns: readonly FlowColumn[];
  readonly flowNodes: readonly FlowNode[];
  readonly flow: readonly FlowLink[];
  readonly dayProfile: DayProfile;
  readonly energyBalance: EnergyBalance;
  readonly gas: readonly GasLine[];
}
