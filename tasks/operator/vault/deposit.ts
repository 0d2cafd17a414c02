import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { ensureAllowance } from "../allowance.js";
import { operatorAction, preflight } from "../context.js";
import { parseRevenueSource, REVENUE_SOURCES } from "../parse.js";

interface Args {
  amount: string;
  source: string;
  vault: string;
}

/** `vault deposit <amount> --source <s>`: pays project revenue into the vault, tagged with where it came from. */
export default operatorAction<Args>(async (args, operator) => {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.signer);
  const source = parseRevenueSource(args.source);
  const asset = await vault.revenueAsset();
  const token = await operator.stablecoin(asset);
  const amount = token.parse(args.amount);

  // Simulate first, so a vault that cannot take revenue fails with its own error before any approval is sent.
  await preflight(vault.receiveRevenue.staticCall(source, amount), ["ERC20InsufficientAllowance"]);
  await ensureAllowance(operator, asset, await vault.getAddress(), amount);
  await operator.send(
    `Deposited ${token.format(amount)} of ${REVENUE_SOURCES[source]} revenue`,
    vault.receiveRevenue(source, amount),
  );
  const next = (await vault.lastDistributedPeriod()) + 1n;
  console.log(`Pending revenue for period ${next}: ${token.format(await vault.pendingRevenue())}`);
});
