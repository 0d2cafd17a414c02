// The REST answers, built from the indexed tables only.
import { and, asc, eq, gte, inArray, lte } from "ponder";
import { db } from "ponder:api";
import {
  certificate,
  computePayment,
  computeWindow,
  creditSale,
  deliveryLot,
  device,
  energyConsumption,
  hourBatch,
  lotKwh,
  lotRec,
  noteHolding,
  recRequest,
  retirement,
  tranche,
  trancheReport,
  vault,
  vaultPeriod,
  vaultRevenue,
} from "ponder:schema";

import { splitId } from "../util";

export class NotFound extends Error {}

const str = (value: bigint | number | null | undefined) =>
  value === null || value === undefined ? null : value.toString();
const sum = (values: bigint[]) => values.reduce((total, value) => total + value, 0n);

export const ATTRIBUTION_RULE =
  "A vault period's cash allotted to each tranche is attributed to the revenue it received for that period pro rata: " +
  "attributedUsdc6 = floor(trancheAllottedUsdc6 * lotRevenueUsdc6 / periodRevenueUsdc6), where lotRevenueUsdc6 is the " +
  "compute revenue the lot's sales accrued to the vault and that was pushed into it for the period (a sale counts " +
  "in the period of the first push of its payee's proceeds after it), and periodRevenueUsdc6 is all revenue by source " +
  "(compute, energy, flexibility, other) received for it. Periods not yet distributed attribute nothing.";

async function devicesById(chainId: number, ids: bigint[]) {
  const unique = [...new Set(ids.map(String))].map(BigInt);
  if (unique.length === 0) return new Map<string, typeof device.$inferSelect>();
  const rows = await db
    .select()
    .from(device)
    .where(and(eq(device.chainId, chainId), inArray(device.deviceId, unique)));
  return new Map(rows.map((row) => [row.deviceId.toString(), row]));
}

