// Compute: GPU clusters and their bonds, compute windows (GPU-hour credits), sales, redemptions, revenue, refunds
// and delivery lots with the kWh and RECs attributed to them.
import { ponder } from "ponder:registry";
import {
  bondMovement,
  cluster,
  computePayment,
  computeWindow,
  creditRedemption,
  creditSale,
  deliveryLot,
  lotKwh,
  lotRec,
} from "ponder:schema";

import { onTransfers } from "./tokens";
import { logColumns, zoneToString } from "./util";

const on = ponder.on.bind(ponder) as any;

on("ComputeMarket:ClusterRegistered", async ({ event, context }: any) => {
  const { clusterId, provider, operator, gpuClass, gpuCount, gridZone, minWhPerGpuHour, maxWhPerGpuHour } = event.args;
  await context.db.insert(cluster).values({
    chainId: context.chain.id,
    clusterId,
    provider,
    operator,
    gpuClass,
    gpuCount: Number(gpuCount),
    gridZone: zoneToString(gridZone),
    minWhPerGpuHour: BigInt(minWhPerGpuHour),
    maxWhPerGpuHour: BigInt(maxWhPerGpuHour),
    bondUsdc6: 0n,
    registeredAt: event.block.timestamp,
  });
});

on("ComputeMarket:ClusterOperatorChanged", async ({ event, context }: any) => {
  const { clusterId, newOperator } = event.args;
  await context.db.update(cluster, { chainId: context.chain.id, clusterId }).set({ operator: newOperator });
});

on("ComputeMarket:ClusterPayoutChanged", async ({ event, context }: any) => {
  const { clusterId, payout, payoutIsIntake } = event.args;
  await context.db.update(cluster, { chainId: context.chain.id, clusterId }).set({ payout, payoutIsIntake });
});

async function bond(event: any, context: any, kind: string, clusterId: bigint, amount: bigint, extra: object) {
  await context.db
    .insert(bondMovement)
    .values({ ...logColumns(event, context), clusterId, kind, amountUsdc6: amount, ...extra });
  const sign = kind === "posted" ? 1n : -1n;
  await context.db
    .update(cluster, { chainId: context.chain.id, clusterId })
    .set((row: any) => ({ bondUsdc6: row.bondUsdc6 + sign * amount }));
}

on("ComputeMarket:BondPosted", async ({ event, context }: any) => {
  const { clusterId, from, amount } = event.args;
  await bond(event, context, "posted", clusterId, amount, { account: from });
});

on("ComputeMarket:BondWithdrawn", async ({ event, context }: any) => {
  const { clusterId, to, amount } = event.args;
  await bond(event, context, "withdrawn", clusterId, amount, { account: to });
});

// A bond released for a window goes to the window's refunds, which RefundPaid reports holder by holder.
on("ComputeMarket:BondReleased", async ({ event, context }: any) => {
  const { creditId, clusterId, amount } = event.args;
  await bond(event, context, "released", clusterId, amount, { creditId });
});

on("ComputeMarket:WindowOffered", async ({ event, context }: any) => {
  const { creditId, clusterId, start, end, capacity, pricePerGpuHour } = event.args;
  await context.db.insert(computeWindow).values({
    chainId: context.chain.id,
    creditId,
    clusterId,
    windowStart: start,
    windowEnd: end,
    capacityGpuHours: capacity,
    pricePerGpuHourUsdc6: pricePerGpuHour,
    soldGpuHours: 0n,
    redeemedGpuHours: 0n,
    salesUsdc6: 0n,
    refundsUsdc6: 0n,
    status: "offered",
    offeredAt: event.block.timestamp,
  });
});

on("ComputeMarket:CreditsSold", async ({ event, context }: any) => {
  const { creditId, buyer, receiver, gpuHours, cost } = event.args;
  await context.db
    .insert(creditSale)
    .values({ ...logColumns(event, context), creditId, buyer, receiver, gpuHours, costUsdc6: cost });
  await context.db
    .update(computeWindow, { chainId: context.chain.id, creditId })
    .set((row: any) => ({ soldGpuHours: row.soldGpuHours + gpuHours, salesUsdc6: row.salesUsdc6 + cost }));
});

