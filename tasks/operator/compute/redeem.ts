import { id } from "ethers";

import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { maxUint, parseAddress, parseCount, parseId } from "../parse.js";

interface Args {
  creditId: string;
  gpuHours: string;
  job: string;
  from: string;
  keyEnv: string;
  market: string;
}

/**
 * `compute redeem <creditId> --gpu-hours 4 --job <reference>`: burns credits for a job before the window ends; the
 * provider's scheduler runs it. `--job` is a 32-byte hex reference or a text hashed into one.
 */
export default operatorAction<Args>(async (args, operator) => {
  const creditId = parseId(args.creditId, "credit id");
  const signer = await operator.account(args.keyEnv);
  const caller = await signer.getAddress();
  const from = args.from.trim() === "" ? caller : parseAddress(args.from.trim(), "from");
  const gpuHours = parseCount(args.gpuHours, "gpu-hours", 1n, maxUint(64));
  const job = args.job.trim();
  if (job === "") throw new Error("--job is required: the job's reference (32-byte hex, or a text hashed into one)");
  const jobReference = /^0x[0-9a-fA-F]{64}$/.test(job) ? job : id(job);
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), signer);
  await operator.send(
    `Redeemed ${gpuHours} GPU-hour(s) of credit ${creditId} for job ${job}`,
    market.redeem(from, creditId, gpuHours, jobReference),
  );
  const [left, redeemed, servable] = await Promise.all([
    market.balanceOf(from, creditId),
    market.redeemedBy(creditId, from),
    market.redeemableNow(creditId),
  ]);
  console.log(
    `${from}: ${redeemed} GPU-hour(s) redeemed in this window, ${left} credit(s) left; the cluster can still serve ${servable}`,
  );
});