/** The lineage of a GPU-hour delivery lot: energy, RECs, revenue and the coupons it funded. */
export async function lotLineage(chainId: number, creditId: bigint) {
  const [window] = await db
    .select()
    .from(computeWindow)
    .where(and(eq(computeWindow.chainId, chainId), eq(computeWindow.creditId, creditId)));
  if (!window) throw new NotFound(`chain ${chainId} has no compute window with credit id ${creditId}`);
  const [lot] = await db
    .select()
    .from(deliveryLot)
    .where(and(eq(deliveryLot.chainId, chainId), eq(deliveryLot.creditId, creditId)));
  const kwh = await db
    .select()
    .from(lotKwh)
    .where(and(eq(lotKwh.chainId, chainId), eq(lotKwh.creditId, creditId)))
    .orderBy(asc(lotKwh.blockNumber), asc(lotKwh.logIndex));
  const recs = await db
    .select()
    .from(lotRec)
    .where(and(eq(lotRec.chainId, chainId), eq(lotRec.creditId, creditId)))
    .orderBy(asc(lotRec.blockNumber), asc(lotRec.logIndex));
  const receipts = recs.length
    ? await db
        .select()
        .from(retirement)
        .where(
          and(
            eq(retirement.chainId, chainId),
            inArray(
              retirement.receiptId,
              recs.map((rec) => rec.receiptId),
            ),
          ),
        )
    : [];
  const receiptOf = new Map(receipts.map((receipt) => [receipt.receiptId.toString(), receipt]));
  const devices = await devicesById(chainId, [
    ...kwh.map((row) => row.deviceId),
    ...recs.map((rec) => splitId(rec.certificateId).deviceId),
  ]);

  const deviceHoursList = kwh.map((row) => {
    const profile = devices.get(row.deviceId.toString());
    return {
      batchId: str(row.batchId),
      deviceId: str(row.deviceId),
      hourStartUnix: str(row.hourStart),
      gridZone: row.gridZone,
      source: profile?.source ?? null,
      wh: str(row.wh),
      transactionHash: row.transactionHash,
    };
  });
  const totals = (key: "gridZone" | "source") => {
    const byKey = new Map<string, bigint>();
    for (const row of deviceHoursList)
      byKey.set(String(row[key]), (byKey.get(String(row[key])) ?? 0n) + BigInt(row.wh!));
    return [...byKey].map(([name, wh]) => ({ [key]: name, wh: wh.toString() }));
  };
  const recList = recs.map((rec) => {
    const { deviceId, low } = splitId(rec.certificateId);
    const profile = devices.get(deviceId.toString());
    return {
      certificateId: str(rec.certificateId),
      deviceId: str(deviceId),
      vintage: Number(low),
      gridZone: profile?.gridZone ?? null,
      source: profile?.source ?? null,
      receiptId: str(rec.receiptId),
      recs: str(rec.recs),
      wh: str(rec.wh),
      beneficiary: receiptOf.get(rec.receiptId.toString())?.beneficiary ?? null,
      transactionHash: rec.transactionHash,
    };
  });

  const sales = await db
    .select()
    .from(creditSale)
    .where(and(eq(creditSale.chainId, chainId), eq(creditSale.creditId, creditId)))
    .orderBy(asc(creditSale.blockNumber), asc(creditSale.logIndex));
  const payments = await db
    .select()
    .from(computePayment)
    .where(and(eq(computePayment.chainId, chainId), eq(computePayment.creditId, creditId)))
    .orderBy(asc(computePayment.blockNumber), asc(computePayment.logIndex));
  const payouts = payments.filter((payment) => payment.kind === "revenue");
  const gross = sum(sales.map((sale) => sale.costUsdc6));
  const refunds = sum(payments.filter((payment) => payment.kind === "refund").map((payment) => payment.amountUsdc6));

  return {
    chainId,
    creditId: str(creditId),
    clusterId: str(window.clusterId),
    window: {
      startUnix: str(window.windowStart),
      endUnix: str(window.windowEnd),
      capacityGpuHours: str(window.capacityGpuHours),
      pricePerGpuHourUsdc6: str(window.pricePerGpuHourUsdc6),
      status: window.status,
    },
    lot: lot
      ? {
          gpuHoursDelivered: str(lot.gpuHoursDelivered),
          gpuHoursRedeemed: str(lot.gpuHoursRedeemed),
          whUsed: str(lot.whUsed),
          whHourlyMatched: str(lot.whHourlyMatched),
          whRecMatched: str(lot.whRecMatched),
          carbonFreeBps: lot.carbonFreeBps,
          recordedAtUnix: str(lot.recordedAt),
        }
      : null,
    deviceHours: deviceHoursList,
    zones: totals("gridZone"),
    sources: totals("source"),
    recs: recList,
    revenue: {
      sales: sales.map((sale) => ({
        buyer: sale.buyer,
        receiver: sale.receiver,
        gpuHours: str(sale.gpuHours),
        costUsdc6: str(sale.costUsdc6),
      })),
      payouts: payouts.map((payout) => ({
        payout: payout.account,
        amountUsdc6: str(payout.amountUsdc6),
        viaIntake: payout.viaIntake,
      })),
      grossUsdc6: str(gross),
      refundsUsdc6: str(refunds),
      netUsdc6: str(gross - refunds),
    },
    coupons: await couponsFunded(chainId, payouts),
  };
}

