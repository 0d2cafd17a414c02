import type { Signer } from "ethers";

import { TestStablecoin__factory } from "../../typechain-types/index.js";
import type { Operator } from "./context.js";

/**
 * Approves exactly `amount` to `spender` when the current allowance is lower, as a careful wallet would. `owner`
 * pays (default: the network's first account).
 */
export async function ensureAllowance(
  operator: Operator,
  asset: string,
  spender: string,
  amount: bigint,
  owner: Signer = operator.signer,
) {
  const token = TestStablecoin__factory.connect(asset, owner);
  const ownerAddress = await owner.getAddress();
  const [allowance, balance] = await Promise.all([
    token.allowance(ownerAddress, spender),
    token.balanceOf(ownerAddress),
  ]);
  if (balance < amount) {
    const { format } = await operator.stablecoin(asset);
    throw new Error(`${ownerAddress} holds ${format(balance)} but ${format(amount)} is needed`);
  }
  if (allowance < amount) {
    const { format } = await operator.stablecoin(asset);
    await operator.send(`Approved ${format(amount)} to ${spender}`, token.approve(spender, amount));
  }
}
