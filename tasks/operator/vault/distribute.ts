import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseId } from "../parse.js";
import { printPeriods } from "./report.js";

interface Args {
  period: string;
  vault: string;
}

/** `vault distribute [period]`: runs the waterfall of the next ended period and prints what each tranche got. */
export default operatorAction<Args>(async (args, operator) => {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.signer);
  const period = args.period === "" ? (await vault.lastDistributedPeriod()) + 1n : parseId(args.period, "period");
  await operator.send(`Distributed period ${period}`, vault.distribute(period));
  const token = await operator.stablecoin(await vault.revenueAsset());
  await printPeriods(vault, token.format, [period]);
});
