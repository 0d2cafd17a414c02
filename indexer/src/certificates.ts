// Certificates: REC issuance requests, certificates per device and vintage, revocations and retirement receipts.
import { ponder } from "ponder:registry";
import { certificate, recRequest, retirement } from "ponder:schema";

import { onTransfers } from "./tokens";
import { splitId } from "./util";

const on = ponder.on.bind(ponder) as any;

async function ensureCertificate(context: any, certificateId: bigint) {
  const { deviceId, low } = splitId(certificateId);
  await context.db
    .insert(certificate)
    .values({
      chainId: context.chain.id,
      certificateId,
      deviceId,
      vintage: Number(low),
      issued: 0n,
      retired: 0n,
      certifiedWh: 0n,
      revoked: false,
    })
    .onConflictDoNothing();
}

on("RenewableCertificates:IssuanceRequested", async ({ event, context }: any) => {
  const { requestId, requester, certificateId, batchIds, amountsWh, amountWh } = event.args;
  await ensureCertificate(context, certificateId);
  await context.db.insert(recRequest).values({
    chainId: context.chain.id,
    requestId,
    requester,
    certificateId,
    batchIds: batchIds.map(String),
    amountsWh: amountsWh.map(String),
    amountWh,
    status: "requested",
    requestedAt: event.block.timestamp,
  });
});

on("RenewableCertificates:IssuanceCertified", async ({ event, context }: any) => {
  const { requestId, certificateId, issuer, amount, firstSerial, evidenceURI } = event.args;
  const request = await context.db.update(recRequest, { chainId: context.chain.id, requestId }).set({
    status: "certified",
    decidedAt: event.block.timestamp,
    issuer,
    recs: amount,
    firstSerial,
    evidenceUri: evidenceURI,
  });
  await context.db
    .update(certificate, { chainId: context.chain.id, certificateId })
    .set((row: any) => ({ issued: row.issued + amount, certifiedWh: row.certifiedWh + request.amountWh }));
});

on("RenewableCertificates:IssuanceRejected", async ({ event, context }: any) => {
  const { requestId, issuer, reason } = event.args;
  await context.db
    .update(recRequest, { chainId: context.chain.id, requestId })
    .set({ status: "rejected", decidedAt: event.block.timestamp, issuer, reason });
});

on("RenewableCertificates:CertificateRevoked", async ({ event, context }: any) => {
  const { certificateId, issuer, reason } = event.args;
  await ensureCertificate(context, certificateId);
  await context.db
    .update(certificate, { chainId: context.chain.id, certificateId })
    .set({ revoked: true, revokedAt: event.block.timestamp, revokedBy: issuer, revokedReason: reason });
});

on("RenewableCertificates:CertificatesRetired", async ({ event, context }: any) => {
  const { receiptId, certificateId, beneficiary, holder, operator, amount, beneficiaryName, purpose } = event.args;
  await context.db.insert(retirement).values({
    chainId: context.chain.id,
    receiptId,
    certificateId,
    beneficiary,
    holder,
    operator,
    recs: amount,
    beneficiaryName,
    purpose,
    blockNumber: event.block.number,
    retiredAt: event.block.timestamp,
    transactionHash: event.transaction.hash,
  });
  await context.db
    .update(certificate, { chainId: context.chain.id, certificateId })
    .set((row: any) => ({ retired: row.retired + amount }));
});

onTransfers(ponder, "RenewableCertificates", "rec");
