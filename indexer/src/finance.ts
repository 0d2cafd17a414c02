// Finance: the tranche vault (funding, revenue by source and period, the waterfall's period and tranche reports,
// claims, redemptions, fees) and its tranche notes (ERC-20 holdings).
import { ponder } from "ponder:registry";
import {
  noteHolding,
  noteTransfer,
  tranche,
  trancheReport,
  vault,
  vaultFlow,
  vaultPeriod,
  vaultRevenue,
} from "ponder:schema";

import { REVENUE_SOURCES, logColumns, sameAddress } from "./util";

const on = ponder.on.bind(ponder) as any;
const ZERO = "0x0000000000000000000000000000000000000000";

const notesOf = (context: any): `0x${string}`[] => {
  const address = context.contracts.TrancheNote.address;
  return Array.isArray(address) ? address : [address];
};

/** The vault's row, created with one row per tranche on its first event (or its notes' first transfer). */
async function vaultOf(event: any, context: any, address: `0x${string}` = event.log.address) {
  const chainId = context.chain.id;
  const existing = await context.db.find(vault, { chainId, address });
  if (existing) return existing;
  const notes = notesOf(context);
  for (const [trancheId, note] of notes.entries()) {
    await context.db.insert(tranche).values({
      chainId,
      vault: address,
      trancheId,
      note,
      subscribedUsdc6: 0n,
      refundedUsdc6: 0n,
      interestPaidUsdc6: 0n,
      principalPaidUsdc6: 0n,
      allottedUsdc6: 0n,
      writtenDownUsdc6: 0n,
      claimedUsdc6: 0n,
      redeemedUsdc6: 0n,
      notesOutstanding: 0n,
    });
  }
  return context.db.insert(vault).values({
    chainId,
    address,
    state: "funding",
    raisedUsdc6: 0n,
    drawnUsdc6: 0n,
    lastDistributedPeriod: 0,
    pendingRevenueUsdc6: 0n,
    revenueUsdc6: 0n,
    feesPaidUsdc6: 0n,
    covenantBreached: false,
  });
}

async function flow(event: any, context: any, kind: string, values: object) {
  await context.db
    .insert(vaultFlow)
    .values({ ...logColumns(event, context), vault: event.log.address, kind, ...values });
}

async function holding(
  context: any,
  vaultAddress: `0x${string}`,
  trancheId: number,
  holder: `0x${string}`,
  change: object,
) {
  const key = { chainId: context.chain.id, vault: vaultAddress, trancheId, holder };
  await context.db
    .insert(noteHolding)
    .values({ ...key, notes: 0n, subscribedUsdc6: 0n, claimedUsdc6: 0n, redeemedUsdc6: 0n })
    .onConflictDoNothing();
  await context.db.update(noteHolding, key).set((row: any) => {
    const next: any = {};
    for (const [column, delta] of Object.entries(change)) next[column] = row[column] + (delta as bigint);
    return next;
  });
}

const trancheKey = (context: any, event: any, trancheId: bigint | number) => ({
  chainId: context.chain.id,
  vault: event.log.address,
  trancheId: Number(trancheId),
});

on("TrancheVault:Subscribed", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { trancheId, investor, amount } = event.args;
  await flow(event, context, "subscribed", { trancheId: Number(trancheId), account: investor, amountUsdc6: amount });
  await context.db
    .update(tranche, trancheKey(context, event, trancheId))
    .set((row: any) => ({ subscribedUsdc6: row.subscribedUsdc6 + amount }));
  await holding(context, event.log.address, Number(trancheId), investor, { subscribedUsdc6: amount });
});

on("TrancheVault:FundingClosed", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { startTime, raised } = event.args;
  await context.db
    .update(vault, { chainId: context.chain.id, address: event.log.address })
    .set({ state: "active", startTime, raisedUsdc6: raised });
  await flow(event, context, "funding-closed", { amountUsdc6: raised });
});

on("TrancheVault:FundingFailed", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { raised } = event.args;
  await context.db
    .update(vault, { chainId: context.chain.id, address: event.log.address })
    .set({ state: "failed", raisedUsdc6: raised });
  await flow(event, context, "funding-failed", { amountUsdc6: raised });
});

on("TrancheVault:Refunded", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { trancheId, investor, receiver, notes, amount } = event.args;
  await flow(event, context, "refunded", {
    trancheId: Number(trancheId),
    account: investor,
    receiver,
    notes,
    amountUsdc6: amount,
  });
  await context.db
    .update(tranche, trancheKey(context, event, trancheId))
    .set((row: any) => ({ refundedUsdc6: row.refundedUsdc6 + amount }));
});

