import { TestStablecoin__factory } from "../../typechain-types/index.js";
import type { Operator } from "./context.js";

/** Approves exactly `amount` to `spender` when the current allowance is lower, as a careful wallet would. */
export async function ensureAllowance(operator: Operator, asset: string, spender: string, amount: bigint) {
  const token = TestStablecoin__factory.connect(asset, operator.signer);
  const owner = await operator.signer.getAddress();
  const [allowance, balance] = await Promise.all([token.allowance(owner, spender), token.balanceOf(owner)]);
  if (balance < amount) {
    const { format } = await operator.stablecoin(asset);
    throw new Error(`${owner} holds ${format(balance)} but ${format(amount)} is needed`);
  }
  if (allowance < amount) {
    const { format } = await operator.stablecoin(asset);
    await operator.send(`Approved ${format(amount)} to ${spender}`, token.approve(spender, amount));
  }
}
