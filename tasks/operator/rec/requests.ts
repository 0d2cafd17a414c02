import type { RenewableCertificates } from "../../../typechain-types/index.js";
import type { Operator } from "../context.js";

/**
 * A request's kWh batches and amounts as its IssuanceRequested event lists them: certify and reject must repeat
 * them exactly (the contract keeps only their hash). `fromBlock` < 0 searches from the deployment block.
 */
export async function requestedBatches(
  certificates: RenewableCertificates,
  operator: Operator,
  requestId: bigint,
  fromBlock: number,
) {
  const from = fromBlock >= 0 ? fromBlock : operator.deploymentBlock("RenewableCertificates");
  const [requested] = await certificates.queryFilter(certificates.filters.IssuanceRequested(requestId), from);
  if (requested === undefined)
    throw new Error(`no IssuanceRequested event for request ${requestId} since block ${from}`);
  const { batchIds, amountsWh, amountWh, certificateId, requester } = requested.args;
  return { batchIds: [...batchIds], amountsWh: [...amountsWh], amountWh, certificateId, requester };
}