on("TrancheVault:Drawn", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { projectWallet, amount } = event.args;
  await context.db
    .update(vault, { chainId: context.chain.id, address: event.log.address })
    .set((row: any) => ({ drawnUsdc6: row.drawnUsdc6 + amount }));
  await flow(event, context, "drawn", { account: projectWallet, amountUsdc6: amount });
});

// Revenue counts towards the period after the last distributed one (the vault's open period): the vault keeps no
// per-period history, so these events are its only record.
on("TrancheVault:RevenueReceived", async ({ event, context }: any) => {
  const current = await vaultOf(event, context);
  const { source, payer, amount } = event.args;
  const period = current.lastDistributedPeriod + 1;
  const sourceName = REVENUE_SOURCES[Number(source)] ?? "other";
  await context.db.insert(vaultRevenue).values({
    ...logColumns(event, context),
    vault: event.log.address,
    period,
    source: sourceName,
    payer,
    amountUsdc6: amount,
  });
  const column = `${sourceName}RevenueUsdc6` as const;
  await context.db
    .insert(vaultPeriod)
    .values({
      ...emptyPeriod(context, event, period),
      [column]: amount,
    })
    .onConflictDoUpdate((row: any) => ({ [column]: row[column] + amount }));
  await context.db.update(vault, { chainId: context.chain.id, address: event.log.address }).set((row: any) => ({
    pendingRevenueUsdc6: row.pendingRevenueUsdc6 + amount,
    revenueUsdc6: row.revenueUsdc6 + amount,
  }));
});

const emptyPeriod = (context: any, event: any, period: number) => ({
  chainId: context.chain.id,
  vault: event.log.address,
  period,
  computeRevenueUsdc6: 0n,
  energyRevenueUsdc6: 0n,
  flexibilityRevenueUsdc6: 0n,
  otherRevenueUsdc6: 0n,
  distributed: false,
});

on("TrancheVault:TrancheServiced", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { period, trancheId, report, cashPerNote } = event.args;
  await context.db.insert(trancheReport).values({
    chainId: context.chain.id,
    vault: event.log.address,
    period: Number(period),
    trancheId: Number(trancheId),
    interestDueUsdc6: report.interestDue,
    interestPaidUsdc6: report.interestPaid,
    principalDueUsdc6: report.principalDue,
    principalPaidUsdc6: report.principalPaid,
    allottedUsdc6: report.allotted,
    cashPerNote,
  });
  await context.db.update(tranche, trancheKey(context, event, trancheId)).set((row: any) => ({
    interestPaidUsdc6: row.interestPaidUsdc6 + report.interestPaid,
    principalPaidUsdc6: row.principalPaidUsdc6 + report.principalPaid,
    allottedUsdc6: row.allottedUsdc6 + report.allotted,
  }));
});

on("TrancheVault:WaterfallDistributed", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const period = Number(event.args.period);
  const r = event.args.report;
  const report = {
    distributed: true,
    distributedAt: event.block.timestamp,
    revenueUsdc6: r.revenue,
    cashAvailableUsdc6: r.cashAvailable,
    feeDueUsdc6: r.feeDue,
    feePaidUsdc6: r.feePaid,
    reserveDrawnUsdc6: r.reserveDrawn,
    reserveToppedUpUsdc6: r.reserveToppedUp,
    reserveReleasedUsdc6: r.reserveReleased,
    sweptUsdc6: r.swept,
    equityResidualUsdc6: r.equityResidual,
    coverageBps: r.coverageBps,
    covenantBreached: r.covenantBreached,
  };
  await context.db
    .insert(vaultPeriod)
    .values({ ...emptyPeriod(context, event, period), ...report })
    .onConflictDoUpdate(report);
  await context.db
    .update(vault, { chainId: context.chain.id, address: event.log.address })
    .set({ lastDistributedPeriod: period, pendingRevenueUsdc6: 0n, covenantBreached: r.covenantBreached });
});

async function covenant(event: any, context: any, state: "breached" | "cured") {
  await vaultOf(event, context);
  const period = Number(event.args.period);
  await context.db
    .insert(vaultPeriod)
    .values({ ...emptyPeriod(context, event, period), covenantEvent: state, coverageBps: event.args.coverageBps })
    .onConflictDoUpdate({ covenantEvent: state });
}
on("TrancheVault:CovenantBreached", ({ event, context }: any) => covenant(event, context, "breached"));
on("TrancheVault:CovenantCured", ({ event, context }: any) => covenant(event, context, "cured"));

on("TrancheVault:VaultMatured", async ({ event, context }: any) => {
  await vaultOf(event, context);
  await context.db
    .update(vault, { chainId: context.chain.id, address: event.log.address })
    .set({ state: "matured", maturedPeriod: Number(event.args.period) });
  await flow(event, context, "matured", {});
});

