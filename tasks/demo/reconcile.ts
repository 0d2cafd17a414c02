import type { PeriodFigures, Reconciliation, ReconciliationLine, WaterfallStep } from "./model.js";

const debtTranches = (figures: PeriodFigures) => figures.tranches.slice(0, -1);

/** A period's payouts in waterfall order: the fee, interest by seniority, the reserve, principal, equity. */
export function waterfallSteps(figures: PeriodFigures): WaterfallStep[] {
  return [
    { name: "servicing fee", amount: figures.feePaid },
    ...debtTranches(figures).map((tranche) => ({ name: `${tranche.name} interest`, amount: tranche.interestPaid })),
    { name: "reserve top-up", amount: figures.reserveToppedUp },
    ...debtTranches(figures).map((tranche) => ({ name: `${tranche.name} principal`, amount: tranche.principalPaid })),
    { name: `${figures.tranches.at(-1)?.name ?? "equity"} residual`, amount: figures.equityResidual },
  ];
}

/**
 * Where a period's cash came from and where it went, from the vault's own figures. Cash in: the period's revenue,
 * the rounding remainder carried from the previous period, what the reserve paid towards the fee and interest and
 * what it released above its target. Cash out: every waterfall step, the reserve top-up included; a covenant sweep
 * is part of the principal paid, and the residual tranche's rounding remainder, carried to the next period, is part
 * of the equity residual. What was due but not paid is listed apart: it is owed, not cash.
 */
export function reconcile(figures: PeriodFigures, reserveBefore: bigint): Reconciliation {
  const cashIn: ReconciliationLine[] = [
    { label: "revenue", amount: figures.revenue },
    { label: "carried in (rounding)", amount: figures.cashAvailable - figures.revenue },
    { label: "reserve drawn", amount: figures.reserveDrawn },
    { label: "reserve released", amount: figures.reserveReleased },
  ];
  const cashOut: ReconciliationLine[] = waterfallSteps(figures).map((step) => ({
    label: step.name,
    amount: step.amount,
  }));
  const unpaid: ReconciliationLine[] = [];
  if (figures.feeDue > figures.feePaid) {
    unpaid.push({ label: "servicing fee arrears", amount: figures.feeDue - figures.feePaid });
  }
  for (const tranche of debtTranches(figures)) {
    if (tranche.interestDue > tranche.interestPaid) {
      unpaid.push({ label: `${tranche.name} interest arrears`, amount: tranche.interestDue - tranche.interestPaid });
    }
    if (tranche.principalDue > tranche.principalPaid) {
      unpaid.push({ label: `${tranche.name} principal short`, amount: tranche.principalDue - tranche.principalPaid });
    }
  }
  return { cashIn, cashOut, unpaid, reserveBefore, reserveAfter: figures.reserveAfter };
}

/** The sum of a reconciliation's lines. */
export const total = (lines: readonly ReconciliationLine[]) => lines.reduce((sum, line) => sum + line.amount, 0n);