/** The tranche cash attributed to a lot's revenue, period by period (see ATTRIBUTION_RULE). */
async function couponsFunded(chainId: number, payouts: (typeof computePayment.$inferSelect)[]) {
  const intoVault = payouts.filter((payout) => payout.viaIntake);
  // Proceeds accrue to the payee per sale and reach the vault when they are pushed (ProceedsPaid through
  // receiveRevenue): a sale's revenue counts in the period of the first push to its payee after the sale.
  const payees = [...new Set(intoVault.map((payout) => payout.account))];
  const pushes = payees.length
    ? await db
        .select()
        .from(computePayment)
        .where(
          and(
            eq(computePayment.chainId, chainId),
            eq(computePayment.kind, "proceeds"),
            eq(computePayment.viaIntake, true),
            inArray(computePayment.account, payees),
          ),
        )
        .orderBy(asc(computePayment.blockNumber), asc(computePayment.logIndex))
    : [];
  const received = pushes.length
    ? await db
        .select()
        .from(vaultRevenue)
        .where(
          and(
            eq(vaultRevenue.chainId, chainId),
            inArray(
              vaultRevenue.transactionHash,
              pushes.map((push) => push.transactionHash),
            ),
            eq(vaultRevenue.source, "compute"),
          ),
        )
    : [];
  const after = (a: { blockNumber: bigint; logIndex: number }, b: { blockNumber: bigint; logIndex: number }) =>
    a.blockNumber > b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex > b.logIndex);
  const byPeriod = new Map<string, { vault: `0x${string}`; period: number; lotRevenue: bigint }>();
  for (const payout of intoVault) {
    const push = pushes.find(
      (candidate) => candidate.account.toLowerCase() === payout.account.toLowerCase() && after(candidate, payout),
    );
    if (!push) continue; // accrued, not yet in the vault
    // The push pays the vault through its receiveRevenue, in the same transaction.
    const match = received.find(
      (row) => row.transactionHash === push.transactionHash && row.vault.toLowerCase() === payout.account.toLowerCase(),
    );
    if (!match) continue;
    const key = `${match.vault}:${match.period}`;
    const entry = byPeriod.get(key) ?? { vault: match.vault, period: match.period, lotRevenue: 0n };
    entry.lotRevenue += payout.amountUsdc6;
    byPeriod.set(key, entry);
  }
  const periods = [];
  for (const { vault: vaultAddress, period, lotRevenue } of byPeriod.values()) {
    const [row] = await db
      .select()
      .from(vaultPeriod)
      .where(
        and(eq(vaultPeriod.chainId, chainId), eq(vaultPeriod.vault, vaultAddress), eq(vaultPeriod.period, period)),
      );
    const periodRevenue = row
      ? row.computeRevenueUsdc6 + row.energyRevenueUsdc6 + row.flexibilityRevenueUsdc6 + row.otherRevenueUsdc6
      : 0n;
    const reports = row?.distributed
      ? await db
          .select()
          .from(trancheReport)
          .where(
            and(
              eq(trancheReport.chainId, chainId),
              eq(trancheReport.vault, vaultAddress),
              eq(trancheReport.period, period),
            ),
          )
          .orderBy(asc(trancheReport.trancheId))
      : [];
    periods.push({
      vault: vaultAddress,
      period,
      distributed: row?.distributed ?? false,
      lotRevenueUsdc6: str(lotRevenue),
      periodRevenueUsdc6: str(periodRevenue),
      tranches: reports.map((report) => ({
        trancheId: report.trancheId,
        allottedUsdc6: str(report.allottedUsdc6),
        attributedUsdc6: str(periodRevenue === 0n ? 0n : (report.allottedUsdc6 * lotRevenue) / periodRevenue),
      })),
    });
  }
  periods.sort((a, b) => a.period - b.period);
  return { rule: ATTRIBUTION_RULE, periods };
}

/** A device's hour batches, oldest first, each with what became of its Wh. */
export async function deviceHours(chainId: number, deviceId: bigint, fromUnix?: bigint, toUnix?: bigint) {
  const [profile] = await db
    .select()
    .from(device)
    .where(and(eq(device.chainId, chainId), eq(device.deviceId, deviceId)));
  if (!profile) throw new NotFound(`chain ${chainId} has no device ${deviceId}`);
  const conditions = [eq(hourBatch.chainId, chainId), eq(hourBatch.deviceId, deviceId)];
  if (fromUnix !== undefined) conditions.push(gte(hourBatch.hourStart, fromUnix));
  if (toUnix !== undefined) conditions.push(lte(hourBatch.hourStart, toUnix));
  const hours = await db
    .select()
    .from(hourBatch)
    .where(and(...conditions))
    .orderBy(asc(hourBatch.hourStart));
  return {
    chainId,
    device: deviceJson(profile),
    hours: hours.map(batchJson),
  };
}

const deviceJson = (profile: typeof device.$inferSelect) => ({
  deviceId: str(profile.deviceId),
  owner: profile.owner,
  signer: profile.signer,
  source: profile.source,
  capacityW: str(profile.capacityW),
  gridZone: profile.gridZone,
  status: profile.status,
  commissionedAtUnix: str(profile.commissionedAt),
  lastReadingAtUnix: str(profile.lastReadingAt),
  cumulativeWh: str(profile.cumulativeWh),
  mintedWh: str(profile.mintedWh),
  skippedWh: str(profile.skippedWh),
  flexibilityWh: str(profile.flexibilityWh),
});

