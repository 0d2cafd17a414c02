import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress, parseId } from "../parse.js";

interface Args {
  creditId: string;
  holder: string;
  keyEnv: string;
  market: string;
}

/**
 * `compute refund <creditId> [--holder 0x…]`: once a window is settled (delivery recorded or lapsed), pays a
 * redeemer the refund for the redeemed GPU-hours that were not delivered, from the provider's bond. Anyone may send
 * it; the refund always goes to the redeemer.
 */
export default operatorAction<Args>(async (args, operator) => {
  const creditId = parseId(args.creditId, "credit id");
  const signer = await operator.account(args.keyEnv);
  const holder = args.holder.trim() === "" ? await signer.getAddress() : parseAddress(args.holder.trim(), "holder");
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), signer);
  const token = await operator.stablecoin(await market.stablecoin());
  const receipt = await operator.send(
    `Claimed the refund of ${holder} in credit ${creditId}`,
    market.claimRefund(creditId, holder),
  );
  const paid = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "RefundPaid");
  console.log(`Refunded ${token.format(paid?.args.amount ?? 0n)} to ${holder} for undelivered GPU-hours`);
});