// A sale's proceeds accrue to the cluster's payout; they leave the market later with ProceedsPaid.
on("ComputeMarket:ComputeRevenueAccrued", async ({ event, context }: any) => {
  const { creditId, clusterId, payout, amount, viaIntake } = event.args;
  await context.db.insert(computePayment).values({
    ...logColumns(event, context),
    kind: "revenue",
    creditId,
    clusterId,
    account: payout,
    viaIntake,
    amountUsdc6: amount,
  });
});

on("ComputeMarket:ProceedsPaid", async ({ event, context }: any) => {
  const { payee, to, amount, viaIntake } = event.args;
  await context.db.insert(computePayment).values({
    ...logColumns(event, context),
    kind: "proceeds",
    account: payee,
    receiver: to,
    viaIntake,
    amountUsdc6: amount,
  });
});

on("ComputeMarket:RefundPaid", async ({ event, context }: any) => {
  const { creditId, holder, amount } = event.args;
  await context.db.insert(computePayment).values({
    ...logColumns(event, context),
    kind: "refund",
    creditId,
    account: holder,
    amountUsdc6: amount,
  });
  await context.db
    .update(computeWindow, { chainId: context.chain.id, creditId })
    .set((row: any) => ({ refundsUsdc6: row.refundsUsdc6 + amount }));
});

on("ComputeMarket:CreditsRedeemed", async ({ event, context }: any) => {
  const { creditId, holder, jobReference, gpuHours } = event.args;
  await context.db
    .insert(creditRedemption)
    .values({ ...logColumns(event, context), creditId, holder, jobReference, gpuHours });
  await context.db
    .update(computeWindow, { chainId: context.chain.id, creditId })
    .set((row: any) => ({ redeemedGpuHours: row.redeemedGpuHours + gpuHours }));
});

on("ComputeMarket:KwhAttributed", async ({ event, context }: any) => {
  const { creditId, kwhBatchId, deviceId, hourStart, gridZone, kind, wh } = event.args;
  await context.db.insert(lotKwh).values({
    ...logColumns(event, context),
    creditId,
    batchId: kwhBatchId,
    deviceId,
    hourStart,
    gridZone: zoneToString(gridZone),
    kind: Number(kind),
    wh,
  });
});

on("ComputeMarket:RecsAttributed", async ({ event, context }: any) => {
  const { creditId, recId, receiptId, recs, wh } = event.args;
  await context.db
    .insert(lotRec)
    .values({ ...logColumns(event, context), creditId, certificateId: recId, receiptId, recs, wh });
});

on("ComputeMarket:DeliveryRecorded", async ({ event, context }: any) => {
  const a = event.args;
  await context.db.insert(deliveryLot).values({
    chainId: context.chain.id,
    creditId: a.creditId,
    clusterId: a.clusterId,
    gpuHoursDelivered: a.gpuHoursDelivered,
    gpuHoursRedeemed: a.gpuHoursRedeemed,
    whUsed: a.whUsed,
    whHourlyMatched: a.whHourlyMatched,
    whRecMatched: a.whRecMatched,
    carbonFreeBps: Number(a.carbonFreeBps),
    recordedAt: event.block.timestamp,
    blockNumber: event.block.number,
    transactionHash: event.transaction.hash,
  });
  await context.db
    .update(computeWindow, { chainId: context.chain.id, creditId: a.creditId })
    .set({ status: "delivered" });
});

on("ComputeMarket:DeliveryLapsed", async ({ event, context }: any) => {
  const { creditId } = event.args;
  await context.db.update(computeWindow, { chainId: context.chain.id, creditId }).set({ status: "lapsed" });
});

onTransfers(ponder, "ComputeMarket", "compute");