const batchJson = (batch: typeof hourBatch.$inferSelect) => ({
  batchId: str(batch.batchId),
  hourStartUnix: str(batch.hourStart),
  readings: batch.readings,
  mintedWh: str(batch.mintedWh),
  certifiedWh: str(batch.certifiedWh),
  computeWh: str(batch.computeWh),
  consumedWh: str(batch.consumedWh),
  heldWh: str(batch.heldWh),
  lockedForRecWh: str(batch.lockedForRecWh),
});

/** A vault's state, its periods with revenue by source and waterfall report, and each tranche's state. */
export async function vaultState(chainId: number, address: `0x${string}`) {
  const [row] = await db
    .select()
    .from(vault)
    .where(and(eq(vault.chainId, chainId), eq(vault.address, address.toLowerCase() as `0x${string}`)));
  if (!row) throw new NotFound(`chain ${chainId} has no vault at ${address}`);
  const where = <T extends { chainId: any; vault: any }>(table: T) =>
    and(eq(table.chainId, chainId), eq(table.vault, row.address));
  const periods = await db.select().from(vaultPeriod).where(where(vaultPeriod)).orderBy(asc(vaultPeriod.period));
  const tranches = await db.select().from(tranche).where(where(tranche)).orderBy(asc(tranche.trancheId));
  const reports = await db
    .select()
    .from(trancheReport)
    .where(where(trancheReport))
    .orderBy(asc(trancheReport.period), asc(trancheReport.trancheId));
  const holders = await db.select().from(noteHolding).where(where(noteHolding));
  return {
    chainId,
    address: row.address,
    state: row.state,
    raisedUsdc6: str(row.raisedUsdc6),
    drawnUsdc6: str(row.drawnUsdc6),
    startTimeUnix: str(row.startTime),
    lastDistributedPeriod: row.lastDistributedPeriod,
    revenueUsdc6: str(row.revenueUsdc6),
    undistributedRevenueUsdc6: str(row.pendingRevenueUsdc6),
    feesPaidUsdc6: str(row.feesPaidUsdc6),
    covenantBreached: row.covenantBreached,
    periods: periods.map((period) => ({
      period: period.period,
      revenueBySourceUsdc6: {
        compute: str(period.computeRevenueUsdc6),
        energy: str(period.energyRevenueUsdc6),
        flexibility: str(period.flexibilityRevenueUsdc6),
        other: str(period.otherRevenueUsdc6),
      },
      distributed: period.distributed,
      distributedAtUnix: str(period.distributedAt),
      report: period.distributed
        ? {
            revenueUsdc6: str(period.revenueUsdc6),
            cashAvailableUsdc6: str(period.cashAvailableUsdc6),
            feeDueUsdc6: str(period.feeDueUsdc6),
            feePaidUsdc6: str(period.feePaidUsdc6),
            reserveDrawnUsdc6: str(period.reserveDrawnUsdc6),
            reserveToppedUpUsdc6: str(period.reserveToppedUpUsdc6),
            reserveReleasedUsdc6: str(period.reserveReleasedUsdc6),
            sweptUsdc6: str(period.sweptUsdc6),
            equityResidualUsdc6: str(period.equityResidualUsdc6),
            coverageBps: str(period.coverageBps),
            covenantBreached: period.covenantBreached,
          }
        : null,
      tranches: reports
        .filter((report) => report.period === period.period)
        .map((report) => ({
          trancheId: report.trancheId,
          interestDueUsdc6: str(report.interestDueUsdc6),
          interestPaidUsdc6: str(report.interestPaidUsdc6),
          principalDueUsdc6: str(report.principalDueUsdc6),
          principalPaidUsdc6: str(report.principalPaidUsdc6),
          allottedUsdc6: str(report.allottedUsdc6),
          cashPerNote: str(report.cashPerNote),
        })),
    })),
    tranches: tranches.map((entry) => ({
      trancheId: entry.trancheId,
      note: entry.note,
      subscribedUsdc6: str(entry.subscribedUsdc6),
      refundedUsdc6: str(entry.refundedUsdc6),
      interestPaidUsdc6: str(entry.interestPaidUsdc6),
      principalPaidUsdc6: str(entry.principalPaidUsdc6),
      allottedUsdc6: str(entry.allottedUsdc6),
      writtenDownUsdc6: str(entry.writtenDownUsdc6),
      claimedUsdc6: str(entry.claimedUsdc6),
      redeemedUsdc6: str(entry.redeemedUsdc6),
      notesOutstanding: str(entry.notesOutstanding),
      holders: holders
        .filter((holder) => holder.trancheId === entry.trancheId)
        .sort((a, b) => a.holder.localeCompare(b.holder))
        .map((holder) => ({
          holder: holder.holder,
          notes: str(holder.notes),
          subscribedUsdc6: str(holder.subscribedUsdc6),
          claimedUsdc6: str(holder.claimedUsdc6),
          redeemedUsdc6: str(holder.redeemedUsdc6),
        })),
    })),
  };
}

