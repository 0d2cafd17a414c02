import { batchId, certificateId, hourOfReading, vintageOfHour } from "../../../sdk/energy.js";
import { formatEnergy, parseEnergy } from "../../../sdk/units.js";
import { MeteredEnergy__factory, RenewableCertificates__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseId } from "../parse.js";
import { describeCertificate, WH_PER_REC, wholeRecs } from "./ids.js";

interface Args {
  deviceId: string;
  vintage: string;
  energy: string;
  certificates: string;
}

/** The unix hours of a vintage month (YYYYMM), UTC. */
function hoursOfVintage(vintage: bigint): bigint[] {
  const year = Number(vintage / 100n);
  const month = Number(vintage % 100n);
  if (month < 1 || month > 12) throw new Error(`vintage ${vintage} is not YYYYMM`);
  const first = BigInt(Date.UTC(year, month - 1, 1) / 1000) / 3_600n;
  const end = BigInt(Date.UTC(year, month, 1) / 1000) / 3_600n;
  return Array.from({ length: Number(end - first) }, (_, index) => first + BigInt(index));
}

/**
 * `rec request <deviceId>`: locks the caller's kWh of one device and month in the certificate contract and asks
 * an issuer to certify them as RECs. It picks the oldest hours first, up to `--energy` (default: every whole MWh
 * the caller holds of that month).
 */
export default operatorAction<Args>(async (args, operator) => {
  const deviceId = parseId(args.deviceId, "device id");
  const certificates = RenewableCertificates__factory.connect(
    operator.address("RenewableCertificates", args.certificates),
    operator.signer,
  );
  const energy = MeteredEnergy__factory.connect(await certificates.energy(), operator.signer);
  const holder = operator.signer.address;

  let vintage: bigint;
  if (args.vintage !== "") vintage = parseId(args.vintage, "vintage");
  else {
    const { timestamp } = await energy.meterState(deviceId);
    if (timestamp === 0n) throw new Error(`device ${deviceId} has no reading yet: pass --vintage YYYYMM`);
    vintage = vintageOfHour(hourOfReading(timestamp));
  }

  const ids = hoursOfVintage(vintage).map((hour) => batchId(deviceId, hour));
  const balances = await energy.balanceOfBatch(
    ids.map(() => holder),
    ids,
  );
  const held = balances.reduce((sum, balance) => sum + balance, 0n);
  const wanted = args.energy === "" ? (held / WH_PER_REC) * WH_PER_REC : parseEnergy(args.energy);
  if (wanted === 0n) {
    throw new Error(
      `${holder} holds ${formatEnergy(held)} of device ${deviceId} in ${vintage}: less than one REC (1 MWh)`,
    );
  }
  const recs = wholeRecs(wanted, args.energy || "the energy held");
  if (wanted > held)
    throw new Error(
      `${holder} holds ${formatEnergy(held)} of device ${deviceId} in ${vintage}, not ${formatEnergy(wanted)}`,
    );

  const batchIds: bigint[] = [];
  const amounts: bigint[] = [];
  let remaining = wanted;
  for (let index = 0; index < ids.length && remaining > 0n; index++) {
    const take = balances[index] < remaining ? balances[index] : remaining;
    if (take === 0n) continue;
    batchIds.push(ids[index]);
    amounts.push(take);
    remaining -= take;
  }

  const spender = await certificates.getAddress();
  if (!(await energy.isApprovedForAll(holder, spender))) {
    await operator.send("Let the certificate contract lock kWh", energy.setApprovalForAll(spender, true));
  }
  const receipt = await operator.send(`Requested ${recs} REC(s)`, certificates.requestIssuance(batchIds, amounts));
  const event = receipt.logs
    .map((log) => certificates.interface.parseLog(log))
    .find((parsed) => parsed?.name === "IssuanceRequested");
  console.log(
    `Issuance request ${event?.args.requestId}: ${formatEnergy(wanted)} from ${batchIds.length} hourly batches`,
  );
  console.log(`  certificate ${describeCertificate(certificateId(deviceId, vintage))}`);
});
