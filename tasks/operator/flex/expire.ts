import { FlexibilityMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatTime, parseId } from "../parse.js";

interface Args {
  commitmentId: string;
  market: string;
}

/**
 * `flex expire <commitmentId>`: after the settlement deadline, settles a commitment nobody settled as nothing
 * delivered (anyone may): the whole stake is credited to the buyer and, once every commitment is settled, the unused
 * escrow too. `flex claim` withdraws the credits.
 */
export default operatorAction<Args>(async (args, operator) => {
  const commitmentId = parseId(args.commitmentId, "commitment id");
  const market = FlexibilityMarket__factory.connect(
    operator.address("FlexibilityMarket", args.market),
    operator.signer,
  );
  const token = await operator.stablecoin(await market.stablecoin());
  const commitment = await market.getCommitment(commitmentId);
  const request = await market.getRequest(commitment.requestId);
  const receipt = await operator.send(`Expired commitment ${commitmentId}`, market.expire(commitmentId));
  const events = receipt.logs.map((log) => market.interface.parseLog(log)).filter((parsed) => parsed !== null);
  const settled = events.find((parsed) => parsed.name === "CommitmentSettled");
  const returned = events.find((parsed) => parsed.name === "EscrowReturned");
  console.log(
    `Nothing delivered by the deadline ${formatTime(request.settlementDeadline)}: stake ${token.format(settled?.args.slashed ?? 0n)} credited to the buyer ${request.buyer}`,
  );
  if (returned !== undefined) {
    console.log(
      `  request ${commitment.requestId} is closed: unused escrow ${token.format(returned.args.refund)} credited back`,
    );
  }
});
