import { gridZone } from "../../../sdk/energy.js";
import { formatEnergy, parseEnergy } from "../../../sdk/units.js";
import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress } from "../parse.js";

interface Args {
  gpuClass: string;
  gpus: number;
  energyPerGpuHour: string;
  zone: string;
  operator: string;
  payout: string;
  market: string;
}

/**
 * `cluster register`: the caller becomes the provider of a GPU cluster. Its sales are paid by default into the
 * network's TrancheVault as compute revenue (`--payout vault`); `--payout <address>` pays a wallet instead.
 */
export default operatorAction<Args>(async (args, operator) => {
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.signer);
  const toVault = args.payout === "" || args.payout === "vault";
  const registration = {
    gpuClass: args.gpuClass,
    gridZone: gridZone(args.zone),
    operator: args.operator === "" ? operator.signer.address : parseAddress(args.operator, "operator"),
    gpuCount: args.gpus,
    whPerGpuHour: parseEnergy(args.energyPerGpuHour),
    payout: toVault ? operator.address("TrancheVault") : parseAddress(args.payout, "payout"),
    payoutIsIntake: toVault,
  };
  const receipt = await operator.send("Registered the cluster", market.registerCluster(registration));
  const event = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "ClusterRegistered");
  console.log(
    `Cluster ${event?.args.clusterId}: ${args.gpus} x ${args.gpuClass} in ${args.zone}, ${formatEnergy(registration.whPerGpuHour)} per GPU-hour`,
  );
  console.log(`  operator ${registration.operator}`);
  console.log(`  sales pay ${registration.payout}${toVault ? " (the TrancheVault, as compute revenue)" : ""}`);
});
