import { type TrancheVault, TrancheNote__factory } from "../../../typechain-types/index.js";
import { readVaultPeriod } from "../../../sdk/vault.js";
import { renderTable } from "../../common/table.js";
import { formatCoverage, REVENUE_SOURCES } from "../parse.js";

/** Prints the waterfall of each listed (distributed) period and, per tranche, what was due and what was paid. */
export async function printPeriods(vault: TrancheVault, format: (value: bigint) => string, periods: bigint[]) {
  if (periods.length === 0) return;
  const trancheCount = await vault.trancheCount();
  const names: string[] = [];
  for (let id = 0n; id < trancheCount; id++) names.push(await trancheSymbol(vault, id));

  const waterfall: string[][] = [];
  const service: string[][] = [];
  for (const period of periods) {
    const { report, tranches } = await readVaultPeriod(vault.runner!.provider!, await vault.getAddress(), period);
    if (report === undefined) throw new Error(`period ${period} was not distributed`);
    waterfall.push([
      period.toString(),
      format(report.revenue),
      format(report.cashAvailable),
      format(report.feePaid),
      format(report.reserveDrawn),
      format(report.reserveToppedUp),
      format(report.swept),
      format(report.equityResidual),
      formatCoverage(report.coverageBps),
      report.covenantBreached ? "breached" : "ok",
    ]);
    for (let id = 0n; id < trancheCount; id++) {
      const tranche = tranches[Number(id)];
      service.push([
        period.toString(),
        names[Number(id)],
        format(tranche.interestDue),
        format(tranche.interestPaid),
        format(tranche.principalDue),
        format(tranche.principalPaid),
        format(tranche.allotted),
      ]);
    }
  }
  console.log(
    renderTable(
      [
        "period",
        "revenue",
        "cash",
        "fee paid",
        "reserve drawn",
        "reserve added",
        "swept",
        "equity",
        "coverage",
        "covenant",
      ],
      waterfall,
      [1, 2, 3, 4, 5, 6, 7, 8],
    ),
  );
  console.log();
  console.log(
    renderTable(
      ["period", "tranche", "interest due", "interest paid", "principal due", "principal paid", "allotted"],
      service,
      [2, 3, 4, 5, 6],
    ),
  );
}

/** The note symbol of a tranche (`JSN-SR`), for table rows. */
export async function trancheSymbol(vault: TrancheVault, trancheId: bigint): Promise<string> {
  const { note } = await vault.tranche(trancheId);
  return TrancheNote__factory.connect(note, vault.runner).symbol();
}

/** The revenue received for a period, per source, as the vault's events record it. */
export async function revenueBySource(vault: TrancheVault, period: bigint): Promise<[string, bigint][]> {
  const { revenueBySource } = await readVaultPeriod(vault.runner!.provider!, await vault.getAddress(), period);
  return REVENUE_SOURCES.map((name, source) => [name, revenueBySource[source]] as [string, bigint]);
}
