import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseTokenAmount } from "../parse.js";
import { trancheSymbols, vaultEvents } from "./tranches.js";

interface Args {
  amount: string;
  vault: string;
}

/**
 * `vault write-down <amount>`: records a loss (needs LOSS_ASSESSOR_ROLE). Principal is cut bottom-up, equity first;
 * prints each tranche's cut and the principal left.
 */
export default operatorAction<Args>(async (args, operator) => {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.signer);
  const token = await operator.stablecoin((await vault.params()).asset);
  const amount = parseTokenAmount(args.amount, token.decimals, "amount");
  const receipt = await operator.send(`Wrote down ${token.format(amount)} of principal`, vault.writeDown(amount));
  const symbols = await trancheSymbols(vault);
  for (const event of vaultEvents(vault, receipt, "PrincipalWrittenDown")) {
    const id = Number(event.args.trancheId);
    console.log(
      `  ${symbols[id]}: ${token.format(event.args.amount)} written off, ${token.format(event.args.principalAfter)} principal left`,
    );
  }
});
