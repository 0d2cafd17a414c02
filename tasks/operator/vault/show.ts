import { ZeroAddress } from "ethers";

import { TrancheVault__factory } from "../../../typechain-types/index.js";
import { renderTable } from "../../common/table.js";
import { operatorAction } from "../context.js";
import { formatCoverage, formatTime, parseAddress } from "../parse.js";
import { printPeriods, revenueBySource, trancheSymbol } from "./report.js";

interface Args {
  account: string;
  vault: string;
}

const STATES = ["Funding", "Failed", "Active", "Matured"];

/** `vault show`: the vault's schedule, its tranches, every distributed period and what `--account` can claim. */
export default operatorAction<Args>(async (args, operator) => {
  const vault = TrancheVault__factory.connect(operator.address("TrancheVault", args.vault), operator.runner);
  const account =
    args.account !== ""
      ? parseAddress(args.account, "account")
      : operator.runner === operator.ethers.provider
        ? ZeroAddress
        : operator.signer.address;
  const [params, state, startTime, last, reserve, pending, fees, totals, trancheCount] = await Promise.all([
    vault.params(),
    vault.state(),
    vault.startTime(),
    vault.lastDistributedPeriod(),
    vault.reserve(),
    vault.pendingRevenue(),
    vault.fees(),
    vault.totals(),
    vault.trancheCount(),
  ]);
  const { format } = await operator.stablecoin(params.asset);

  console.log(`TrancheVault ${await vault.getAddress()} on ${operator.networkName}: ${STATES[Number(state)] ?? state}`);
  console.log(
    renderTable(
      ["field", "value"],
      [
        ["funding deadline", formatTime(params.fundingDeadline)],
        ["started", formatTime(startTime)],
        [
          "draw deadline",
          startTime === 0n ? "-" : `${formatTime(await vault.drawDeadline())}${totals.drawn === 0n ? "" : " (drawn)"}`,
        ],
        ["periods", `${last} of ${params.periodCount} distributed, ${Number(params.periodLength) / 86_400} days each`],
        ["next period ends", startTime === 0n ? "-" : formatTime(await vault.periodEnd(last + 1n))],
        ["paid in / drawn", `${format(totals.paidIn)} / ${format(totals.drawn)}`],
        ["revenue received", format(totals.revenue)],
        ["pending revenue", format(pending)],
        ["reserve", `${format(reserve)} (target ${(Number(params.reserveTargetBps) / 100).toFixed(2)}% of debt)`],
        ["coverage covenant", `at least ${formatCoverage(BigInt(params.minCoverageBps))}`],
        ["fees owed / arrears", `${format(fees.owed)} / ${format(fees.arrears)}`],
        ["claimed", format(totals.claimed)],
      ],
    ),
  );

  const rows: string[][] = [];
  for (let id = 0n; id < trancheCount; id++) {
    const [tranche, symbol, claimable, principal] = await Promise.all([
      vault.tranche(id),
      trancheSymbol(vault, id),
      vault.claimableOf(id, account),
      vault.principalOf(id, account),
    ]);
    rows.push([
      id.toString(),
      symbol,
      `${(Number(tranche.couponBps) / 100).toFixed(2)}%`,
      format(tranche.targetSize),
      format(tranche.raised),
      format(tranche.principal),
      format(tranche.interestArrears),
      format(principal),
      format(claimable),
    ]);
  }
  console.log();
  console.log(
    renderTable(
      ["id", "tranche", "coupon", "target", "raised", "principal", "arrears", "account principal", "account claimable"],
      rows,
      [2, 3, 4, 5, 6, 7, 8],
    ),
  );
  console.log(`(account ${account})`);

  const next = await revenueBySource(vault, last + 1n);
  console.log();
  console.log(`Revenue received for period ${last + 1n}:`);
  console.log(
    renderTable(
      ["source", "amount"],
      next.map(([name, amount]) => [name, format(amount)]),
      [1],
    ),
  );

  if (last > 0n) {
    console.log();
    await printPeriods(
      vault,
      format,
      Array.from({ length: Number(last) }, (_, index) => BigInt(index + 1)),
    );
  }
});
