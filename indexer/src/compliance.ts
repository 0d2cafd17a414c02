// Compliance: the investor registry's allow-list, freezes and identity links.
import { ponder } from "ponder:registry";
import { investor, investorChange } from "ponder:schema";

import { logColumns } from "./util";

const on = ponder.on.bind(ponder) as any;

on("InvestorRegistry:InvestorListed", async ({ event, context }: any) => {
  const { account, expiry, jurisdiction } = event.args;
  const values = { listed: true, expiry, jurisdiction: Number(jurisdiction), updatedAt: event.block.timestamp };
  await context.db
    .insert(investor)
    .values({ chainId: context.chain.id, account, frozen: false, ...values })
    .onConflictDoUpdate(values);
  await context.db
    .insert(investorChange)
    .values({ ...logColumns(event, context), account, change: "listed", expiry, jurisdiction: Number(jurisdiction) });
});

on("InvestorRegistry:InvestorDelisted", async ({ event, context }: any) => {
  const { account } = event.args;
  const values = { listed: false, updatedAt: event.block.timestamp };
  await context.db
    .insert(investor)
    .values({ chainId: context.chain.id, account, frozen: false, ...values })
    .onConflictDoUpdate(values);
  await context.db.insert(investorChange).values({ ...logColumns(event, context), account, change: "delisted" });
});

on("InvestorRegistry:AccountFreezeSet", async ({ event, context }: any) => {
  const { account, frozen } = event.args;
  const values = { frozen, updatedAt: event.block.timestamp };
  await context.db
    .insert(investor)
    .values({ chainId: context.chain.id, account, listed: false, ...values })
    .onConflictDoUpdate(values);
  await context.db
    .insert(investorChange)
    .values({ ...logColumns(event, context), account, change: frozen ? "frozen" : "unfrozen" });
});

on("InvestorRegistry:IdentityLinked", async ({ event, context }: any) => {
  const { account, identity } = event.args;
  const values = { identity, updatedAt: event.block.timestamp };
  await context.db
    .insert(investor)
    .values({ chainId: context.chain.id, account, listed: false, frozen: false, ...values })
    .onConflictDoUpdate(values);
  await context.db.insert(investorChange).values({ ...logColumns(event, context), account, change: "identity-linked" });
});