on("TrancheVault:PrincipalWrittenDown", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { trancheId, amount, principalAfter } = event.args;
  await context.db.update(tranche, trancheKey(context, event, trancheId)).set((row: any) => ({
    writtenDownUsdc6: row.writtenDownUsdc6 + amount,
    principalAfterWriteDownUsdc6: principalAfter,
  }));
  await flow(event, context, "written-down", { trancheId: Number(trancheId), amountUsdc6: amount });
});

on("TrancheVault:Claimed", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { trancheId, holder, receiver, amount } = event.args;
  await flow(event, context, "claimed", {
    trancheId: Number(trancheId),
    account: holder,
    receiver,
    amountUsdc6: amount,
  });
  await context.db
    .update(tranche, trancheKey(context, event, trancheId))
    .set((row: any) => ({ claimedUsdc6: row.claimedUsdc6 + amount }));
  await holding(context, event.log.address, Number(trancheId), holder, { claimedUsdc6: amount });
});

on("TrancheVault:Redeemed", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { trancheId, holder, receiver, notes, amount } = event.args;
  await flow(event, context, "redeemed", {
    trancheId: Number(trancheId),
    account: holder,
    receiver,
    notes,
    amountUsdc6: amount,
  });
  await context.db
    .update(tranche, trancheKey(context, event, trancheId))
    .set((row: any) => ({ redeemedUsdc6: row.redeemedUsdc6 + amount }));
  await holding(context, event.log.address, Number(trancheId), holder, { redeemedUsdc6: amount });
});

on("TrancheVault:FeesPaid", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { recipient, amount } = event.args;
  await context.db
    .update(vault, { chainId: context.chain.id, address: event.log.address })
    .set((row: any) => ({ feesPaidUsdc6: row.feesPaidUsdc6 + amount }));
  await flow(event, context, "fees", { account: recipient, amountUsdc6: amount });
});

on("TrancheVault:FeeRecipientSet", async ({ event, context }: any) => {
  await vaultOf(event, context);
  await context.db
    .update(vault, { chainId: context.chain.id, address: event.log.address })
    .set({ feeRecipient: event.args.current });
  await flow(event, context, "fee-recipient", { account: event.args.previous, receiver: event.args.current });
});

on("TrancheVault:RaiseUnwound", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { refundable } = event.args;
  await context.db.update(vault, { chainId: context.chain.id, address: event.log.address }).set({ state: "failed" });
  await flow(event, context, "unwound", { amountUsdc6: refundable });
});

on("TrancheVault:RecoveryAnnounced", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { lost, replacement } = event.args;
  await flow(event, context, "recovery-announced", { account: lost, receiver: replacement });
});

on("TrancheVault:RecoveryCancelled", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { lost } = event.args;
  await flow(event, context, "recovery-cancelled", { account: lost });
});

on("TrancheVault:NotesRecovered", async ({ event, context }: any) => {
  await vaultOf(event, context);
  const { trancheId, lost, replacement, notes, claimable } = event.args;
  await flow(event, context, "notes-recovered", {
    trancheId: Number(trancheId),
    account: lost,
    receiver: replacement,
    notes,
    amountUsdc6: claimable,
  });
});

// Note balances follow the ERC-20 transfers of each tranche's note (mints on subscription, burns on redemption).
on("TrancheNote:Transfer", async ({ event, context }: any) => {
  const { from, to, value } = event.args;
  const notes = notesOf(context);
  const trancheId = notes.findIndex((note) => sameAddress(note, event.log.address));
  const vaultAddress = context.contracts.TrancheVault.address as `0x${string}`;
  await vaultOf(event, context, vaultAddress);
  await context.db.insert(noteTransfer).values({
    ...logColumns(event, context),
    note: event.log.address,
    trancheId,
    from,
    to,
    notes: value,
  });
  if (from !== ZERO) await holding(context, vaultAddress, trancheId, from, { notes: -value });
  if (to !== ZERO) await holding(context, vaultAddress, trancheId, to, { notes: value });
  const minted: bigint = from === ZERO ? value : 0n;
  const burned: bigint = to === ZERO ? value : 0n;
  const outstanding = minted - burned;
  if (outstanding !== 0n) {
    const row = await context.db.find(tranche, { chainId: context.chain.id, vault: vaultAddress, trancheId });
    if (row) {
      await context.db
        .update(tranche, { chainId: context.chain.id, vault: vaultAddress, trancheId })
        .set({ notesOutstanding: row.notesOutstanding + outstanding });
    }
  }
});
