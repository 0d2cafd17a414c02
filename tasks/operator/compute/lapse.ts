import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseId } from "../parse.js";

interface Args {
  creditId: string;
  market: string;
}

/**
 * `compute lapse <creditId>`: after the delivery period passed without a delivery record, settles the window as
 * nothing delivered (anyone may), so every redeemed GPU-hour can be refunded with `compute refund`.
 */
export default operatorAction<Args>(async (args, operator) => {
  const creditId = parseId(args.creditId, "credit id");
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.signer);
  const token = await operator.stablecoin(await market.stablecoin());
  await operator.send(`Lapsed the delivery of credit ${creditId}`, market.lapseDelivery(creditId));
  const window = await market.getWindow(creditId);
  console.log(`${window.redeemed} redeemed GPU-hour(s) undelivered: ${token.format(window.bondHeld)} owed as refunds`);
});
