import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatTime } from "../parse.js";
import { VAULT_STATES, vaultEvents } from "./tranches.js";

interface Args {
  vault: string;
}

/**
 * `vault close-funding`: ends the subscription phase (anyone may, once every tranche is full or the funding
 * deadline passed). The vault becomes Active, or Failed when a target was missed; prints which and why.
 */
export default operatorAction<Args>(async (args, operator) => {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.signer);
  const receipt = await operator.send("Closed funding", vault.closeFunding());
  const { format } = await operator.stablecoin((await vault.params()).asset);
  const state = VAULT_STATES[Number(await vault.state())];
  const closed = vaultEvents(vault, receipt, "FundingClosed")[0];
  if (closed !== undefined) {
    console.log(
      `Vault is ${state}: ${format(closed.args.raised)} raised; period 1 started ${formatTime(closed.args.startTime)}; draw the raise by ${formatTime(await vault.drawDeadline())}`,
    );
    return;
  }
  const failed = vaultEvents(vault, receipt, "FundingFailed")[0];
  console.log(
    `Vault is ${state}: a target was missed by the deadline (${format(failed?.args.raised ?? 0n)} raised); holders take their money back with \`vault refund\``,
  );
});
