import { signPermit } from "../../../sdk/permit.js";
import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { ensureAllowance } from "../allowance.js";
import { operatorAction, preflight } from "../context.js";
import { parseTokenAmount, parseTranche } from "../parse.js";
import { notesOf, trancheSymbols } from "./tranches.js";

interface Args {
  amount: string;
  tranche: string;
  permit: boolean;
  keyEnv: string;
  vault: string;
}

/** How long a subscription permit stays valid: long enough to be mined, short enough not to linger. */
const PERMIT_LIFETIME = 3_600n;

/**
 * `vault subscribe <amount> --tranche <id|symbol> [--permit]`: buys notes at face value. Approves exactly the
 * amount first (after simulating the subscription), or with `--permit` signs an EIP-2612 permit and subscribes in
 * one transaction. The investor must be listed in the registry.
 */
export default operatorAction<Args>(async (args, operator) => {
  const investor = await operator.account(args.keyEnv);
  const holder = await investor.getAddress();
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), investor);
  const symbols = await trancheSymbols(vault);
  if (args.tranche.trim() === "") {
    throw new Error(`--tranche is required: use 0 to ${symbols.length - 1} or one of ${symbols.join(", ")}`);
  }
  const trancheId = parseTranche(args.tranche, symbols);
  const symbol = symbols[Number(trancheId)];
  const asset = (await vault.params()).asset;
  const token = await operator.stablecoin(asset);
  const amount = parseTokenAmount(args.amount, token.decimals, "amount");
  const spender = await vault.getAddress();
  const label = `Subscribed ${token.format(amount)} to ${symbol} (tranche ${trancheId}) for ${holder}`;

  if (args.permit) {
    const latest = await operator.ethers.provider.getBlock("latest");
    if (latest === null) throw new Error("the node returned no latest block");
    const deadline = BigInt(latest.timestamp) + PERMIT_LIFETIME;
    const signature = await signPermit(investor, asset, spender, amount, deadline);
    await operator.send(
      `${label} with a permit`,
      vault.subscribeWithPermit(trancheId, amount, deadline, signature.v, signature.r, signature.s),
    );
  } else {
    // Simulate first, so a closed vault or an unlisted investor fails with its own error before any approval.
    await preflight(vault.subscribe.staticCall(trancheId, amount), ["ERC20InsufficientAllowance"]);
    await ensureAllowance(operator, asset, spender, amount, investor);
    await operator.send(label, vault.subscribe(trancheId, amount));
  }

  const [tranche, notes] = await Promise.all([vault.tranche(trancheId), notesOf(vault, trancheId, holder)]);
  console.log(
    `${symbol}: ${token.format(tranche.raised)} of ${token.format(tranche.targetSize)} raised; ${holder} holds ${token.format(notes).replace(` ${token.symbol}`, "")} ${symbol}`,
  );
});
