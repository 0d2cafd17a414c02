import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { renderTable } from "../../common/table.js";
import { operatorAction } from "../context.js";
import { formatTime, parseAddress, parseId } from "../parse.js";

interface Args {
  creditId: string;
  account: string;
  market: string;
}

/** `compute show <creditId> [--account 0x…]`: a window of GPU-hours, its sales and an account's position in it. */
export default operatorAction<Args>(async (args, operator) => {
  const creditId = parseId(args.creditId, "credit id");
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.runner);
  const window = await market.getWindow(creditId);
  if (window.end === 0n) throw new Error(`credit id ${creditId} is no window of this market`);
  const clusterId = creditId >> 64n;
  const [cluster, token, servable] = await Promise.all([
    market.getCluster(clusterId),
    market.stablecoin().then((asset) => operator.stablecoin(asset)),
    market.redeemableNow(creditId),
  ]);
  const rows: [string, string][] = [
    ["cluster", `${clusterId}: ${cluster.gpuCount} x ${cluster.gpuClass}`],
    ["window", `${formatTime(window.start)} .. ${formatTime(window.end)}`],
    ["price per GPU-hour", token.format(window.pricePerGpuHour)],
    ["sold / capacity", `${window.sold} / ${window.capacity}`],
    ["redeemed", String(window.redeemed)],
    ["redeemable now", String(servable)],
    ["settled", window.settled ? `yes, ${window.delivered} delivered` : "no"],
    ["bond held", token.format(window.bondHeld)],
  ];
  if (args.account.trim() !== "") {
    const account = parseAddress(args.account.trim(), "account");
    const [credits, redeemed, refund] = await Promise.all([
      market.balanceOf(account, creditId),
      market.redeemedBy(creditId, account),
      market.refundOf(creditId, account),
    ]);
    rows.push([`${account}`, `${credits} credit(s), ${redeemed} redeemed, refund ${token.format(refund)}`]);
  }
  console.log(`Credit ${creditId} on ${operator.networkName}`);
  console.log(renderTable(["field", "value"], rows));
});
