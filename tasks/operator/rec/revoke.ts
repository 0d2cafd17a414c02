import { RenewableCertificates__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { describeCertificate, parseCertificateId } from "./ids.js";

interface Args {
  certificateId: string;
  reason: string;
  certificates: string;
}

/**
 * `rec revoke <certificateId> --reason <text>`: an issuer (ISSUER_ROLE) revokes a REC id for fraud. Its RECs can no
 * longer move or be retired; retirements made before stand.
 */
export default operatorAction<Args>(async (args, operator) => {
  const id = parseCertificateId(args.certificateId);
  if (args.reason.trim() === "") throw new Error("--reason is required: why the certificates are revoked");
  const certificates = RenewableCertificates__factory.connect(
    operator.address("RenewableCertificates", args.certificates),
    operator.signer,
  );
  await operator.send(`Revoked ${describeCertificate(id)}`, certificates.revoke(id, args.reason.trim()));
  const totals = await certificates.certificateTotals(id);
  console.log(
    `${totals.issued} REC(s) issued, ${totals.retired} retired before the revocation stand; the rest can no longer move or be retired`,
  );
});
