/**
 * Joulestack's x402 endpoint: `GET /compute/gpu-hours?gpuHours=N[&objective=price|carbon][&zone=...]
 * [&minCarbonFreeSharePct=...][&latestStartUnixSeconds=...][&maxPricePerGpuHourUsdcUnits=...]` answers 402 with the
 * price of N GPU-hours on the best matching windows (`bestOffer`); paid with an EIP-3009 authorization (x402's
 * `exact` scheme, settled before the purchase by the in-process facilitator), it buys those GPU-hours for the payer
 * and returns the lot and its energy lineage. `GET /compute/lineage/:creditId` (free) reads a lot's lineage once its
 * delivery is recorded.
 *
 * Custody. The exact scheme's authorization pays `payTo`, which cannot carry purchase terms, so `payTo` is the desk:
 * an account of the seller's whose key this server holds. The authorization fixes payer, desk and amount, so a copy
 * of it can only ever move that amount from the payer to the desk. Once paid, the desk buys the quoted windows with
 * `receiver` = the payer; if a purchase fails it sends back what it did not spend, and says so. If someone submits
 * the authorization to the token before the facilitator does (front-running), the payment has still reached the
 * desk: the server sees the nonce used with a transfer to itself and fulfils the order as if it had settled it.
 * The desk fulfils each authorization once (it remembers them for its lifetime; a replay is refused).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { decodePaymentSignatureHeader } from "@x402/core/http";
import type { HTTPRequestContext } from "@x402/core/server";
import type { Network, PaymentPayload, PaymentRequirements, SettleResponse } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import express from "express";
import { Contract, Interface, getAddress, zeroPadValue } from "ethers";

import type { Allocation } from "../../sdk/offers.js";
import { AgentError, type Desk, type Purchase, purchaseJson, revertError } from "../core/desk.js";
import { lineageJson, offerJson, offerRequest } from "../mcp/server.js";
import { type RunningHttpServer, listen } from "../mcp/transports.js";
import { localFacilitator } from "./facilitator.js";

type Request = IncomingMessage & {
  query: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
};
type Response = ServerResponse & {
  status(code: number): Response;
  json(body: unknown): void;
  locals: Record<string, unknown>;
};
type Next = (error?: unknown) => void;

export const GPU_HOURS_ROUTE = "/compute/gpu-hours";
const QUOTE_HEADER = "x-joulestack-quote";
const TOKEN = new Interface([
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
  "event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
]);

export interface X402Options {
  /**
   * How long a payment authorization stays valid, in seconds, counted from the chain's clock (x402 clients count from
   * their own: the server adds how far the chain runs ahead of its wall clock when it starts). Default 300.
   */
  readonly validitySeconds?: number;
}

const integer = (name: string, text: unknown, min = 0): bigint | undefined => {
  if (text === undefined) return undefined;
  if (typeof text !== "string" || !/^\d+$/.test(text) || BigInt(text) < BigInt(min)) {
    throw new AgentError("invalid-input", `${name} must be a whole number of at least ${min}, got ${String(text)}`);
  }
  return BigInt(text);
};

/** The purchase request of the query string; `AgentError("invalid-input")` names the first bad parameter. */
export function parseQuery(query: Request["query"]) {
  const one = (name: string) => {
    const value = query[name];
    if (Array.isArray(value)) throw new AgentError("invalid-input", `${name} is given more than once`);
    return value;
  };
  const gpuHours = integer("gpuHours", one("gpuHours"), 1);
  if (gpuHours === undefined) throw new AgentError("invalid-input", "gpuHours is required");
  if (gpuHours > BigInt(Number.MAX_SAFE_INTEGER)) throw new AgentError("invalid-input", "gpuHours is too large");
  const objective = one("objective") ?? "price";
  if (objective !== "price" && objective !== "carbon") {
    throw new AgentError("invalid-input", `objective must be price or carbon, got ${objective}`);
  }
  const share = one("minCarbonFreeSharePct");
  const pct = share === undefined ? undefined : Number(share);
  if (pct !== undefined && !(pct >= 0 && pct <= 100)) {
    throw new AgentError("invalid-input", `minCarbonFreeSharePct must be 0 to 100, got ${share}`);
  }
  const latest = integer("latestStartUnixSeconds", one("latestStartUnixSeconds"));
  const maxPrice = integer("maxPricePerGpuHourUsdcUnits", one("maxPricePerGpuHourUsdcUnits"));
  return offerRequest({
    gpuHours: Number(gpuHours),
    objective,
    zone: one("zone"),
    minCarbonFreeSharePct: pct,
    latestStartUnixSeconds: latest === undefined ? undefined : Number(latest),
    maxPricePerGpuHourUsdcUnits: maxPrice?.toString(),
  });
}