/** A retirement receipt, with the certificate, the device and the kWh batches burned to certify it. */
export async function retirementVerification(chainId: number, receiptId: bigint) {
  const [receipt] = await db
    .select()
    .from(retirement)
    .where(and(eq(retirement.chainId, chainId), eq(retirement.receiptId, receiptId)));
  if (!receipt) throw new NotFound(`chain ${chainId} has no retirement receipt ${receiptId}`);
  const [cert] = await db
    .select()
    .from(certificate)
    .where(and(eq(certificate.chainId, chainId), eq(certificate.certificateId, receipt.certificateId)));
  const profile = (await devicesById(chainId, [cert!.deviceId])).get(cert!.deviceId.toString());
  const requests = await db
    .select()
    .from(recRequest)
    .where(
      and(
        eq(recRequest.chainId, chainId),
        eq(recRequest.certificateId, receipt.certificateId),
        eq(recRequest.status, "certified"),
      ),
    )
    .orderBy(asc(recRequest.requestId));
  const usedBy = await db
    .select()
    .from(lotRec)
    .where(and(eq(lotRec.chainId, chainId), eq(lotRec.receiptId, receiptId)));
  const problems: string[] = [];
  if (cert!.revoked) problems.push(`certificate ${cert!.certificateId} was revoked: ${cert!.revokedReason}`);
  if (cert!.retired > cert!.issued) problems.push("more RECs were retired than issued");
  return {
    chainId,
    receiptId: str(receipt.receiptId),
    valid: problems.length === 0,
    problems,
    retirement: {
      certificateId: str(receipt.certificateId),
      beneficiary: receipt.beneficiary,
      beneficiaryName: receipt.beneficiaryName,
      purpose: receipt.purpose,
      holder: receipt.holder,
      operator: receipt.operator,
      recs: str(receipt.recs),
      retiredAtUnix: str(receipt.retiredAt),
      transactionHash: receipt.transactionHash,
    },
    certificate: {
      deviceId: str(cert!.deviceId),
      vintage: cert!.vintage,
      issued: str(cert!.issued),
      retired: str(cert!.retired),
      certifiedWh: str(cert!.certifiedWh),
      revoked: cert!.revoked,
    },
    device: profile ? deviceJson(profile) : null,
    issuance: requests.map((request) => ({
      requestId: str(request.requestId),
      issuer: request.issuer,
      recs: str(request.recs),
      amountWh: str(request.amountWh),
      evidenceUri: request.evidenceUri,
      batches: request.batchIds.map((batchId, index) => ({
        batchId,
        hourStartUnix: str(splitId(BigInt(batchId)).low * 3600n),
        wh: request.amountsWh[index],
      })),
    })),
    claimedByLots: usedBy.map((row) => ({ creditId: str(row.creditId), recs: str(row.recs), wh: str(row.wh) })),
  };
}

