import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { ensureAllowance } from "../allowance.js";
import { operatorAction, preflight } from "../context.js";
import { parseId, parseTokenAmount } from "../parse.js";

interface Args {
  clusterId: string;
  amount: string;
  market: string;
}

/**
 * `cluster bond <clusterId> --amount 500`: posts stablecoin to a cluster's bond (anyone may top it up). Every GPU-hour
 * sold locks its price from the free bond until the window is settled, so the bond caps what can be sold.
 */
export default operatorAction<Args>(async (args, operator) => {
  const clusterId = parseId(args.clusterId, "cluster id");
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.signer);
  const asset = await market.stablecoin();
  const token = await operator.stablecoin(asset);
  const amount = parseTokenAmount(args.amount, token.decimals, "--amount");
  await preflight(market.postBond.staticCall(clusterId, amount), [
    "ERC20InsufficientAllowance",
    "ERC20InsufficientBalance",
  ]);
  await ensureAllowance(operator, asset, await market.getAddress(), amount);
  await operator.send(
    `Posted ${token.format(amount)} to the bond of cluster ${clusterId}`,
    market.postBond(clusterId, amount),
  );
  console.log(`Cluster ${clusterId}: free bond ${token.format((await market.getCluster(clusterId)).bondFree)}`);
});
