import { FlexibilityMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseId } from "../parse.js";

interface Args {
  requestId: string;
  market: string;
}

/**
 * `flex return-escrow <requestId>`: once the commitment deadline passed and every commitment is settled, credits the
 * unused escrow back to the buyer (anyone may). `flex claim` withdraws it.
 */
export default operatorAction<Args>(async (args, operator) => {
  const requestId = parseId(args.requestId, "request id");
  const market = FlexibilityMarket__factory.connect(
    operator.address("FlexibilityMarket", args.market),
    operator.signer,
  );
  const token = await operator.stablecoin(await market.stablecoin());
  const receipt = await operator.send(`Closed request ${requestId}`, market.returnEscrow(requestId));
  const returned = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "EscrowReturned");
  console.log(`Unused escrow ${token.format(returned?.args.refund ?? 0n)} credited back to ${returned?.args.buyer}`);
});
