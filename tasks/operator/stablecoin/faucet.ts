import { TestStablecoin__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress, parseTokenAmount } from "../parse.js";

interface Args {
  amount: string;
  to: string;
  stablecoin: string;
}

/**
 * `stablecoin faucet <amount> [--to 0x…]`: mints test dollars on a chain whose deployment created the test
 * stablecoin (local nodes and testnets; the deployer owns it). A deployment that settles in an external stablecoin
 * (STABLECOIN_ADDRESS, e.g. a testnet's USDC) has no faucet here.
 */
export default operatorAction<Args>(async (args, operator) => {
  if (args.stablecoin === "") {
    const settlement = operator.hasDeployment("Stablecoin") ? operator.address("Stablecoin") : undefined;
    const test = operator.hasDeployment("TestStablecoin") ? operator.address("TestStablecoin") : undefined;
    if (settlement !== undefined && settlement !== test) {
      throw new Error(
        `the ${operator.networkName} deployment settles in the external stablecoin ${settlement}, which this task cannot mint: get it from its issuer's faucet`,
      );
    }
  }
  const address = operator.address("TestStablecoin", args.stablecoin);
  const token = await operator.stablecoin(address);
  const amount = parseTokenAmount(args.amount, token.decimals, "amount");
  const to = args.to === "" ? operator.signer.address : parseAddress(args.to, "to");
  const coin = TestStablecoin__factory.connect(address, operator.signer);
  await operator.send(`Minted ${token.format(amount)} to ${to}`, coin.mint(to, amount));
  console.log(`${to} holds ${token.format(await coin.balanceOf(to))}`);
});
