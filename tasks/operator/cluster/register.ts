import { gridZone } from "../../../sdk/energy.js";
import { formatEnergy } from "../../../sdk/units.js";
import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { maxUint, parseAddress, parseCount, parseEnergyOption, parseZone } from "../parse.js";

interface Args {
  gpuClass: string;
  gpus: string;
  energyPerGpuHour: string;
  minEnergyPerGpuHour: string;
  zone: string;
  operator: string;
  payout: string;
  market: string;
}

/**
 * `cluster register`: the caller becomes the provider of a GPU cluster. Its sales are paid by default into the
 * network's TrancheVault as compute revenue (`--payout vault`); `--payout <address>` pays a wallet instead.
 * `--energy-per-gpu-hour` is the most a GPU-hour can draw (GPU, cooling, networking); `--min-energy-per-gpu-hour` the
 * least a delivered GPU-hour draws (default: half the most). Delivery reports must lie between the two.
 */
export default operatorAction<Args>(async (args, operator) => {
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.signer);
  const toVault = args.payout === "" || args.payout === "vault";
  const zone = parseZone(args.zone);
  if (args.gpuClass.trim() === "") throw new Error("--gpu-class is required: the GPU model, e.g. H100-SXM");
  const gpus = parseCount(args.gpus, "gpus", 1n, maxUint(32));
  const registration = {
    gpuClass: args.gpuClass.trim(),
    gridZone: gridZone(zone),
    operator: args.operator === "" ? operator.signer.address : parseAddress(args.operator, "operator"),
    gpuCount: gpus,
    minWhPerGpuHour: 0n,
    maxWhPerGpuHour: parseEnergyOption(args.energyPerGpuHour, "energy-per-gpu-hour", { max: maxUint(32) }),
    payout: toVault ? operator.address("TrancheVault") : parseAddress(args.payout, "payout"),
    payoutIsIntake: toVault,
  };
  registration.minWhPerGpuHour =
    args.minEnergyPerGpuHour === ""
      ? registration.maxWhPerGpuHour / 2n
      : parseEnergyOption(args.minEnergyPerGpuHour, "min-energy-per-gpu-hour", { max: maxUint(32) });
  const receipt = await operator.send("Registered the cluster", market.registerCluster(registration));
  const event = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "ClusterRegistered");
  console.log(
    `Cluster ${event?.args.clusterId}: ${gpus} x ${registration.gpuClass} in ${zone}, ${formatEnergy(registration.maxWhPerGpuHour)} per GPU-hour at most, ${formatEnergy(registration.minWhPerGpuHour)} at least`,
  );
  console.log(`  operator ${registration.operator}`);
  console.log(`  sales pay ${registration.payout}${toVault ? " (the TrancheVault, as compute revenue)" : ""}`);
});
