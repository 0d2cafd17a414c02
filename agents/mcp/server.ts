/**
 * Joulestack's MCP server: tools for AI agents to list GPU-hour offers, quote, buy, redeem, claim refunds and read
 * the energy lineage of a lot and the status of a vault. Amounts carry their unit in their names: `...UsdcUnits` are
 * integer stablecoin base units as decimal strings (6 decimals: 2500000 = 2.5), `gpuHours` whole GPU-hours,
 * `...UnixSeconds` unix times, `...Pct` percentages. A failing call is a tool error whose text is a JSON object
 * `{ error, message, decoded? }` (`decoded`: the contract's custom error with its arguments) and charges nothing.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { getAddress, isAddress } from "ethers";
import { z } from "zod";

import { AgentError, type Desk, purchaseJson, revertError } from "../core/desk.js";
import type { Offer, OfferRequest } from "../../sdk/offers.js";

const units = z.string().regex(/^\d+$/, "a whole number of stablecoin base units, as a decimal string");
const creditId = z.string().regex(/^\d+$/, "a credit id, as a decimal string").describe("The window's credit id");

const requestShape = {
  gpuHours: z.number().int().positive().describe("How many GPU-hours"),
  objective: z
    .enum(["price", "carbon"])
    .default("price")
    .describe("price: the cheapest allocation; carbon: the highest carbon-free share so far, then the cheapest"),
  zone: z.string().optional().describe("Only windows of clusters in this grid zone, e.g. ERCOT-NORTH"),
  minCarbonFreeSharePct: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe("Only clusters whose recorded deliveries were at least this carbon-free (none recorded: excluded)"),
  latestStartUnixSeconds: z.number().int().nonnegative().optional().describe("Only windows starting by then"),
  maxPricePerGpuHourUsdcUnits: units.optional().describe("Only windows at most this price per GPU-hour"),
};

const offerShape = {
  creditId: z.string(),
  clusterId: z.string(),
  gpuClass: z.string(),
  zone: z.string(),
  pricePerGpuHourUsdcUnits: z.string(),
  windowStartUnixSeconds: z.number(),
  windowEndUnixSeconds: z.number(),
  remainingGpuHours: z.number(),
  carbonFreeSharePct: z.number().nullable().describe("The cluster's recorded deliveries so far; null before any"),
};
const allocationShape = {
  ...offerShape,
  gpuHours: z.number(),
  costUsdcUnits: z.string(),
  reason: z.string(),
};
const purchaseShape = {
  creditId: z.string(),
  clusterId: z.string(),
  gpuHours: z.number(),
  costUsdcUnits: z.string(),
  receiver: z.string(),
  transactionHash: z.string(),
  reason: z.string(),
};

export const offerJson = (offer: Offer) => ({
  creditId: offer.creditId.toString(),
  clusterId: offer.clusterId.toString(),
  gpuClass: offer.gpuClass,
  zone: offer.zone,
  pricePerGpuHourUsdcUnits: offer.pricePerGpuHour.toString(),
  windowStartUnixSeconds: Number(offer.windowStart),
  windowEndUnixSeconds: Number(offer.windowEnd),
  remainingGpuHours: Number(offer.remainingGpuHours),
  carbonFreeSharePct: offer.carbonFreePpm === undefined ? null : Number(offer.carbonFreePpm) / 10_000,
});

/** The request as `bestOffer` takes it, from the tool's (or the HTTP route's) input. */
export function offerRequest(input: {
  gpuHours: number;
  objective?: "price" | "carbon";
  zone?: string;
  minCarbonFreeSharePct?: number;
  latestStartUnixSeconds?: number;
  maxPricePerGpuHourUsdcUnits?: string;
}): OfferRequest {
  return {
    gpuHours: BigInt(input.gpuHours),
    objective: input.objective ?? "price",
    constraints: {
      zone: input.zone,
      minCarbonFreeShare: input.minCarbonFreeSharePct === undefined ? undefined : input.minCarbonFreeSharePct / 100,
      latestStart: input.latestStartUnixSeconds === undefined ? undefined : BigInt(input.latestStartUnixSeconds),
      maxPricePerGpuHour:
        input.maxPricePerGpuHourUsdcUnits === undefined ? undefined : BigInt(input.maxPricePerGpuHourUsdcUnits),
    },
  };
}

