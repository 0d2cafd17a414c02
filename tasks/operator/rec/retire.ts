import { formatEnergy } from "../../../sdk/units.js";
import { RenewableCertificates__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress, parseEnergyOption } from "../parse.js";
import { describeCertificate, parseCertificateId, wholeRecs } from "./ids.js";

interface Args {
  certificateId: string;
  energy: string;
  from: string;
  beneficiary: string;
  beneficiaryName: string;
  purpose: string;
  certificates: string;
}

/** `rec retire <certificateId>`: burns RECs for a beneficiary's claim and prints the retirement receipt. */
export default operatorAction<Args>(async (args, operator) => {
  const id = parseCertificateId(args.certificateId);
  const amount = wholeRecs(parseEnergyOption(args.energy, "energy"), `--energy ${args.energy}`);
  const certificates = RenewableCertificates__factory.connect(
    operator.address("RenewableCertificates", args.certificates),
    operator.signer,
  );
  const from = args.from === "" ? operator.signer.address : parseAddress(args.from, "from");
  const beneficiary = args.beneficiary === "" ? operator.signer.address : parseAddress(args.beneficiary, "beneficiary");

  const receipt = await operator.send(
    `Retired ${amount} REC(s)`,
    certificates.retire(from, id, amount, beneficiary, args.beneficiaryName, args.purpose),
  );
  const event = receipt.logs
    .map((log) => certificates.interface.parseLog(log))
    .find((parsed) => parsed?.name === "CertificatesRetired");
  const [remaining, totals] = await Promise.all([certificates.balanceOf(from, id), certificates.certificateTotals(id)]);
  console.log(`Receipt ${event?.args.receiptId}: ${formatEnergy(amount * 1_000_000n)} of ${describeCertificate(id)}`);
  console.log(`  beneficiary ${args.beneficiaryName || "-"} (${beneficiary}), purpose ${args.purpose || "-"}`);
  console.log(`  ${from} still holds ${remaining} REC(s); ${totals.retired} of ${totals.issued} issued are retired`);
});
