import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress, parseId, parseTokenAmount } from "../parse.js";

interface Args {
  clusterId: string;
  amount: string;
  to: string;
  market: string;
}

/**
 * `cluster withdraw-bond <clusterId> [--amount 100] [--to 0x…]`: the provider takes back bond that no sale has locked
 * (default: all of the free bond).
 */
export default operatorAction<Args>(async (args, operator) => {
  const clusterId = parseId(args.clusterId, "cluster id");
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.signer);
  const token = await operator.stablecoin(await market.stablecoin());
  const free = (await market.getCluster(clusterId)).bondFree;
  const amount = args.amount.trim() === "" ? free : parseTokenAmount(args.amount, token.decimals, "--amount");
  const to = args.to.trim() === "" ? operator.signer.address : parseAddress(args.to.trim(), "to");
  await operator.send(
    `Withdrew ${token.format(amount)} of bond from cluster ${clusterId} to ${to}`,
    market.withdrawBond(clusterId, amount, to),
  );
  console.log(`Cluster ${clusterId}: free bond ${token.format((await market.getCluster(clusterId)).bondFree)}`);
});
