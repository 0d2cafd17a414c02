// Energy: the device registry and the metered kWh token (readings, hour batches and what became of their Wh).
import { ponder } from "ponder:registry";
import { device, deviceChange, energyConsumption, hourBatch, meterEvent, reading } from "ponder:schema";

import { onTransfers } from "./tokens";
import { DEVICE_STATUSES, logColumns, sameAddress, sourceOf, splitId, zoneToString } from "./util";

const on = ponder.on.bind(ponder) as any;
const statusName = (status: number) => DEVICE_STATUSES[status] ?? `status-${status}`;

on("DeviceRegistry:DeviceRegistered", async ({ event, context }: any) => {
  const { deviceId, owner, signer, kind, capacityW, gridZone, commissionedAt, metadataURI } = event.args;
  await context.db.insert(device).values({
    chainId: context.chain.id,
    deviceId,
    owner,
    signer,
    kind: Number(kind),
    source: sourceOf(Number(kind)),
    capacityW,
    gridZone: zoneToString(gridZone),
    commissionedAt,
    metadataUri: metadataURI,
    status: "active",
    registeredAt: event.block.timestamp,
    readings: 0,
    mintedWh: 0n,
    skippedWh: 0n,
    flexibilityWh: 0n,
  });
  await context.db
    .insert(deviceChange)
    .values({ ...logColumns(event, context), deviceId, change: "registered", current: "active" });
});

on("DeviceRegistry:DeviceStatusChanged", async ({ event, context }: any) => {
  const { deviceId, previousStatus, newStatus, reason } = event.args;
  await context.db
    .update(device, { chainId: context.chain.id, deviceId })
    .set({ status: statusName(Number(newStatus)) });
  await context.db.insert(deviceChange).values({
    ...logColumns(event, context),
    deviceId,
    change: "status",
    previous: statusName(Number(previousStatus)),
    current: statusName(Number(newStatus)),
    reason,
  });
});

on("DeviceRegistry:DeviceSignerRotated", async ({ event, context }: any) => {
  const { deviceId, previousSigner, newSigner } = event.args;
  await context.db.update(device, { chainId: context.chain.id, deviceId }).set({ signer: newSigner });
  await context.db.insert(deviceChange).values({
    ...logColumns(event, context),
    deviceId,
    change: "signer",
    previous: previousSigner,
    current: newSigner,
  });
});

on("DeviceRegistry:DeviceOwnerChanged", async ({ event, context }: any) => {
  const { deviceId, previousOwner, newOwner } = event.args;
  await context.db.update(device, { chainId: context.chain.id, deviceId }).set({ owner: newOwner });
  await context.db
    .insert(deviceChange)
    .values({ ...logColumns(event, context), deviceId, change: "owner", previous: previousOwner, current: newOwner });
});

on("DeviceRegistry:DeviceMetadataURIUpdated", async ({ event, context }: any) => {
  const { deviceId, metadataURI } = event.args;
  const previous = await context.db.find(device, { chainId: context.chain.id, deviceId });
  await context.db.update(device, { chainId: context.chain.id, deviceId }).set({ metadataUri: metadataURI });
  await context.db.insert(deviceChange).values({
    ...logColumns(event, context),
    deviceId,
    change: "metadata",
    previous: previous?.metadataUri ?? null,
    current: metadataURI,
  });
});

