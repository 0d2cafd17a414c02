import { FlexibilityMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress } from "../parse.js";

interface Args {
  to: string;
  keyEnv: string;
  market: string;
}

/**
 * `flex claim [--to 0x…]`: withdraws everything the market credited to the caller: a provider's payouts and returned
 * stakes, a buyer's slashed stakes and unused escrow.
 */
export default operatorAction<Args>(async (args, operator) => {
  const account = await operator.account(args.keyEnv);
  const holder = await account.getAddress();
  const to = args.to.trim() === "" ? holder : parseAddress(args.to.trim(), "to");
  const market = FlexibilityMarket__factory.connect(operator.address("FlexibilityMarket", args.market), account);
  const token = await operator.stablecoin(await market.stablecoin());
  const owed = await market.claimable(holder);
  await operator.send(`Claimed ${token.format(owed)} for ${holder}`, market.claim(to));
  console.log(
    `${to} received ${token.format(owed)}; ${holder} has ${token.format(await market.claimable(holder))} left`,
  );
});