function ok<T extends Record<string, unknown>>(structured: T): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(structured) }], structuredContent: structured };
}

/** A tool error: the JSON of the failure, with the decoded custom error when a contract refused. */
function failed(error: unknown, doing: string): CallToolResult {
  const failure = error instanceof AgentError ? error : revertError(error, doing);
  return { isError: true, content: [{ type: "text", text: JSON.stringify(failure.toJSON()) }] };
}

async function run(doing: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return failed(error, doing);
  }
}

/** An MCP server whose tools act for the desk's signing account. */
export function createMcpServer(desk: Desk): McpServer {
  const server = new McpServer({ name: "joulestack", version: "0.1.0" });

  server.registerTool(
    "list_offers",
    {
      title: "List GPU-hour offers",
      description:
        "Every compute window still on sale: price per GPU-hour, window, grid zone, the cluster's carbon-free share " +
        "so far and the GPU-hours left.",
      inputSchema: { zone: z.string().optional().describe("Only this grid zone") },
      outputSchema: { offers: z.array(z.object(offerShape)), chainTimeUnixSeconds: z.number() },
    },
    ({ zone }) =>
      run("listing offers", async () => {
        const offers = (await desk.offers()).filter((offer) => zone === undefined || offer.zone === zone);
        return ok({ offers: offers.map(offerJson), chainTimeUnixSeconds: Number(await desk.now()) });
      }),
  );

  const quoteOutput = {
    gpuHours: z.number(),
    totalCostUsdcUnits: z.string(),
    carbonFreeSharePct: z.number().describe("GPU-hour-weighted share of the windows chosen (unproven counts as 0)"),
    allocations: z.array(z.object(allocationShape)),
  };
  const quoteJson = (choice: Awaited<ReturnType<Desk["quote"]>>) => ({
    gpuHours: Number(choice.request.gpuHours),
    totalCostUsdcUnits: choice.totalCost.toString(),
    carbonFreeSharePct: Number(choice.carbonFreePpm) / 10_000,
    allocations: choice.parts.map((allocation) => ({
      ...offerJson(allocation.offer),
      gpuHours: Number(allocation.gpuHours),
      costUsdcUnits: allocation.cost.toString(),
      reason: allocation.reason,
    })),
  });

  server.registerTool(
    "quote",
    {
      title: "Quote GPU-hours",
      description:
        "The best windows for a request (cheapest, or greenest then cheapest), split across windows when one cannot " +
        "fill it, with the total cost and why each window was chosen. Buys nothing.",
      inputSchema: requestShape,
      outputSchema: quoteOutput,
    },
    (input) => run("quoting", async () => ok(quoteJson(await desk.quote(offerRequest(input))))),
  );

  server.registerTool(
    "buy",
    {
      title: "Buy GPU-hours",
      description:
        "Quotes the request and buys it from this server's account, one EIP-2612 permit per window for its exact cost " +
        "(method permit), credits to `receiver` (default: this account). Refuses, buying nothing, if the quote costs " +
        "more than maxTotalCostUsdcUnits, the account cannot pay, or the permit deadline has passed.",
      inputSchema: {
        ...requestShape,
        method: z
          .enum(["permit", "authorization"])
          .default("permit")
          .describe(
            "permit: EIP-2612 permit + buyWithPermit; authorization: EIP-3009 receive-authorization bound to the " +
              "purchase terms + buyWithAuthorization (any relayer could send it)",
          ),
        receiver: z.string().optional().describe("Who receives the credits (an address)"),
        maxTotalCostUsdcUnits: units.optional().describe("Refuse if the quote costs more"),
        deadlineUnixSeconds: z
          .number()
          .int()
          .optional()
          .describe("The permits' deadline or the authorizations' validBefore (default: an hour on)"),
      },
      outputSchema: { ...quoteOutput, purchases: z.array(z.object(purchaseShape)) },
    },
    (input) =>
      run("buying", async () => {
        if (input.receiver !== undefined && !isAddress(input.receiver)) {
          throw new AgentError("invalid-input", `receiver ${input.receiver} is not an address`);
        }
        const receiver = input.receiver === undefined ? desk.chain.address : getAddress(input.receiver);
        const choice = await desk.quote(offerRequest(input));
        if (input.maxTotalCostUsdcUnits !== undefined && choice.totalCost > BigInt(input.maxTotalCostUsdcUnits)) {
          throw new AgentError(
            "price-above-limit",
            `the best allocation costs ${choice.totalCost} units, above the limit of ${input.maxTotalCostUsdcUnits}`,
            undefined,
            { costUsdcUnits: choice.totalCost.toString(), maxTotalCostUsdcUnits: input.maxTotalCostUsdcUnits },
          );
        }
        const deadline = input.deadlineUnixSeconds === undefined ? undefined : BigInt(input.deadlineUnixSeconds);
        const purchases =
          input.method === "authorization"
            ? await desk.buyWithAuthorizations(choice.parts, receiver, deadline)
            : await desk.buyWithPermits(choice.parts, receiver, deadline);
        return ok({ ...quoteJson(choice), purchases: purchases.map(purchaseJson) });
      }),
  );

  server.registerTool(
    "redeem",
    {
      title: "Redeem GPU-hours for a job",
      description:
        "Burns this account's credits of a window for a job; the provider's scheduler runs it in the window.",
      inputSchema: {
        creditId,
        gpuHours: z.number().int().positive(),
        jobReference: z.string().min(1).describe("The job: a 32-byte hex id, or any text (hashed to one)"),
      },
      outputSchema: {
        creditId: z.string(),
        gpuHours: z.number(),
        jobReference: z.string(),
        transactionHash: z.string(),
      },
    },
    ({ creditId: id, gpuHours, jobReference }) =>
      run("redeeming", async () => {
        const redeemed = await desk.redeem(BigInt(id), BigInt(gpuHours), jobReference);
        return ok({ ...redeemed, creditId: id, gpuHours });
      }),
  );

  server.registerTool(
    "claim_refund",
    {
      title: "Claim a refund",
      description: "Claims this account's refund, paid from the provider's bond, for redeemed GPU-hours not delivered.",
      inputSchema: { creditId },
      outputSchema: { creditId: z.string(), refundUsdcUnits: z.string(), transactionHash: z.string() },
    },
    ({ creditId: id }) =>
      run("claiming a refund", async () => {
        const claimed = await desk.claimRefund(BigInt(id));
        return ok({
          creditId: id,
          refundUsdcUnits: claimed.refund.toString(),
          transactionHash: claimed.transactionHash,
        });
      }),
  );

  server.registerTool(
    "read_lineage",
    {
      title: "Read a lot's energy lineage",
      description:
        "The delivery lot of a window once its delivery is recorded: GPU-hours delivered, the energy used, the kWh " +
        "batches burned for it (device, hour, zone, source) and the RECs retired, cross-checked against the energy " +
        "layer's events.",
      inputSchema: { creditId },
      outputSchema: lineageShape,
    },
    ({ creditId: id }) => run("reading the lineage", async () => ok(lineageJson(await desk.lineage(BigInt(id))))),
  );

  server.registerTool(
    "vault_status",
    {
      title: "Read the vault's status",
      description: "The tranche vault's state, its open period's revenue by source, reserve and last waterfall.",
      inputSchema: {},
      outputSchema: {
        vault: z.string(),
        state: z.string(),
        openPeriod: z.number(),
        openPeriodRevenueUsdcUnits: z.string(),
        revenueBySourceUsdcUnits: z.object({
          compute: z.string(),
          energy: z.string(),
          flexibility: z.string(),
          other: z.string(),
        }),
        reserveUsdcUnits: z.string(),
        pendingRevenueUsdcUnits: z.string(),
        covenantBreached: z.boolean(),
        trancheCount: z.number(),
        lastDistributedPeriod: z
          .object({
            period: z.number(),
            revenueUsdcUnits: z.string(),
            coverageBps: z.number(),
            sweptUsdcUnits: z.string(),
          })
          .nullable(),
      },
    },
    () =>
      run("reading the vault", async () => {
        const status = await desk.vaultStatus();
        const [compute, energy, flexibility, other] = status.revenueBySource.map(String);
        const report = status.lastDistributed?.report;
        return ok({
          vault: status.vault,
          state: status.state,
          openPeriod: Number(status.openPeriod),
          openPeriodRevenueUsdcUnits: status.openPeriodRevenue.toString(),
          revenueBySourceUsdcUnits: { compute, energy, flexibility, other },
          reserveUsdcUnits: status.reserve.toString(),
          pendingRevenueUsdcUnits: status.pendingRevenue.toString(),
          covenantBreached: status.covenantBreached,
          trancheCount: Number(status.trancheCount),
          lastDistributedPeriod:
            status.lastDistributed === undefined || report === undefined
              ? null
              : {
                  period: Number(status.lastDistributed.period),
                  revenueUsdcUnits: report.revenue.toString(),
                  coverageBps: Number(report.coverageBps),
                  sweptUsdcUnits: report.swept.toString(),
                },
        });
      }),
  );

  return server;
}