// The reading carries the counter; the mint's TransferSingle carries batch, owner and amount. Both follow from the
// device's previous counter and the hour rule: a reading mints its advance in the clock hour it closes.
on("MeteredEnergy:ReadingAccepted", async ({ event, context }: any) => {
  const { deviceId, cumulativeWh, timestamp } = event.args;
  const chainId = context.chain.id;
  const before = await context.db.find(device, { chainId, deviceId });
  const deltaWh = cumulativeWh - before.cumulativeWh;
  const batchId = (deviceId << 64n) | ((BigInt(timestamp) - 1n) / 3600n);
  const owner = before.owner;
  await context.db
    .insert(reading)
    .values({ ...logColumns(event, context), deviceId, batchId, owner, cumulativeWh, readAt: timestamp, deltaWh });
  const profile = await context.db.update(device, { chainId, deviceId }).set((row: any) => ({
    cumulativeWh,
    lastReadingAt: timestamp,
    readings: row.readings + 1,
    mintedWh: row.mintedWh + deltaWh,
  }));
  await context.db
    .insert(hourBatch)
    .values({
      chainId,
      batchId,
      deviceId,
      hourStart: splitId(batchId).low * 3600n,
      gridZone: profile.gridZone,
      source: profile.source,
      readings: 1,
      mintedWh: deltaWh,
      certifiedWh: 0n,
      computeWh: 0n,
      consumedWh: 0n,
      heldWh: deltaWh,
      lockedForRecWh: 0n,
    })
    .onConflictDoUpdate((row: any) => ({
      readings: row.readings + 1,
      mintedWh: row.mintedWh + deltaWh,
      heldWh: row.heldWh + deltaWh,
    }));
});

on("MeteredEnergy:MeterBaselineSet", async ({ event, context }: any) => {
  const { deviceId, cumulativeWh, timestamp } = event.args;
  await context.db
    .update(device, { chainId: context.chain.id, deviceId })
    .set({ cumulativeWh, lastReadingAt: timestamp });
  await context.db
    .insert(meterEvent)
    .values({ ...logColumns(event, context), deviceId, kind: "baseline", cumulativeWh, readAt: timestamp });
});

on("MeteredEnergy:MeteringResumed", async ({ event, context }: any) => {
  const { deviceId, cumulativeWh, timestamp, skippedWh, gapSeconds } = event.args;
  await context.db
    .update(device, { chainId: context.chain.id, deviceId })
    .set((row: any) => ({ cumulativeWh, lastReadingAt: timestamp, skippedWh: row.skippedWh + skippedWh }));
  await context.db.insert(meterEvent).values({
    ...logColumns(event, context),
    deviceId,
    kind: "resumed",
    cumulativeWh,
    readAt: timestamp,
    skippedWh,
    gapSeconds,
  });
});

on("MeteredEnergy:ReadingSkipped", async ({ event, context }: any) => {
  const { deviceId, timestamp, lastTimestamp } = event.args;
  await context.db
    .insert(meterEvent)
    .values({ ...logColumns(event, context), deviceId, kind: "skipped", readAt: timestamp, lastReadAt: lastTimestamp });
});

on("MeteredEnergy:EnergyConsumed", async ({ event, context }: any) => {
  const { holder, operator, batchId, amountWh, purpose } = event.args;
  const use = sameAddress(operator, context.contracts.RenewableCertificates.address)
    ? "certified"
    : sameAddress(operator, context.contracts.ComputeMarket.address)
      ? "compute"
      : "consumed";
  await context.db
    .insert(energyConsumption)
    .values({ ...logColumns(event, context), batchId, holder, operator, wh: amountWh, purpose, use });
  const fromRecLock = sameAddress(holder, context.contracts.RenewableCertificates.address);
  await context.db.update(hourBatch, { chainId: context.chain.id, batchId }).set((row: any) => ({
    certifiedWh: row.certifiedWh + (use === "certified" ? amountWh : 0n),
    computeWh: row.computeWh + (use === "compute" ? amountWh : 0n),
    consumedWh: row.consumedWh + (use === "consumed" ? amountWh : 0n),
    heldWh: row.heldWh - amountWh,
    lockedForRecWh: row.lockedForRecWh - (fromRecLock ? amountWh : 0n),
  }));
});

// kWh moved into the REC token's custody are locked for a pending request until certified (burned) or returned.
onTransfers(ponder, "MeteredEnergy", "kwh", async (event, context, batchId, amount) => {
  const certificates = context.contracts.RenewableCertificates.address;
  const zero = "0x0000000000000000000000000000000000000000";
  const { from, to } = event.args;
  let delta = 0n;
  if (sameAddress(to, certificates)) delta += amount;
  if (sameAddress(from, certificates) && to !== zero) delta -= amount;
  if (delta === 0n) return;
  await context.db
    .update(hourBatch, { chainId: context.chain.id, batchId })
    .set((row: any) => ({ lockedForRecWh: row.lockedForRecWh + delta }));
});
