import { signPermit } from "../../../sdk/permit.js";
import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { ensureAllowance } from "../allowance.js";
import { operatorAction, preflight } from "../context.js";
import { formatTime, maxUint, parseAddress, parseCount, parseId } from "../parse.js";

interface Args {
  creditId: string;
  gpuHours: string;
  receiver: string;
  permit: boolean;
  keyEnv: string;
  market: string;
}

/** How long a purchase permit stays valid: long enough to be mined, short enough not to linger. */
const PERMIT_LIFETIME = 3_600n;

/**
 * `compute buy <creditId> --gpu-hours 8 [--permit]`: a GPU buyer (a person or an AI agent's wallet) buys GPU-hour
 * credits of a window before it starts. Approves exactly the price first (after simulating the purchase), or with
 * `--permit` signs an EIP-2612 permit and buys in one transaction.
 */
export default operatorAction<Args>(async (args, operator) => {
  const creditId = parseId(args.creditId, "credit id");
  const buyer = await operator.account(args.keyEnv);
  const buyerAddress = await buyer.getAddress();
  const receiver = args.receiver.trim() === "" ? buyerAddress : parseAddress(args.receiver.trim(), "receiver");
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), buyer);
  const window = await market.getWindow(creditId);
  if (window.end === 0n) await market.buy.staticCall(creditId, 1n, receiver); // ComputeUnknownWindow, decoded
  const gpuHours = parseCount(args.gpuHours, "gpu-hours", 1n, maxUint(64));
  const asset = await market.stablecoin();
  const token = await operator.stablecoin(asset);
  const cost = window.pricePerGpuHour * gpuHours;
  const spender = await market.getAddress();
  const label = `Bought ${gpuHours} GPU-hour(s) of credit ${creditId} for ${token.format(cost)}`;

  if (args.permit) {
    const latest = await operator.ethers.provider.getBlock("latest");
    if (latest === null) throw new Error("the node returned no latest block");
    const deadline = BigInt(latest.timestamp) + PERMIT_LIFETIME;
    const signature = await signPermit(buyer, asset, spender, cost, deadline);
    await operator.send(
      `${label} with a permit`,
      market.buyWithPermit(creditId, gpuHours, receiver, deadline, signature.v, signature.r, signature.s),
    );
  } else {
    // Simulate first, so a started window or missing bond fails with its own error before any approval.
    await preflight(market.buy.staticCall(creditId, gpuHours, receiver), ["ERC20InsufficientAllowance"]);
    await ensureAllowance(operator, asset, spender, cost, buyer);
    await operator.send(label, market.buy(creditId, gpuHours, receiver));
  }
  const after = await market.getWindow(creditId);
  console.log(
    `${receiver} holds ${await market.balanceOf(receiver, creditId)} credit(s) for ${formatTime(window.start)} .. ${formatTime(window.end)}; ${after.sold} of ${after.capacity} sold`,
  );
});
