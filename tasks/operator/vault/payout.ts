import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { type Operator, operatorAction } from "../context.js";
import { parseAddress } from "../parse.js";
import { notesOf, selectTranches, vaultEvents } from "./tranches.js";

interface Args {
  tranche: string;
  receiver: string;
  keyEnv: string;
  vault: string;
}

/** What a holder takes out of the vault: claims (any time), redemptions (after maturity), refunds (after failure). */
export type Payout = "claim" | "redeem" | "refund";

const PAST: Record<Payout, string> = { claim: "Claimed", redeem: "Redeemed", refund: "Refunded" };

/**
 * A holder's payout task: for the tranche given (or each tranche in which the holder has something to take), calls
 * `claim`, `redeem` or `refund` and prints the stablecoin paid and the notes cancelled, from the vault's events.
 */
export function payoutAction(kind: Payout) {
  return operatorAction<Args>(async (args, operator: Operator) => {
    const signer = await operator.account(args.keyEnv);
    const holder = await signer.getAddress();
    const receiver = args.receiver === "" ? holder : parseAddress(args.receiver, "receiver");
    const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), signer);
    const { ids, symbols } = await selectTranches(vault, args.tranche);
    const token = await operator.stablecoin((await vault.params()).asset);

    // Without --tranche, only tranches where the holder has something to take: notes to cancel or payouts owed.
    const chosen: bigint[] = [];
    for (const id of ids) {
      if (args.tranche.trim() !== "") chosen.push(id);
      else {
        const [claimable, notes] = await Promise.all([vault.claimableOf(id, holder), notesOf(vault, id, holder)]);
        if (claimable > 0n || (kind !== "claim" && notes > 0n)) chosen.push(id);
      }
    }
    if (chosen.length === 0) {
      console.log(`Nothing to ${kind} for ${holder} in ${symbols.join(", ")}`);
      return;
    }

    let total = 0n;
    for (const id of chosen) {
      const symbol = symbols[Number(id)];
      const call =
        kind === "claim"
          ? vault.claim(id, receiver)
          : kind === "redeem"
            ? vault.redeem(id, receiver)
            : vault.refund(id, receiver);
      const receipt = await operator.send(`${PAST[kind]} ${symbol} (tranche ${id}) for ${holder}`, call);
      const event = vaultEvents(vault, receipt, PAST[kind])[0];
      if (event === undefined)
        throw new Error(`the ${kind} transaction ${receipt.hash} emitted no ${PAST[kind]} event`);
      const amount: bigint = event.args.amount;
      total += amount;
      const notes =
        kind === "claim"
          ? ""
          : `, ${token.format(event.args.notes).replace(` ${token.symbol}`, "")} ${symbol} cancelled`;
      console.log(`  ${symbol}: ${token.format(amount)} paid to ${receiver}${notes}`);
    }
    console.log(`${PAST[kind]} ${token.format(total)} in total`);
  });
}
