import { artifacts, deployScript, saltOf } from "../rocketh/deploy.js";

/** The functions every settlement stablecoin offers (ERC-20, metadata, EIP-2612): the ABI recorded for it. */
const STABLECOIN_FUNCTIONS = new Set([
  "name",
  "symbol",
  "decimals",
  "totalSupply",
  "balanceOf",
  "transfer",
  "allowance",
  "approve",
  "transferFrom",
  "permit",
  "nonces",
  "DOMAIN_SEPARATOR",
]);

/**
 * The settlement stablecoin, recorded as `Stablecoin` for the other deploy scripts. On local chains and testnets
 * without one it is the test stablecoin (6 decimals, EIP-2612), deployed at the same address on every chain; set
 * STABLECOIN_ADDRESS to use an existing token instead, such as a testnet's USDC (the contracts that settle in it then
 * land at chain-specific addresses, since the token is one of their constructor arguments).
 */
export default deployScript(
  async ({ deploy, save, namedAccounts, network, extra }) => {
    const existing = process.env.STABLECOIN_ADDRESS?.trim();
    if (existing) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(existing)) {
        throw new Error(`STABLECOIN_ADDRESS is not an address: "${existing}"`);
      }
      const code = (await network.provider.request({
        method: "eth_getCode",
        params: [existing as `0x${string}`, "latest"],
      })) as string;
      if (code === "0x") throw new Error(`STABLECOIN_ADDRESS ${existing} has no contract on this network`);
      await save("Stablecoin", {
        address: existing as `0x${string}`,
        abi: artifacts.TestStablecoin.abi.filter(
          (item) => item.type !== "function" || STABLECOIN_FUNCTIONS.has(item.name),
        ),
        bytecode: "0x",
        argsData: "0x",
        metadata: "",
      });
      return;
    }

    const { deployer } = namedAccounts;
    const token = await deploy(
      "TestStablecoin",
      { account: deployer, artifact: artifacts.TestStablecoin, args: [deployer] },
      { deterministic: saltOf(extra) },
    );
    await save("Stablecoin", token, { doNotCountAsNewDeployment: true });
  },
  { tags: ["TestStablecoin", "Stablecoin", "stablecoin"] },
);
