import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatTime } from "../parse.js";
import { vaultEvents } from "./tranches.js";

interface Args {
  vault: string;
}

/**
 * `vault unwind`: once the draw deadline passed with the raise undrawn, moves the vault to Failed (anyone may) so
 * that every holder takes their money back with `vault refund`.
 */
export default operatorAction<Args>(async (args, operator) => {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.signer);
  const receipt = await operator.send("Unwound the undrawn raise", vault.unwind());
  const { format } = await operator.stablecoin((await vault.params()).asset);
  const unwound = vaultEvents(vault, receipt, "RaiseUnwound")[0];
  if (unwound === undefined) throw new Error(`the unwind ${receipt.hash} emitted no RaiseUnwound event`);
  console.log(
    `Vault is Failed (draw deadline ${formatTime(unwound.args.drawDeadline)}): ${format(unwound.args.refundable)} refundable with \`vault refund\`, ${format(unwound.args.revenueToResidual)} of revenue to the residual tranche`,
  );
});
