/**
 * `npm run demo:agents`: two AI agents shop for GPU-hours on a local `hardhat node` with the suite deployed. The
 * cheapest agent works through the MCP server (its own process, over stdio) and wants the lowest price; the greenest
 * agent pays through the x402 endpoint (EIP-3009, settled by the in-process facilitator) and wants the highest
 * carbon-free share, then uses MCP over HTTP to redeem and read lineage. Each prints what it chose and why. Lines
 * starting with `OFFERS` and `CHOICE` are JSON for machines (the test checks the choices against `bestOffer`).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Wallet } from "ethers";
import { join } from "node:path";

import { listOffers } from "../../sdk/offers.js";
import { formatAmount } from "../../sdk/units.js";
import { freePort, PROJECT_ROOT, startLocalNode } from "../../test/helpers/node.js";
import { connectAgentChain } from "../core/chain.js";
import { Desk } from "../core/desk.js";
import { startMcpHttp } from "../mcp/transports.js";
import { payingFetch } from "../x402/client.js";
import { GPU_HOURS_ROUTE, startX402Server } from "../x402/server.js";
import { USDC, seedAgentMarket } from "./market.js";

const usd = (units: string | bigint) => `${formatAmount(BigInt(units), 6, 2)} tUSD`;
const GPU_HOURS = 5;

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name}: ${(result.content as { text: string }[])[0].text}`);
  return result.structuredContent as any;
}

/** The offers exactly as `bestOffer` sees them, for the record (bigints as decimal strings). */
async function printOffers(desk: Desk) {
  const offers = await listOffers(desk.chain.provider, desk.chain.addresses.market, {
    fromBlock: desk.chain.fromBlock,
  });
  console.log(
    `OFFERS ${JSON.stringify(offers, (_key, value) => (typeof value === "bigint" ? value.toString() : value))}`,
  );
}

function explain(
  agent: string,
  via: string,
  request: Record<string, unknown>,
  allocations: any[],
  totalCostUsdcUnits: string,
) {
  console.log(`\n${agent} (${via}) chose, for ${GPU_HOURS} GPU-hours, ${usd(totalCostUsdcUnits)} in all:`);
  for (const part of allocations) {
    const share =
      part.carbonFreeSharePct === null ? "no delivery yet" : `${part.carbonFreeSharePct}% carbon-free so far`;
    console.log(
      `  ${part.gpuHours} GPU-hours of window ${part.creditId} (${part.zone}, ${usd(part.pricePerGpuHourUsdcUnits)}/GPU-hour, ${share})`,
    );
    console.log(`    why: ${part.reason}`);
  }
  console.log(
    `CHOICE ${JSON.stringify({ agent, request, parts: allocations.map((part) => ({ creditId: part.creditId, gpuHours: part.gpuHours })), totalCostUsdcUnits })}`,
  );
}