/** Each link of a kWh batch: the device, the reading, RECs, compute, other consumption and what is still held. */
export async function batchLinks(chainId: number, batchId: bigint) {
  const [batch] = await db
    .select()
    .from(hourBatch)
    .where(and(eq(hourBatch.chainId, chainId), eq(hourBatch.batchId, batchId)));
  if (!batch) throw new NotFound(`chain ${chainId} has no kWh batch ${batchId}`);
  const profile = (await devicesById(chainId, [batch.deviceId])).get(batch.deviceId.toString())!;
  const burns = await db
    .select()
    .from(energyConsumption)
    .where(and(eq(energyConsumption.chainId, chainId), eq(energyConsumption.batchId, batchId)))
    .orderBy(asc(energyConsumption.blockNumber), asc(energyConsumption.logIndex));
  const lots = await db
    .select()
    .from(lotKwh)
    .where(and(eq(lotKwh.chainId, chainId), eq(lotKwh.batchId, batchId)));
  const requests = (
    await db
      .select()
      .from(recRequest)
      .where(and(eq(recRequest.chainId, chainId), eq(recRequest.certificateId, recIdOf(batch))))
  ).filter((request) => request.batchIds.includes(batchId.toString()));
  return {
    chainId,
    batchId: str(batchId),
    deviceId: str(batch.deviceId),
    hourStartUnix: str(batch.hourStart),
    links: [
      { link: "device", status: profile.status, source: profile.source, gridZone: profile.gridZone },
      {
        link: "metered",
        status: batch.mintedWh > 0n ? "minted" : "none",
        wh: str(batch.mintedWh),
        readings: batch.readings,
      },
      {
        link: "certificates",
        status: batch.certifiedWh > 0n ? "certified" : batch.lockedForRecWh > 0n ? "pending" : "none",
        wh: str(batch.certifiedWh),
        lockedWh: str(batch.lockedForRecWh),
        requests: requests.map((request) => ({
          requestId: str(request.requestId),
          certificateId: str(request.certificateId),
          status: request.status,
          wh: request.amountsWh[request.batchIds.indexOf(batchId.toString())],
        })),
      },
      {
        link: "compute",
        status: batch.computeWh > 0n ? "matched" : "none",
        wh: str(batch.computeWh),
        lots: lots.map((lot) => ({ creditId: str(lot.creditId), wh: str(lot.wh) })),
      },
      {
        link: "consumed",
        status: batch.consumedWh > 0n ? "consumed" : "none",
        wh: str(batch.consumedWh),
        burns: burns
          .filter((burn) => burn.use === "consumed")
          .map((burn) => ({ holder: burn.holder, operator: burn.operator, wh: str(burn.wh), purpose: burn.purpose })),
      },
      { link: "held", status: batch.heldWh > 0n ? "held" : "none", wh: str(batch.heldWh) },
    ],
  };
}

/** A batch's REC id: the device and the vintage (year * 100 + month, UTC) of its hour. */
function recIdOf(batch: typeof hourBatch.$inferSelect) {
  const date = new Date(Number(batch.hourStart) * 1000);
  const vintage = BigInt(date.getUTCFullYear() * 100 + date.getUTCMonth() + 1);
  return (batch.deviceId << 64n) | vintage;
}

/** Each link of a delivery lot: window, sales, delivery, kWh, RECs, revenue into the vault, coupons. */
export async function lotLinks(chainId: number, creditId: bigint) {
  const lineage = await lotLineage(chainId, creditId);
  const distributed = lineage.coupons.periods.filter((period) => period.distributed);
  return {
    chainId,
    creditId: lineage.creditId,
    links: [
      { link: "window", status: lineage.window.status },
      { link: "sales", status: lineage.revenue.sales.length ? "sold" : "none", grossUsdc6: lineage.revenue.grossUsdc6 },
      {
        link: "delivery",
        status: lineage.lot ? "recorded" : lineage.window.status === "lapsed" ? "lapsed" : "pending",
      },
      {
        link: "hourly-kwh",
        status: lineage.deviceHours.length ? "matched" : "none",
        wh: lineage.lot?.whHourlyMatched ?? "0",
      },
      { link: "recs", status: lineage.recs.length ? "retired" : "none", wh: lineage.lot?.whRecMatched ?? "0" },
      {
        link: "vault-revenue",
        status: lineage.coupons.periods.length ? "received" : "none",
        periods: lineage.coupons.periods.map((period) => period.period),
      },
      {
        link: "coupons",
        status:
          lineage.coupons.periods.length === 0
            ? "none"
            : distributed.length === lineage.coupons.periods.length
              ? "distributed"
              : "pending",
      },
    ],
  };
}
