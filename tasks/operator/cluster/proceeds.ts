import { ComputeMarket__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { parseAddress } from "../parse.js";

interface Args {
  payee?: string;
  to?: string;
  keyEnv?: string;
  market: string;
}

/**
 * Sales proceeds accrue in the compute market to each cluster's payout address. `cluster push-proceeds [payee]`
 * pays them into the payee (anyone may; through `receiveRevenue` for a vault); `cluster claim-proceeds [--to]` lets
 * the payee withdraw its own by plain transfer.
 */
export function proceedsAction(kind: "push" | "claim") {
  return operatorAction<Args>(async (args, operator) => {
    const account = kind === "claim" ? await operator.account(args.keyEnv ?? "") : operator.signer;
    const caller = await account.getAddress();
    const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), account);
    const token = await operator.stablecoin(await market.stablecoin());
    const payee =
      kind === "claim"
        ? caller
        : (args.payee ?? "").trim() === ""
          ? operator.address("TrancheVault")
          : parseAddress((args.payee ?? "").trim(), "payee");
    const to = kind === "claim" && (args.to ?? "").trim() !== "" ? parseAddress((args.to ?? "").trim(), "to") : payee;
    const [direct, viaIntake] = await market.proceedsOf(payee);
    const receipt = await operator.send(
      kind === "push" ? `Pushed the proceeds of ${payee}` : `Claimed the proceeds of ${payee}`,
      kind === "push" ? market.pushProceeds(payee) : market.claimProceeds(to),
    );
    const paid = receipt.logs
      .map((log) => market.interface.parseLog(log))
      .filter((parsed) => parsed?.name === "ProceedsPaid")
      .reduce((sum, parsed) => sum + (parsed!.args.amount as bigint), 0n);
    console.log(
      `Paid ${token.format(paid)} to ${to}` +
        (kind === "push" && viaIntake > 0n
          ? ` (${token.format(viaIntake)} as compute revenue through receiveRevenue, ${token.format(direct)} by transfer)`
          : ""),
    );
  });
}
