/** What the demo measures and reports. Amounts are integers: stablecoin base units, Wh, GPU-hours, gas. */

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

export interface PeriodReport {
  readonly index: number;
  readonly revenueBySource: Record<string, bigint>;
  readonly steps: readonly WaterfallStep[];
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

/** A link of the value-chain flow chart; columns run energy sources -> uses -> revenue -> recipients. */
export interface FlowLink {
  readonly from: string;
  readonly to: string;
  /** Wh from energy sources to their uses; stablecoin base units from there on. */
  readonly value: bigint;
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
  /** Columns of the flow chart, left to right, each a list of node names. */
  readonly flowColumns: readonly (readonly string[])[];
  readonly flowColumnUnits: readonly string[];
  readonly flow: readonly FlowLink[];
  readonly gas: readonly GasLine[];
}
