import { InvestorRegistry__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatTime, parseAddresses, parseExpiry, parseJurisdiction } from "../parse.js";

interface Args {
  accounts: string[];
  expiry: string;
  jurisdiction: string;
  registry: string;
}

/**
 * `investor list <account…> --expiry +365d --jurisdiction 840`: lists (or renews) investors, one transaction for
 * all of them (needs the registry's AGENT_ROLE). Listed investors may subscribe, hold and receive notes.
 */
export default operatorAction<Args>(async (args, operator) => {
  const accounts = parseAddresses(args.accounts, "accounts");
  const jurisdiction = parseJurisdiction(args.jurisdiction);
  const latest = await operator.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the node returned no latest block");
  const expiry = parseExpiry(args.expiry, BigInt(latest.timestamp));
  const registry = InvestorRegistry__factory.connect(
    operator.address("InvestorRegistry", args.registry),
    operator.signer,
  );
  const what = `until ${formatTime(expiry)}, jurisdiction ${jurisdiction}`;
  await operator.send(
    accounts.length === 1 ? `Listed ${accounts[0]} ${what}` : `Listed ${accounts.length} investors ${what}`,
    accounts.length === 1
      ? registry.listInvestor(accounts[0], expiry, jurisdiction)
      : registry.listInvestors(accounts, expiry, jurisdiction),
  );
  if (accounts.length > 1) for (const account of accounts) console.log(`  ${account}`);
});