const quoteJson = (choice: Allocation) => ({
  gpuHours: Number(choice.request.gpuHours),
  totalCostUsdcUnits: choice.totalCost.toString(),
  carbonFreeSharePct: Number(choice.carbonFreePpm) / 10_000,
  allocations: choice.parts.map((part) => ({
    ...offerJson(part.offer),
    gpuHours: Number(part.gpuHours),
    costUsdcUnits: part.cost.toString(),
    reason: part.reason,
  })),
});

/** The x402 app: the paid purchase route and the free lineage route, settled by the in-process facilitator. */
export async function createX402App(desk: Desk, options: X402Options = {}) {
  const { chain } = desk;
  const network = `eip155:${chain.chainId}` as Network;
  const token = new Contract(chain.addresses.stablecoin, TOKEN, chain.provider);
  const [, name, version] = await token.eip712Domain();
  const skew = Number(await desk.now()) - Math.floor(Date.now() / 1000);
  const maxTimeoutSeconds = (options.validitySeconds ?? 300) + Math.max(0, skew);

  const quotes = new Map<string, Allocation>();
  // Payments this server fulfilled. The set lives in memory, so after a restart a payment used before the restart is
  // never taken for a front-run one (below): replaying it cannot make the desk buy twice.
  const fulfilled = new Set<string>();
  const startBlock = await chain.provider.getBlockNumber();
  const paymentKey = (payload: { payload: Record<string, unknown> }) => {
    const authorization = payload.payload.authorization as { from: string; nonce: string };
    return `${getAddress(authorization.from)}:${authorization.nonce.toLowerCase()}`;
  };

  /** The transaction that used the authorization to pay the desk, if one did (e.g. a front-runner's). */
  const paidToDesk = async (
    payload: PaymentPayload | Readonly<PaymentPayload>,
    requirements: Readonly<PaymentRequirements>,
  ) => {
    const authorization = payload.payload.authorization as { from: string; nonce: string; value: string };
    if (!(await token.authorizationState(authorization.from, authorization.nonce))) return undefined;
    const [used] = await chain.provider.getLogs({
      address: chain.addresses.stablecoin,
      fromBlock: Math.max(chain.fromBlock, startBlock + 1),
      topics: [
        TOKEN.getEvent("AuthorizationUsed")!.topicHash,
        zeroPadValue(authorization.from, 32),
        authorization.nonce,
      ],
    });
    if (used === undefined) return undefined; // cancelled, not used
    const receipt = await chain.provider.getTransactionReceipt(used.transactionHash);
    const transfer = receipt?.logs.find((log) => {
      if (
        getAddress(log.address) !== chain.addresses.stablecoin ||
        log.topics[0] !== TOKEN.getEvent("Transfer")!.topicHash
      ) {
        return false;
      }
      const { from, to, value } = TOKEN.parseLog(log)!.args;
      return (
        getAddress(from) === getAddress(authorization.from) &&
        getAddress(to) === getAddress(requirements.payTo) &&
        value === BigInt(authorization.value)
      );
    });
    return transfer === undefined ? undefined : used.transactionHash;
  };

  const resourceServer = new x402ResourceServer(localFacilitator(chain, network)).register(
    network,
    new ExactEvmScheme(),
  );
  resourceServer.onBeforeSettle(async ({ paymentPayload, requirements }) => {
    if (fulfilled.has(paymentKey(paymentPayload as PaymentPayload))) {
      return { abort: true, reason: "payment_already_fulfilled", message: "this authorization already bought credits" };
    }
    // Paid to the desk by someone else's transaction: the money is here, so the order is fulfilled all the same.
    const transaction = await paidToDesk(paymentPayload as PaymentPayload, requirements);
    if (transaction === undefined) return;
    const result: SettleResponse = {
      success: true,
      transaction,
      network,
      payer: (paymentPayload.payload.authorization as { from: string }).from,
    };
    return { skip: true, result };
  });

  const quoteOf = (context: HTTPRequestContext) => {
    const quote = quotes.get(context.adapter.getHeader(QUOTE_HEADER) ?? "");
    if (quote === undefined) throw new Error("no quote for this request");
    return quote;
  };
  const routes = {
    [`GET ${GPU_HOURS_ROUTE}`]: {
      accepts: {
        scheme: "exact",
        network,
        payTo: chain.address,
        maxTimeoutSeconds,
        price: (context: HTTPRequestContext) => ({
          amount: quoteOf(context).totalCost.toString(),
          asset: chain.addresses.stablecoin,
          extra: { name, version },
        }),
        // Settle before the handler: the desk buys with the payment it already holds.
        extra: { paymentFlow: "upfront" },
      },
      description: "GPU-hour credits on the best matching compute windows, with their energy lineage",
      mimeType: "application/json",
      unpaidResponseBody: (context: HTTPRequestContext) => ({
        contentType: "application/json",
        body: { quote: quoteJson(quoteOf(context)) },
      }),
      settlementFailedResponseBody: (
        _context: HTTPRequestContext,
        result: { errorReason: string; errorMessage?: string },
      ) => ({
        contentType: "application/json",
        body: { error: "payment-failed", reason: result.errorReason, message: result.errorMessage },
      }),
    },
  };

  const app = express();
  app.disable("x-powered-by");

  // Quote first: bad input and unfillable requests get a 4xx with a reason before any payment is asked for.
  app.get(GPU_HOURS_ROUTE, async (req: Request, res: Response, next: Next) => {
    try {
      const quote = await desk.quote(parseQuery(req.query));
      const id = randomUUID();
      quotes.set(id, quote);
      res.on("close", () => quotes.delete(id));
      req.headers[QUOTE_HEADER] = id; // server-side only: overwrites whatever a client sent
      res.locals.quote = quote;
      next();
    } catch (error) {
      const failure = error instanceof AgentError ? error : revertError(error, "quoting");
      res.status(failure.status).json(failure.toJSON());
    }
  });
  app.get(GPU_HOURS_ROUTE, paymentMiddleware(routes, resourceServer));
  app.get(GPU_HOURS_ROUTE, async (req: Request, res: Response) => {
    const payment = decodePaymentSignatureHeader(String(req.headers["payment-signature"] ?? req.headers["x-payment"]));
    const key = paymentKey(payment);
    fulfilled.add(key);
    const payer = getAddress((payment.payload.authorization as { from: string }).from);
    const quote = res.locals.quote as Allocation;
    const bought: Purchase[] = [];
    try {
      for (const part of quote.parts) bought.push(...(await desk.buyFromBalance([part], payer)));
    } catch (error) {
      const failure = error instanceof AgentError ? error : revertError(error, "buying");
      const spent = bought.reduce((sum, purchase) => sum + purchase.cost, 0n);
      const refund = quote.totalCost - spent;
      const receipt = await (await desk.stablecoin.transfer(payer, refund)).wait();
      res.status(409).json({
        ...failure.toJSON(),
        error: bought.length === 0 ? failure.code : "partially-filled",
        bought: bought.map(purchaseJson),
        refund: { amountUsdcUnits: refund.toString(), to: payer, transactionHash: receipt!.hash },
      });
      return;
    }
    const lineage = [];
    for (const purchase of bought) lineage.push(await clusterRecord(desk, purchase));
    res.json({ lot: { receiver: payer, purchases: bought.map(purchaseJson) }, lineage, quote: quoteJson(quote) });
  });

  app.get("/compute/lineage/:creditId", async (req: Request, res: Response) => {
    try {
      const creditId = integer("creditId", req.params.creditId)!;
      res.json(lineageJson(await desk.lineage(creditId)));
    } catch (error) {
      const failure = error instanceof AgentError ? error : revertError(error, "reading the lineage");
      res.status(failure.status).json(failure.toJSON());
    }
  });

  return { app, network, maxTimeoutSeconds };
}

