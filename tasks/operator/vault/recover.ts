import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { type Operator, operatorAction } from "../context.js";
import { formatTime, parseAddress } from "../parse.js";
import { trancheSymbols, vaultEvents } from "./tranches.js";

interface Args {
  lost: string;
  vault: string;
}

async function connect(operator: Operator, args: Args, signer: Awaited<ReturnType<Operator["account"]>>) {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), signer);
  return { vault, lost: parseAddress(args.lost, "lost") };
}

/**
 * `vault recover announce <lost> --replacement 0x…`: announces that the notes and unclaimed payouts of a lost wallet
 * move to a replacement of the same investor identity after the recovery delay (needs the vault's AGENT_ROLE).
 */
export const announce = operatorAction<Args & { replacement: string }>(async (args, operator) => {
  const { vault, lost } = await connect(operator, args, operator.signer);
  if (args.replacement.trim() === "") throw new Error("--replacement is required: the wallet the notes move to");
  const replacement = parseAddress(args.replacement, "replacement");
  const receipt = await operator.send(
    `Announced the recovery of ${lost} to ${replacement}`,
    vault.announceRecovery(lost, replacement),
  );
  const announced = vaultEvents(vault, receipt, "RecoveryAnnounced")[0];
  if (announced === undefined) throw new Error(`the announcement ${receipt.hash} emitted no RecoveryAnnounced event`);
  console.log(
    `Executable from ${formatTime(announced.args.executableAt)} with \`vault recover execute ${lost}\`; the holder can cancel it from ${lost} until then`,
  );
});

/** `vault recover cancel <lost>`: withdraws an announced recovery, as an agent or as the holder from `lost`. */
export const cancel = operatorAction<Args & { keyEnv: string }>(async (args, operator) => {
  const { vault, lost } = await connect(operator, args, await operator.account(args.keyEnv));
  await operator.send(`Cancelled the recovery of ${lost}`, vault.cancelRecovery(lost));
});

/** `vault recover execute <lost>`: moves the notes once the contest window is over (anyone may). */
export const execute = operatorAction<Args>(async (args, operator) => {
  const { vault, lost } = await connect(operator, args, operator.signer);
  const receipt = await operator.send(`Recovered the notes of ${lost}`, vault.recoverNotes(lost));
  const { format, symbol } = await operator.stablecoin((await vault.params()).asset);
  const symbols = await trancheSymbols(vault);
  const moved = vaultEvents(vault, receipt, "NotesRecovered");
  for (const event of moved) {
    const trancheSymbol = symbols[Number(event.args.trancheId)];
    console.log(
      `  ${trancheSymbol}: ${format(event.args.notes).replace(` ${symbol}`, "")} notes and ${format(event.args.claimable)} unclaimed moved to ${event.args.replacement}`,
    );
  }
  if (moved.length === 0) console.log(`  ${lost} held no notes and no unclaimed payouts`);
});
