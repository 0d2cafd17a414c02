import type { Log, Provider } from "ethers";

import { ITrancheVault__factory } from "../typechain-types/factories/interfaces/ITrancheVault__factory.js";

/** What the waterfall did in one period, in step order (the `WaterfallDistributed` event's report). */
export interface VaultPeriodReport {
  readonly revenue: bigint;
  /** Revenue plus the rounding remainder carried from the previous period. */
  readonly cashAvailable: bigint;
  readonly feeDue: bigint;
  readonly feePaid: bigint;
  readonly reserveDrawn: bigint;
  readonly reserveToppedUp: bigint;
  readonly reserveReleased: bigint;
  readonly swept: bigint;
  readonly equityResidual: bigint;
  readonly coverageBps: bigint;
  readonly covenantBreached: boolean;
}

/** What one tranche was due and received in one period (a `TrancheServiced` event). */
export interface VaultTrancheReport {
  readonly interestDue: bigint;
  readonly interestPaid: bigint;
  readonly principalDue: bigint;
  readonly principalPaid: bigint;
  readonly allotted: bigint;
  /** The tranche's accumulator after the distribution, scaled by 1e18. */
  readonly cashPerNote: bigint;
}

/** One period of a tranche vault as its events record it. */
export interface VaultPeriod {
  readonly period: bigint;
  /** Revenue booked to the period, by `RevenueSource` (Compute, Energy, Flexibility, Other). */
  readonly revenueBySource: readonly bigint[];
  /** The waterfall, once the period was distributed. */
  readonly report?: VaultPeriodReport;
  /** Per tranche in priority order, once the period was distributed (empty before). */
  readonly tranches: readonly VaultTrancheReport[];
}

const VAULT = ITrancheVault__factory.createInterface();
const SOURCE_COUNT = 4;
const order = (log: Log) => [log.blockNumber, log.index] as const;
const before = (a: Log, b: Log) =>
  order(a)[0] < order(b)[0] || (order(a)[0] === order(b)[0] && order(a)[1] < order(b)[1]);

/**
 * Reads period `period` of the vault at `vault` from its events, from block `fromBlock` on: the revenue booked to it
 * by source (every receipt after the previous period's distribution and up to its own), and, once it was distributed,
 * its waterfall and each tranche's service. The vault keeps none of this in storage: only the events record it.
 */
export async function readVaultPeriod(
  provider: Provider,
  vault: string,
  period: bigint,
  fromBlock = 0,
): Promise<VaultPeriod> {
  const logs = (event: "WaterfallDistributed" | "TrancheServiced" | "RevenueReceived") =>
    provider.getLogs({ address: vault, fromBlock, topics: [VAULT.getEvent(event)!.topicHash] });
  const [distributions, services, receipts] = await Promise.all([
    logs("WaterfallDistributed"),
    logs("TrancheServiced"),
    logs("RevenueReceived"),
  ]);
  const distributionOf = (p: bigint) => distributions.find((log) => BigInt(log.topics[1]) === p);
  const opens = period > 1n ? distributionOf(period - 1n) : undefined;
  const closes = distributionOf(period);

  const revenueBySource: bigint[] = Array.from({ length: SOURCE_COUNT }, () => 0n);
  for (const log of receipts) {
    if (opens !== undefined && before(log, opens)) continue;
    if (closes !== undefined && !before(log, closes)) continue;
    const { source, amount } = VAULT.parseLog(log)!.args;
    revenueBySource[Number(source)] += amount as bigint;
  }
  if (closes === undefined) return { period, revenueBySource, tranches: [] };

  const r = VAULT.parseLog(closes)!.args.report;
  const report: VaultPeriodReport = {
    revenue: r.revenue,
    cashAvailable: r.cashAvailable,
    feeDue: r.feeDue,
    feePaid: r.feePaid,
    reserveDrawn: r.reserveDrawn,
    reserveToppedUp: r.reserveToppedUp,
    reserveReleased: r.reserveReleased,
    swept: r.swept,
    equityResidual: r.equityResidual,
    coverageBps: r.coverageBps,
    covenantBreached: r.covenantBreached,
  };
  const tranches = services
    .filter((log) => BigInt(log.topics[1]) === period)
    .map((log) => VAULT.parseLog(log)!.args)
    .sort((a, b) => Number(a.trancheId - b.trancheId))
    .map(({ report: t, cashPerNote }) => ({
      interestDue: t.interestDue as bigint,
      interestPaid: t.interestPaid as bigint,
      principalDue: t.principalDue as bigint,
      principalPaid: t.principalPaid as bigint,
      allotted: t.allotted as bigint,
      cashPerNote: cashPerNote as bigint,
    }));
  return { period, revenueBySource, report, tranches };
}