const lineageShape = {
  creditId: z.string(),
  clusterId: z.string(),
  windowStartUnixSeconds: z.number(),
  windowEndUnixSeconds: z.number(),
  gpuHoursDelivered: z.number(),
  gpuHoursRedeemed: z.number(),
  whUsed: z.string(),
  whHourlyMatched: z.string(),
  whRecMatched: z.string(),
  carbonFreeSharePct: z.number(),
  kwhBatches: z.array(
    z.object({
      batchId: z.string(),
      deviceId: z.string(),
      hourStartUnixSeconds: z.number(),
      gridZone: z.string(),
      source: z.string(),
      wh: z.string(),
    }),
  ),
  recs: z.array(
    z.object({ certificateId: z.string(), deviceId: z.string(), source: z.string(), recs: z.string(), wh: z.string() }),
  ),
  revenue: z.object({ grossUsdcUnits: z.string(), refundsUsdcUnits: z.string(), netUsdcUnits: z.string() }),
};

export function lineageJson(lineage: Awaited<ReturnType<Desk["lineage"]>>) {
  return {
    creditId: lineage.creditId.toString(),
    clusterId: lineage.clusterId.toString(),
    windowStartUnixSeconds: Number(lineage.window.start),
    windowEndUnixSeconds: Number(lineage.window.end),
    gpuHoursDelivered: Number(lineage.lot.gpuHoursDelivered),
    gpuHoursRedeemed: Number(lineage.lot.gpuHoursRedeemed),
    whUsed: lineage.lot.whUsed.toString(),
    whHourlyMatched: lineage.lot.whHourlyMatched.toString(),
    whRecMatched: lineage.lot.whRecMatched.toString(),
    carbonFreeSharePct: Number(lineage.lot.carbonFreeBps) / 100,
    kwhBatches: lineage.kwh.map((batch) => ({
      batchId: batch.batchId.toString(),
      deviceId: batch.deviceId.toString(),
      hourStartUnixSeconds: Number(batch.hourStart),
      gridZone: batch.gridZone,
      source: batch.source,
      wh: batch.wh.toString(),
    })),
    recs: lineage.recs.map((rec) => ({
      certificateId: rec.certificateId.toString(),
      deviceId: rec.deviceId.toString(),
      source: rec.source,
      recs: rec.recs.toString(),
      wh: rec.wh.toString(),
    })),
    revenue: {
      grossUsdcUnits: lineage.revenue.gross.toString(),
      refundsUsdcUnits: lineage.revenue.refunds.toString(),
      netUsdcUnits: lineage.revenue.net.toString(),
    },
  };
}
