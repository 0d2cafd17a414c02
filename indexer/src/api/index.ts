// The query API: Ponder's GraphQL (/graphql) and SQL over HTTP (/sql/*), plus REST routes under /v1 for the questions
// people ask. Every answer is JSON; integers that may exceed 2^53 (ids, Wh, stablecoin units) are decimal strings;
// units are in the names: `wh` watt-hours, `usdc6` stablecoin base units, `Unix` unix seconds, `bps` basis points.
// While any chain's indexed block is behind its RPC's head, every route except /v1/status answers 503.
import { Hono } from "hono";
import { client, graphql } from "ponder";
import { db } from "ponder:api";
import schema from "ponder:schema";

import { freshness, setup } from "./freshness";
import { batchLinks, deviceHours, lotLineage, lotLinks, retirementVerification, vaultState, NotFound } from "./queries";

const app = new Hono();

app.get("/v1/status", async (c) => {
  const chains = await freshness();
  return c.json({ caughtUp: chains.every((chain) => chain.caughtUp), chains });
});

// Never serve data older than the chain: every other route first checks that each chain is caught up.
app.use("*", async (c, next) => {
  const chains = await freshness();
  if (chains.every((chain) => chain.caughtUp)) return next();
  return c.json({ error: "not caught up", chains }, 503);
});

app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

const chainOf = (text: string) => {
  const chainId = Number(text);
  if (!setup.chains.some((chain) => chain.chainId === chainId)) throw new NotFound(`chain ${text} is not indexed`);
  return chainId;
};
const idOf = (text: string, what: string) => {
  if (!/^\d+$/.test(text)) throw new BadRequest(`${what} "${text}" is not a decimal integer`);
  return BigInt(text);
};
class BadRequest extends Error {}

app.get("/v1/chains/:chainId/lots/:creditId/lineage", async (c) =>
  c.json(await lotLineage(chainOf(c.req.param("chainId")), idOf(c.req.param("creditId"), "credit id"))),
);
app.get("/v1/chains/:chainId/lots/:creditId/links", async (c) =>
  c.json(await lotLinks(chainOf(c.req.param("chainId")), idOf(c.req.param("creditId"), "credit id"))),
);
app.get("/v1/chains/:chainId/devices/:deviceId/hours", async (c) => {
  const from = c.req.query("fromUnix");
  const to = c.req.query("toUnix");
  return c.json(
    await deviceHours(
      chainOf(c.req.param("chainId")),
      idOf(c.req.param("deviceId"), "device id"),
      from === undefined ? undefined : idOf(from, "fromUnix"),
      to === undefined ? undefined : idOf(to, "toUnix"),
    ),
  );
});
app.get("/v1/chains/:chainId/batches/:batchId/links", async (c) =>
  c.json(await batchLinks(chainOf(c.req.param("chainId")), idOf(c.req.param("batchId"), "batch id"))),
);
app.get("/v1/chains/:chainId/vaults/:address", async (c) => {
  const address = c.req.param("address");
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new BadRequest(`"${address}" is not an address`);
  return c.json(await vaultState(chainOf(c.req.param("chainId")), address as `0x${string}`));
});
app.get("/v1/chains/:chainId/retirements/:receiptId/verification", async (c) =>
  c.json(await retirementVerification(chainOf(c.req.param("chainId")), idOf(c.req.param("receiptId"), "receipt id"))),
);

app.onError((error, c) => {
  if (error instanceof NotFound) return c.json({ error: error.message }, 404);
  if (error instanceof BadRequest) return c.json({ error: error.message }, 400);
  throw error;
});

export default app;
