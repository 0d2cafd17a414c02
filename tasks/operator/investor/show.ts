import { ZeroAddress, ZeroHash } from "ethers";

import { InvestorRegistry__factory, TrancheVault__factory } from "../../../typechain-types/index.js";
import { renderTable } from "../../common/table.js";
import { operatorAction } from "../context.js";
import { formatTime, parseAddress } from "../parse.js";
import { notesOf, trancheSymbols } from "../vault/tranches.js";

interface Args {
  account: string;
  registry: string;
  vault: string;
}

/**
 * `investor show <account>`: the registry entry (expiry, jurisdiction, frozen, verified, identity) and, in the
 * vault, the account's notes, principal, claimable payouts and any pending recovery. Read-only.
 */
export default operatorAction<Args>(async (args, operator) => {
  const account = parseAddress(args.account, "account");
  const registry = InvestorRegistry__factory.connect(
    operator.address("InvestorRegistry", args.registry),
    operator.runner,
  );
  const [entry, verified, identity] = await Promise.all([
    registry.investor(account),
    registry.isVerified(account),
    registry.identityOf(account),
  ]);
  const latest = await operator.ethers.provider.getBlock("latest");
  const now = BigInt(latest?.timestamp ?? 0);
  const status =
    entry.expiry === 0n
      ? "not listed"
      : entry.expiry <= now
        ? `expired ${formatTime(entry.expiry)}`
        : formatTime(entry.expiry);
  console.log(`Investor ${account} on ${operator.networkName}: ${verified ? "verified" : "NOT verified"}`);
  console.log(
    renderTable(
      ["field", "value"],
      [
        ["listed until", status],
        ["jurisdiction", entry.expiry === 0n ? "-" : entry.jurisdiction.toString()],
        ["frozen", entry.frozen ? "yes" : "no"],
        ["identity", identity === ZeroHash ? "-" : identity],
      ],
    ),
  );

  if (args.vault === "" && !operator.hasDeployment("TrancheVault")) return;
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.runner);
  const [symbols, params, recovery] = await Promise.all([
    trancheSymbols(vault),
    vault.params(),
    vault.pendingRecovery(account),
  ]);
  const { format, symbol } = await operator.stablecoin(params.asset);
  const rows: string[][] = [];
  for (let id = 0n; id < BigInt(symbols.length); id++) {
    const [notes, principal, claimable] = await Promise.all([
      notesOf(vault, id, account),
      vault.principalOf(id, account),
      vault.claimableOf(id, account),
    ]);
    rows.push([symbols[Number(id)], format(notes).replace(` ${symbol}`, ""), format(principal), format(claimable)]);
  }
  console.log();
  console.log(renderTable(["tranche", "notes", "principal", "claimable"], rows, [1, 2, 3]));
  if (recovery.replacement !== ZeroAddress) {
    console.log(`Recovery to ${recovery.replacement} announced, executable from ${formatTime(recovery.executableAt)}`);
  }
});
