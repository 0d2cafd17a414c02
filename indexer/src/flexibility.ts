// Flexibility: requests with escrow, staked commitments (ERC-1155 positions), settlements and payments.
import { ponder } from "ponder:registry";
import { device, flexCommitment, flexPayment, flexRequest } from "ponder:schema";

import { onTransfers } from "./tokens";
import { FLEX_DIRECTIONS, logColumns, zoneToString } from "./util";

const on = ponder.on.bind(ponder) as any;

on("FlexibilityMarket:RequestOpened", async ({ event, context }: any) => {
  const { requestId, buyer, terms, escrow } = event.args;
  await context.db.insert(flexRequest).values({
    chainId: context.chain.id,
    requestId,
    buyer,
    gridZone: zoneToString(terms.gridZone),
    direction: FLEX_DIRECTIONS[Number(terms.direction)] ?? `direction-${terms.direction}`,
    windowStart: terms.windowStart,
    windowEnd: terms.windowEnd,
    commitDeadline: terms.commitDeadline,
    settlementDeadline: terms.settlementDeadline,
    capacityW: terms.capacityW,
    pricePerWhUsdc6: terms.pricePerWh,
    stakeBps: Number(terms.stakeBps),
    readingTolerance: BigInt(terms.readingTolerance),
    escrowUsdc6: escrow,
    committedW: 0n,
    paidUsdc6: 0n,
    openedAt: event.block.timestamp,
  });
});

on("FlexibilityMarket:CommitmentMade", async ({ event, context }: any) => {
  const { commitmentId, requestId, deviceId, provider, payee, capacityW, stake } = event.args;
  await context.db.insert(flexCommitment).values({
    chainId: context.chain.id,
    commitmentId,
    requestId,
    deviceId,
    provider,
    payee,
    capacityW,
    stakeUsdc6: stake,
    committedAt: event.block.timestamp,
    settled: false,
  });
  await context.db
    .update(flexRequest, { chainId: context.chain.id, requestId })
    .set((row: any) => ({ committedW: row.committedW + capacityW }));
});

on("FlexibilityMarket:PayeeChanged", async ({ event, context }: any) => {
  const { commitmentId, payee } = event.args;
  await context.db.update(flexCommitment, { chainId: context.chain.id, commitmentId }).set({ payee });
});

on("FlexibilityMarket:DeliveryMeasured", async ({ event, context }: any) => {
  const { commitmentId, startTimestamp, endTimestamp, startWh, endWh } = event.args;
  await context.db.update(flexCommitment, { chainId: context.chain.id, commitmentId }).set({
    measuredFrom: BigInt(startTimestamp),
    measuredTo: BigInt(endTimestamp),
    measuredFromWh: startWh,
    measuredToWh: endWh,
  });
});

on("FlexibilityMarket:CommitmentSettled", async ({ event, context }: any) => {
  const { commitmentId, requestId, deliveredWh, payout, slashed, stakeReturned } = event.args;
  const commitment = await context.db.update(flexCommitment, { chainId: context.chain.id, commitmentId }).set({
    settled: true,
    settledAt: event.block.timestamp,
    deliveredWh,
    payoutUsdc6: payout,
    slashedUsdc6: slashed,
    stakeReturnedUsdc6: stakeReturned,
  });
  await context.db
    .update(flexRequest, { chainId: context.chain.id, requestId })
    .set((row: any) => ({ paidUsdc6: row.paidUsdc6 + payout }));
  const proving = await context.db.find(device, { chainId: context.chain.id, deviceId: commitment.deviceId });
  if (proving) {
    await context.db
      .update(device, { chainId: context.chain.id, deviceId: commitment.deviceId })
      .set((row: any) => ({ flexibilityWh: row.flexibilityWh + deliveredWh }));
  }
});

on("FlexibilityMarket:EscrowReturned", async ({ event, context }: any) => {
  const { requestId, buyer, refund } = event.args;
  await context.db.update(flexRequest, { chainId: context.chain.id, requestId }).set({ refundUsdc6: refund });
  await context.db.insert(flexPayment).values({
    ...logColumns(event, context),
    kind: "escrow-return",
    account: buyer,
    to: buyer,
    requestId,
    amountUsdc6: refund,
  });
});

on("FlexibilityMarket:Claimed", async ({ event, context }: any) => {
  const { account, to, amount } = event.args;
  await context.db
    .insert(flexPayment)
    .values({ ...logColumns(event, context), kind: "claim", account, to, amountUsdc6: amount });
});

on("FlexibilityMarket:RevenuePaid", async ({ event, context }: any) => {
  const { intake, amount } = event.args;
  await context.db.insert(flexPayment).values({
    ...logColumns(event, context),
    kind: "revenue",
    account: context.contracts.FlexibilityMarket.address,
    to: intake,
    amountUsdc6: amount,
  });
});

onTransfers(ponder, "FlexibilityMarket", "flexibility");
