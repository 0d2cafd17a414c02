import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { ensureAllowance } from "../allowance.js";
import { operatorAction } from "../context.js";
import { ceilToHour, formatTime, maxUint, parseCount, parseId, parseTime, parseTokenAmount } from "../parse.js";

interface Args {
  clusterId: string;
  start: string;
  hours: string;
  price: string;
  bond: string;
  market: string;
}

/**
 * `cluster offer <clusterId>`: the provider offers every GPU of the cluster for `--hours` hours from `--start` at
 * `--price` per GPU-hour. Each sale must be covered by the cluster's free bond; `--bond full` posts enough to cover
 * the whole window, `--bond <amount>` that amount.
 */
export default operatorAction<Args>(async (args, operator) => {
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.signer);
  const clusterId = parseId(args.clusterId, "cluster id");
  const asset = await market.stablecoin();
  const token = await operator.stablecoin(asset);
  const latest = await operator.ethers.provider.getBlock("latest");
  const requested = parseTime(args.start, BigInt(latest?.timestamp ?? 0));
  const start = args.start.trim().startsWith("+") ? ceilToHour(requested) : requested;
  const price = parseTokenAmount(args.price, token.decimals, "--price");
  if (price > maxUint(128)) throw new Error(`--price ${args.price} exceeds the largest price, a uint128`);
  const hours = parseCount(args.hours, "hours", 1n, await market.MAX_WINDOW_HOURS());

  const cluster = await market.getCluster(clusterId);
  const capacity = cluster.gpuCount * hours;
  await market.offerWindow.staticCall(clusterId, start, hours, price);
  if (args.bond !== "") {
    const needed = capacity * price;
    const bond =
      args.bond === "full"
        ? needed > cluster.bondFree
          ? needed - cluster.bondFree
          : 0n
        : parseTokenAmount(args.bond, token.decimals, "--bond");
    if (bond > 0n) {
      await ensureAllowance(operator, asset, await market.getAddress(), bond);
      await operator.send(`Posted a bond of ${token.format(bond)}`, market.postBond(clusterId, bond));
    }
  }
  const receipt = await operator.send(
    `Offered cluster ${clusterId}`,
    market.offerWindow(clusterId, start, hours, price),
  );
  const event = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "WindowOffered");
  const bondFree = (await market.getCluster(clusterId)).bondFree;
  console.log(`Credit ${event?.args.creditId}: ${capacity} GPU-hours at ${token.format(price)} each`);
  console.log(`  window ${formatTime(start)} .. ${formatTime(start + hours * 3_600n)}`);
  console.log(
    `  free bond ${token.format(bondFree)} covers ${price === 0n ? 0n : bondFree / price} GPU-hours of sales`,
  );
});
