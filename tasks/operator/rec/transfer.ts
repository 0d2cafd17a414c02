import { formatEnergy } from "../../../sdk/units.js";
import { RenewableCertificates__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress, parseEnergyOption } from "../parse.js";
import { describeCertificate, parseCertificateId, wholeRecs } from "./ids.js";

interface Args {
  certificateId: string;
  to: string;
  energy: string;
  keyEnv: string;
  certificates: string;
}

/** `rec transfer <certificateId> --to 0x… --energy "2 MWh"`: a REC holder sends whole RECs to another account. */
export default operatorAction<Args>(async (args, operator) => {
  const id = parseCertificateId(args.certificateId);
  if (args.to.trim() === "") throw new Error("--to is required: the address that receives the RECs");
  const to = parseAddress(args.to.trim(), "to");
  const amount = wholeRecs(parseEnergyOption(args.energy, "energy"), `--energy ${args.energy}`);
  const holder = await operator.account(args.keyEnv);
  const from = await holder.getAddress();
  const certificates = RenewableCertificates__factory.connect(
    operator.address("RenewableCertificates", args.certificates),
    holder,
  );
  await operator.send(
    `Sent ${amount} REC(s) of ${describeCertificate(id)} to ${to}`,
    certificates.safeTransferFrom(from, to, id, amount, "0x"),
  );
  const [left, received] = await Promise.all([certificates.balanceOf(from, id), certificates.balanceOf(to, id)]);
  console.log(
    `${from} holds ${left} REC(s) (${formatEnergy(left * 1_000_000n)}); ${to} holds ${received} (${formatEnergy(received * 1_000_000n)})`,
  );
});
