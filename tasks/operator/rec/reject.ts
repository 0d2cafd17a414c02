import { formatEnergy } from "../../../sdk/units.js";
import { RenewableCertificates__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseCount, parseId } from "../parse.js";
import { describeCertificate } from "./ids.js";
import { requestedBatches } from "./requests.js";

interface Args {
  requestId: string;
  reason: string;
  fromBlock: string;
  certificates: string;
}

/** `rec reject <requestId> --reason <text>`: an issuer (ISSUER_ROLE) rejects a pending request; its kWh go back. */
export default operatorAction<Args>(async (args, operator) => {
  const requestId = parseId(args.requestId, "request id");
  if (args.reason.trim() === "") throw new Error("--reason is required: why the request is rejected");
  const certificates = RenewableCertificates__factory.connect(
    operator.address("RenewableCertificates", args.certificates),
    operator.signer,
  );
  const fromBlock = Number(parseCount(args.fromBlock, "from-block", -1n, BigInt(Number.MAX_SAFE_INTEGER)));
  const { batchIds, amountsWh, amountWh, certificateId, requester } = await requestedBatches(
    certificates,
    operator,
    requestId,
    fromBlock,
  );
  await operator.send(
    `Rejected request ${requestId}`,
    certificates.reject(requestId, batchIds, amountsWh, args.reason.trim()),
  );
  console.log(
    `Returned ${formatEnergy(amountWh)} of kWh for ${describeCertificate(certificateId)} to ${requester}: ${args.reason.trim()}`,
  );
});