async function main() {
  console.log("Starting a local hardhat node and deploying the suite with a green and a cheap GPU cluster...");
  const node = await startLocalNode();
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => node.stop()];
  try {
    const market = await seedAgentMarket(node.url, { agents: ["desk", "cheapest", "greenest"] });
    cleanups.unshift(() => market.close());
    const connect = async (key: string) => {
      const desk = new Desk(
        await connectAgentChain({ rpcUrl: node.url, privateKey: key, deployments: market.deploymentsDir }),
      );
      cleanups.unshift(() => desk.chain.close());
      return desk;
    };

    // The seller's x402 endpoint, and an MCP server for each agent.
    const seller = await connect(market.keys.desk);
    const x402 = await startX402Server(seller, await freePort());
    cleanups.unshift(() => x402.close());
    const cheapest = new Client({ name: "cheapest-agent", version: "1.0.0" });
    await cheapest.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "agents/mcp/main.ts"],
        cwd: PROJECT_ROOT,
        env: {
          ...(process.env as Record<string, string>),
          JOULESTACK_RPC_URL: node.url,
          JOULESTACK_AGENT_PRIVATE_KEY: market.keys.cheapest,
          JOULESTACK_DEPLOYMENTS: market.deploymentsDir,
        },
      }),
    );
    cleanups.unshift(() => cheapest.close());
    const greenestMcp = await startMcpHttp(await connect(market.keys.greenest), await freePort());
    cleanups.unshift(() => greenestMcp.close());
    const greenest = new Client({ name: "greenest-agent", version: "1.0.0" });
    await greenest.connect(new StreamableHTTPClientTransport(new URL(greenestMcp.url)));
    cleanups.unshift(() => greenest.close());

    const { offers } = await call(cheapest, "list_offers");
    console.log("\nOn sale:");
    for (const offer of offers) {
      const share =
        offer.carbonFreeSharePct === null ? "no delivery yet" : `${offer.carbonFreeSharePct}% carbon-free so far`;
      console.log(
        `  window ${offer.creditId}: cluster ${offer.clusterId} in ${offer.zone}, ${usd(offer.pricePerGpuHourUsdcUnits)}/GPU-hour, ${offer.remainingGpuHours} GPU-hours left, ${share}`,
      );
    }

    // The cheapest agent: quote and buy through MCP, paying with a permit from its own wallet.
    await printOffers(seller);
    const bought = await call(cheapest, "buy", {
      gpuHours: GPU_HOURS,
      objective: "price",
      maxTotalCostUsdcUnits: USDC("20").toString(),
    });
    explain(
      "cheapest agent",
      "MCP over stdio, permit",
      { gpuHours: GPU_HOURS, objective: "price" },
      bought.allocations,
      bought.totalCostUsdcUnits,
    );

    // The greenest agent: pays the x402 endpoint with an EIP-3009 authorization; holds no ETH-funded approvals.
    const greenWallet = new Wallet(market.keys.greenest);
    const pay = payingFetch(greenWallet, {
      network: "eip155:31337",
      asset: market.addresses.stablecoin,
      maxAmountPerPayment: USDC("20"),
    });
    await printOffers(seller);
    const response = await pay(
      `${x402.url}${GPU_HOURS_ROUTE}?gpuHours=${GPU_HOURS}&objective=carbon&minCarbonFreeSharePct=50`,
    );
    const paid = (await response.json()) as any;
    if (response.status !== 200) throw new Error(`x402: ${response.status} ${JSON.stringify(paid)}`);
    explain(
      "greenest agent",
      "x402, EIP-3009 payment",
      { gpuHours: GPU_HOURS, objective: "carbon", minCarbonFreeShare: 0.5 },
      paid.quote.allocations,
      paid.quote.totalCostUsdcUnits,
    );
    for (const record of paid.lineage) {
      const cluster = record.cluster;
      console.log(
        `  lineage at sale: cluster ${cluster.clusterId} delivered ${cluster.deliveredLots} lot(s), ${cluster.whCarbonFree} of ${cluster.whUsed} Wh carbon-free` +
          cluster.lots
            .flatMap((lot: any) =>
              lot.kwhBatches.map(
                (batch: any) => `; ${batch.wh} Wh ${batch.source} from device ${batch.deviceId} in ${batch.gridZone}`,
              ),
            )
            .join(""),
      );
    }

    // Both redeem one GPU-hour for a job before their windows start.
    const [cheapPart] = bought.purchases;
    const [greenPart] = paid.lot.purchases;
    await call(cheapest, "redeem", {
      creditId: cheapPart.creditId,
      gpuHours: 1,
      jobReference: "cheapest: batch inference",
    });
    await call(greenest, "redeem", { creditId: greenPart.creditId, gpuHours: 1, jobReference: "greenest: fine-tune" });
    console.log("\nBoth agents redeemed 1 GPU-hour for a job.");

    // The windows run; the cheap provider delivers its job, the green one delivers too; the agents read the lots.
    const latestEnd = [market.cheap, market.green].map((c) => (c.creditId & ((1n << 64n) - 1n)) + 3n * 3_600n);
    await market.timeTravel(latestEnd.reduce((a, b) => (a > b ? a : b)) + 60n);
    await market.deliver(market.cheap.creditId, 1n);
    await market.deliver(market.green.creditId, 1n);
    const cheapLot = await call(cheapest, "read_lineage", { creditId: cheapPart.creditId });
    const greenLot = (await (await fetch(`${x402.url}/compute/lineage/${greenPart.creditId}`)).json()) as any;
    console.log(
      `cheapest agent read lot ${cheapLot.creditId} over MCP: ${cheapLot.gpuHoursDelivered} of ${cheapLot.gpuHoursRedeemed} redeemed GPU-hours delivered, ${cheapLot.whUsed} Wh used, ${cheapLot.carbonFreeSharePct}% carbon-free`,
    );
    console.log(
      `greenest agent read lot ${greenLot.creditId} over x402's lineage route: ${greenLot.gpuHoursDelivered} of ${greenLot.gpuHoursRedeemed} redeemed GPU-hours delivered, ${greenLot.whUsed} Wh used, ${greenLot.carbonFreeSharePct}% carbon-free (this delivery proved no energy)`,
    );
    const vault = await call(greenest, "vault_status");
    console.log(`vault ${vault.vault}: ${vault.state}, period ${vault.openPeriod}`);
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

await main();
