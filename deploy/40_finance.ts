import { artifacts, deployScript, saltOf } from "../rocketh/deploy.js";

const DAY = 24n * 60n * 60n;
const USD = (whole: bigint) => whole * 10n ** 6n;

/**
 * The capital layer: the investor registry and one example vault financing a 1M tUSD solar-plus-battery site with
 * a senior (8%, amortizing), a mezzanine (12%, bullet) and an equity tranche, twelve 30-day periods. The deployer
 * holds every role (admin, operator, compliance agent, loss assessor) and hands them on from there. The registry
 * has the same address on every chain; the vault, whose terms include a date, is per chain.
 */
export default deployScript(
  async ({ deploy, namedAccounts, get, network, extra }) => {
    const { deployer } = namedAccounts;
    const stablecoin = get("Stablecoin");

    const registry = await deploy(
      "InvestorRegistry",
      { account: deployer, artifact: artifacts.InvestorRegistry, args: [deployer] },
      { deterministic: saltOf(extra) },
    );

    const latest = (await network.provider.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
      timestamp: `0x${string}`;
    };
    await deploy(
      "TrancheVault",
      {
        account: deployer,
        artifact: artifacts.TrancheVault,
        args: [
          {
            asset: stablecoin.address,
            registry: registry.address,
            admin: deployer,
            projectWallet: deployer,
            feeRecipient: deployer,
            fundingDeadline: BigInt(latest.timestamp) + 30n * DAY,
            periodLength: 30n * DAY,
            periodCount: 12,
            servicingFeePerPeriod: USD(500n),
            reserveTargetBps: 100,
            minCoverageBps: 12_000,
          },
          [
            {
              name: "Joulestack Solar Senior Note",
              symbol: "JSN-SR",
              targetSize: USD(600_000n),
              minSubscription: USD(10_000n),
              couponBps: 800,
              amortizationPerPeriod: USD(25_000n),
            },
            {
              name: "Joulestack Solar Mezzanine Note",
              symbol: "JSN-MZ",
              targetSize: USD(300_000n),
              minSubscription: USD(5_000n),
              couponBps: 1_200,
              amortizationPerPeriod: 0n,
            },
            {
              name: "Joulestack Solar Equity Note",
              symbol: "JSN-EQ",
              targetSize: USD(100_000n),
              minSubscription: USD(1_000n),
              couponBps: 0,
              amortizationPerPeriod: 0n,
            },
          ],
        ],
      },
      // A vault is one project's raise on the chain where it raises: its funding deadline is taken from that chain's
      // clock, so it is deployed per chain (plain CREATE) and never redeployed on a rerun.
      { skipIfAlreadyDeployed: true },
    );
  },
  { tags: ["InvestorRegistry", "TrancheVault", "finance"], dependencies: ["stablecoin"] },
);