/**
 * What is known of a purchased lot's energy at sale time: the window (its own lineage follows its delivery, at
 * `/compute/lineage/<creditId>`) and the cluster's delivered lots so far, each with its full lineage.
 */
async function clusterRecord(desk: Desk, purchase: Purchase) {
  const lots = await desk.deliveredLots(purchase.clusterId);
  const used = lots.reduce((sum, lot) => sum + lot.lot.whUsed, 0n);
  const carbonFree = lots.reduce((sum, lot) => sum + lot.lot.whHourlyMatched + lot.lot.whRecMatched, 0n);
  return {
    creditId: purchase.creditId.toString(),
    status: "awaiting delivery",
    lineageUrl: `/compute/lineage/${purchase.creditId}`,
    cluster: {
      clusterId: purchase.clusterId.toString(),
      deliveredLots: lots.length,
      whUsed: used.toString(),
      whCarbonFree: carbonFree.toString(),
      carbonFreeSharePct: used === 0n ? null : Number((carbonFree * 1_000_000n) / used) / 10_000,
      lots: lots.map(lineageJson),
    },
  };
}

/** Serves the x402 app on 127.0.0.1:`port` (0: a free port). */
export async function startX402Server(desk: Desk, port: number, options: X402Options = {}): Promise<RunningHttpServer> {
  const { app } = await createX402App(desk, options);
  return listen(app, port);
}
