import { formatEnergy } from "../../../sdk/units.js";
import { RenewableCertificates__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseCount, parseId } from "../parse.js";
import { describeCertificate } from "./ids.js";
import { requestedBatches } from "./requests.js";

interface Args {
  requestId: string;
  evidence: string;
  reject: string;
  fromBlock: string;
  certificates: string;
}

/**
 * `rec certify <requestId>`: an issuer's decision on a pending request. The request's batches are read back from
 * its IssuanceRequested event; certifying burns the locked kWh and mints the RECs, `--reject` returns the kWh.
 */
export default operatorAction<Args>(async (args, operator) => {
  const requestId = parseId(args.requestId, "request id");
  const certificates = RenewableCertificates__factory.connect(
    operator.address("RenewableCertificates", args.certificates),
    operator.signer,
  );
  const { batchIds, amountsWh, amountWh, certificateId } = await requestedBatches(
    certificates,
    operator,
    requestId,
    Number(parseCount(args.fromBlock, "from-block", -1n, BigInt(Number.MAX_SAFE_INTEGER))),
  );

  if (args.reject !== "") {
    await operator.send(
      `Rejected request ${requestId}`,
      certificates.reject(requestId, batchIds, amountsWh, args.reject),
    );
    console.log(`Returned ${formatEnergy(amountWh)} of kWh to the requester`);
    return;
  }
  const receipt = await operator.send(
    `Certified request ${requestId}`,
    certificates.certify(requestId, batchIds, amountsWh, args.evidence),
  );
  const event = receipt.logs
    .map((log) => certificates.interface.parseLog(log))
    .find((parsed) => parsed?.name === "IssuanceCertified");
  const amount = (event?.args.amount as bigint | undefined) ?? 0n;
  const firstSerial = (event?.args.firstSerial as bigint | undefined) ?? 0n;
  console.log(`Issued ${amount} REC(s) of ${describeCertificate(certificateId)}`);
  console.log(`  serials ${firstSerial}-${firstSerial + amount - 1n}, burnt ${formatEnergy(amountWh)} of kWh`);
});
