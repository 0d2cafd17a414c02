import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { vaultEvents } from "./tranches.js";

interface Args {
  vault: string;
}

/** `vault draw`: sends the whole raise to the project wallet, once, before the draw deadline (needs OPERATOR_ROLE). */
export default operatorAction<Args>(async (args, operator) => {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.signer);
  const receipt = await operator.send("Drew the raise", vault.drawdown());
  const { format } = await operator.stablecoin((await vault.params()).asset);
  const drawn = vaultEvents(vault, receipt, "Drawn")[0];
  if (drawn === undefined) throw new Error(`the drawdown ${receipt.hash} emitted no Drawn event`);
  console.log(`Sent ${format(drawn.args.amount)} to the project wallet ${drawn.args.projectWallet}`);
});
