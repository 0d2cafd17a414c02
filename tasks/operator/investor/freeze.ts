import { InvestorRegistry__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress } from "../parse.js";

interface Args {
  account: string;
  registry: string;
}

/**
 * `investor freeze <account>` / `investor unfreeze <account>` (needs the registry's AGENT_ROLE): a frozen account
 * cannot send, receive, claim, redeem or refund notes; its value stays in the vault.
 */
export function freezeAction(frozen: boolean) {
  return operatorAction<Args>(async (args, operator) => {
    const account = parseAddress(args.account, "account");
    const registry = InvestorRegistry__factory.connect(
      operator.address("InvestorRegistry", args.registry),
      operator.signer,
    );
    await operator.send(`${frozen ? "Froze" : "Unfroze"} ${account}`, registry.setFrozen(account, frozen));
    console.log(`${account} is ${(await registry.isVerified(account)) ? "verified" : "not verified"}`);
  });
}

export default freezeAction(true);
