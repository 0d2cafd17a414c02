import { ZeroHash } from "ethers";

import { InvestorRegistry__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress, parseIdentity } from "../parse.js";

interface Args {
  account: string;
  identity: string;
  unlink: boolean;
  registry: string;
}

/**
 * `investor link-identity <account> --identity <text|0x…32 bytes>` (or `--unlink`): records which investor a wallet
 * belongs to (needs the registry's AGENT_ROLE). A vault recovers a lost wallet's notes only to another wallet of the
 * same identity. Text is hashed with keccak-256, so `--identity kyc:alice` always names the same identity.
 */
export default operatorAction<Args>(async (args, operator) => {
  const account = parseAddress(args.account, "account");
  if (args.unlink && args.identity.trim() !== "") throw new Error("give either --identity or --unlink, not both");
  if (!args.unlink && args.identity.trim() === "") throw new Error("--identity is required (or --unlink)");
  const identity = args.unlink ? ZeroHash : parseIdentity(args.identity);
  const registry = InvestorRegistry__factory.connect(
    operator.address("InvestorRegistry", args.registry),
    operator.signer,
  );
  await operator.send(
    args.unlink ? `Unlinked ${account} from its identity` : `Linked ${account} to identity ${identity}`,
    registry.linkIdentity(account, identity),
  );
});
