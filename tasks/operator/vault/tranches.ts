import type { TransactionReceipt } from "ethers";

import { ENUM_MEMBERS } from "../../../sdk/enums.js";
import { type TrancheVault, TrancheNote__factory } from "../../../typechain-types/index.js";
import { parseTranche } from "../parse.js";
import { trancheSymbol } from "./report.js";

/** The note symbols of every tranche, in id order (`JSN-SR`, `JSN-MZ`, `JSN-EQ`). */
export async function trancheSymbols(vault: TrancheVault): Promise<string[]> {
  const count = await vault.trancheCount();
  return Promise.all(Array.from({ length: Number(count) }, (_, id) => trancheSymbol(vault, BigInt(id))));
}

/** The tranche `--tranche` names (id or symbol), or every tranche when it is empty. */
export async function selectTranches(vault: TrancheVault, text: string): Promise<{ ids: bigint[]; symbols: string[] }> {
  const symbols = await trancheSymbols(vault);
  const ids = text.trim() === "" ? symbols.map((_, id) => BigInt(id)) : [parseTranche(text, symbols)];
  return { ids, symbols };
}

/** The notes `holder` holds in a tranche. */
export async function notesOf(vault: TrancheVault, trancheId: bigint, holder: string): Promise<bigint> {
  const { note } = await vault.tranche(trancheId);
  return TrancheNote__factory.connect(note, vault.runner).balanceOf(holder);
}

/** The vault's events of one name in a receipt, parsed. */
export function vaultEvents(vault: TrancheVault, receipt: TransactionReceipt, name: string) {
  const address = receipt.to === null ? undefined : receipt.to.toLowerCase();
  return receipt.logs
    .filter((log) => address === undefined || log.address.toLowerCase() === address)
    .map((log) => {
      try {
        return vault.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .filter((parsed) => parsed !== null && parsed.name === name)
    .map((parsed) => parsed!);
}

/** The vault's lifecycle states, by `VaultState` index. */
export const VAULT_STATES = ENUM_MEMBERS["enum ITrancheVault.VaultState"];
