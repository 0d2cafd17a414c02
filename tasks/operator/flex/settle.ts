import { ZeroAddress } from "ethers";

import { flexibilityMarketDomain, signAttestation } from "../../../sdk/flexibility.js";
import type { SignedReading } from "../../../sdk/readings.js";
import { formatEnergy, parseEnergy } from "../../../sdk/units.js";
import { FlexibilityMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseEnergyOption, parseId } from "../parse.js";
import { readReadingsFile } from "../readings/file.js";

interface Args {
  commitmentId: string;
  readings: string;
  delivered: string;
  market: string;
}

/**
 * `flex settle <commitmentId>`: proves delivery after the window. An export is proven by two signed readings of
 * the device from `--readings` inside the window (the first at or after its start, the last at or before its end,
 * each within the request's tolerance of the edge) that the kWh ledger has already accepted up to; a consume-less
 * commitment by the caller's own verifier attestation of `--delivered` energy (VERIFIER_ROLE).
 */
export default operatorAction<Args>(async (args, operator) => {
  const market = FlexibilityMarket__factory.connect(
    operator.address("FlexibilityMarket", args.market),
    operator.signer,
  );
  const commitmentId = parseId(args.commitmentId, "commitment id");
  const commitment = await market.getCommitment(commitmentId);
  if (commitment.provider === ZeroAddress) {
    throw new Error(`commitment ${commitmentId} does not exist`);
  }
  const request = await market.getRequest(commitment.requestId);

  let receiptPromise;
  if (args.readings !== "") {
    const file = readReadingsFile(args.readings);
    const ofDevice = file.readings
      .filter((reading) => reading.deviceId === commitment.deviceId)
      .sort((a, b) => Number(a.timestamp - b.timestamp));
    const tolerance = request.readingTolerance;
    const start = ofDevice.find(
      (reading) => reading.timestamp >= request.windowStart && reading.timestamp <= request.windowStart + tolerance,
    );
    const end = ofDevice
      .filter((reading) => reading.timestamp <= request.windowEnd && reading.timestamp + tolerance >= request.windowEnd)
      .at(-1);
    if (start === undefined || end === undefined) {
      throw new Error(
        `${args.readings} has no readings of device ${commitment.deviceId} within ${tolerance} s inside the window's edges`,
      );
    }
    const plain = ({ deviceId, cumulativeWh, timestamp }: SignedReading) => ({ deviceId, cumulativeWh, timestamp });
    console.log(`Metered ${formatEnergy(end.cumulativeWh - start.cumulativeWh)} between the two readings`);
    receiptPromise = market.settleWithReadings(commitmentId, plain(start), start.signature, plain(end), end.signature);
  } else if (args.delivered !== "") {
    const attestation = {
      commitmentId,
      deliveredWh: parseEnergyOption(args.delivered, "delivered", { allowZero: true }),
      verifier: await operator.signer.getAddress(),
    };
    const domain = await flexibilityMarketDomain(await market.getAddress(), operator.runner);
    const signature = await signAttestation(operator.signer, domain, attestation);
    receiptPromise = market.settleWithAttestation(attestation, signature);
  } else {
    throw new Error("pass --readings <file> for an export or --delivered <energy> for a consume-less commitment");
  }

  const receipt = await operator.send(`Settled commitment ${commitmentId}`, receiptPromise);
  const event = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "CommitmentSettled");
  if (event) {
    const token = await operator.stablecoin(await market.stablecoin());
    console.log(
      `Delivered ${formatEnergy(event.args.deliveredWh)}: paid ${token.format(event.args.payout)}, slashed ${token.format(event.args.slashed)}, stake returned ${token.format(event.args.stakeReturned)}`,
    );
    console.log(
      `  the payee claims with FlexibilityMarket.claim; ${commitment.payee} can claim ${token.format(await market.claimable(commitment.payee))}`,
    );
  }
});
