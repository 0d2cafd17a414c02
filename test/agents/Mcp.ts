import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect } from "chai";
import { Wallet, id } from "ethers";

import { connectAgentChain } from "../../agents/core/chain.js";
import { Desk } from "../../agents/core/desk.js";
import { type SeededMarket, USDC, seedAgentMarket } from "../../agents/demo/market.js";
import { type RunningHttpServer, startMcpHttp } from "../../agents/mcp/transports.js";
import { ComputeMarket__factory, TestStablecoin__factory } from "../../sdk/contracts.js";
import { PROJECT_ROOT, type LocalNode, freePort, startLocalNode } from "../helpers/node.js";
import { TSX_CLI, callError, callOk } from "./helpers.js";

/**
 * The MCP server end to end: the SDK's own client talks to it over stdio (the server as its own process, as an agent
 * host starts it) and over streamable HTTP, against a real `hardhat node` with the suite deployed and a green and a
 * cheap cluster on sale.
 */
describe("agents: the MCP server on a local node", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let market: SeededMarket;
  let stdio: Client;
  let http: Client;
  let httpServer: RunningHttpServer;
  let httpDesk: Desk;
  const agent = (name: string) => new Wallet(market.keys[name]);

  before(async function () {
    node = await startLocalNode();
    market = await seedAgentMarket(node.url, { agents: ["stdio", "http", "broke"], agentFunds: USDC("100") });
    stdio = new Client({ name: "joulestack-test", version: "1.0.0" });
    await stdio.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [TSX_CLI, "agents/mcp/main.ts"],
        cwd: PROJECT_ROOT,
        env: {
          ...(process.env as Record<string, string>),
          JOULESTACK_RPC_URL: node.url,
          JOULESTACK_AGENT_PRIVATE_KEY: market.keys.stdio,
          JOULESTACK_DEPLOYMENTS: market.deploymentsDir,
        },
        stderr: "pipe",
      }),
    );
    httpDesk = new Desk(
      await connectAgentChain({ rpcUrl: node.url, privateKey: market.keys.http, deployments: market.deploymentsDir }),
    );
    httpServer = await startMcpHttp(httpDesk, await freePort());
    http = new Client({ name: "joulestack-test", version: "1.0.0" });
    await http.connect(new StreamableHTTPClientTransport(new URL(httpServer.url)));
  });

  after(async function () {
    await stdio?.close();
    await http?.close();
    await httpServer?.close();
    httpDesk?.chain.close();
    await market?.close();
    await node?.stop();
  });

  const stablecoin = () => TestStablecoin__factory.connect(market.addresses.stablecoin, httpDesk.chain.provider);
  const credits = () => ComputeMarket__factory.connect(market.addresses.market, httpDesk.chain.provider);
  const balances = async (holder: string) => ({
    usdc: await stablecoin().balanceOf(holder),
    green: await credits().balanceOf(holder, market.green.creditId),
    cheap: await credits().balanceOf(holder, market.cheap.creditId),
  });

  it("lists the same tools, with input and output schemas, on both transports", async function () {
    for (const client of [stdio, http]) {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).to.deep.equal(
        ["buy", "claim_refund", "list_offers", "quote", "read_lineage", "redeem", "vault_status"].sort(),
      );
      for (const tool of tools) expect(tool.outputSchema, tool.name).to.not.equal(undefined);
    }
  });

  it("lists the open windows with price, zone, carbon-free share so far and GPU-hours left", async function () {
    const { offers } = await callOk(stdio, "list_offers");
    const byId = new Map(offers.map((offer: any) => [offer.creditId, offer]));
    expect(offers).to.have.length(2);
    expect(byId.get(market.green.creditId.toString())).to.include({
      zone: "ERCOT-NORTH",
      pricePerGpuHourUsdcUnits: "2600000",
      remainingGpuHours: 12,
      carbonFreeSharePct: 100,
    });
    expect(byId.get(market.cheap.creditId.toString())).to.include({
      zone: "CAISO",
      pricePerGpuHourUsdcUnits: "2000000",
      remainingGpuHours: 4,
      carbonFreeSharePct: 0,
    });
    const { offers: caiso } = await callOk(http, "list_offers", { zone: "CAISO" });
    expect(caiso.map((offer: any) => offer.creditId)).to.deep.equal([market.cheap.creditId.toString()]);
  });

  it("quotes the cheapest split and the greenest allocation", async function () {
    const cheapest = await callOk(stdio, "quote", { gpuHours: 6, objective: "price" });
    expect(cheapest.totalCostUsdcUnits).to.equal((4n * USDC("2") + 2n * USDC("2.6")).toString());
    expect(cheapest.allocations.map((a: any) => [a.creditId, a.gpuHours])).to.deep.equal([
      [market.cheap.creditId.toString(), 4],
      [market.green.creditId.toString(), 2],
    ]);
    const greenest = await callOk(http, "quote", { gpuHours: 6, objective: "carbon" });
    expect(greenest.allocations.map((a: any) => [a.creditId, a.gpuHours])).to.deep.equal([
      [market.green.creditId.toString(), 6],
    ]);
    expect(greenest.totalCostUsdcUnits).to.equal((6n * USDC("2.6")).toString());
    const capped = await callError(http, "quote", { gpuHours: 2, maxPricePerGpuHourUsdcUnits: "1999999" });
    expect(capped).to.deep.include({ error: "cannot-fill", bound: ["maxPricePerGpuHour"], availableGpuHours: "0" });
  });

  it("buys with permits, credits the receiver and charges the exact cost", async function () {
    const buyer = agent("stdio").address;
    const before = await balances(buyer);
    const bought = await callOk(stdio, "buy", { gpuHours: 3, objective: "price", maxTotalCostUsdcUnits: "6000000" });
    expect(bought.purchases).to.have.length(1);
    expect(bought.purchases[0]).to.include({
      creditId: market.cheap.creditId.toString(),
      gpuHours: 3,
      receiver: buyer,
    });
    const after = await balances(buyer);
    expect(before.usdc - after.usdc).to.equal(USDC("6"));
    expect(after.cheap - before.cheap).to.equal(3n);

    // Gasless in form: an EIP-3009 authorization bound to the purchase terms, relayed to buyWithAuthorization.
    const viaAuthorization = await callOk(stdio, "buy", { gpuHours: 1, objective: "carbon", method: "authorization" });
    expect(viaAuthorization.purchases[0]).to.include({
      creditId: market.green.creditId.toString(),
      gpuHours: 1,
      receiver: buyer,
    });
    const afterAuthorization = await balances(buyer);
    expect(after.usdc - afterAuthorization.usdc).to.equal(USDC("2.6"));
    expect(afterAuthorization.green - after.green).to.equal(1n);

    const receiver = agent("broke").address;
    const gift = await callOk(http, "buy", { gpuHours: 2, objective: "carbon", receiver });
    expect(gift.purchases[0]).to.include({ creditId: market.green.creditId.toString(), receiver });
    expect((await balances(receiver)).green).to.equal(2n);
  });

  it("refuses bad input with a tool error and charges nothing", async function () {
    const buyer = agent("http").address;
    const before = await balances(buyer);

    const unknown = await callError(http, "redeem", { creditId: "12345", gpuHours: 1, jobReference: "job" });
    expect(unknown.error).to.equal("unknown-window");
    expect(unknown.decoded).to.equal("ComputeUnknownWindow(creditId=12345)");

    const unfillable = await callError(http, "buy", { gpuHours: 1_000, objective: "price" });
    expect(unfillable).to.deep.include({ error: "cannot-fill", bound: ["capacity"], requestedGpuHours: "1000" });
    const tooGreen = await callError(http, "quote", { gpuHours: 10, objective: "price", minCarbonFreeSharePct: 50 });
    expect(tooGreen).to.deep.include({ error: "cannot-fill", bound: ["minCarbonFreeShare"] });
    const tooDear = await callError(http, "buy", { gpuHours: 1, maxTotalCostUsdcUnits: "1" });
    expect(tooDear).to.include({ error: "price-above-limit" });

    const now = Number(await httpDesk.now());
    const expired = await callError(http, "buy", { gpuHours: 1, deadlineUnixSeconds: now - 1 });
    expect(expired.error).to.equal("authorization-expired");
    // buyWithPermit falls back to an allowance when the permit fails, and there is none.
    expect(expired.decoded).to.match(
      /^ERC20InsufficientAllowance\(spender=0x[0-9a-fA-F]{40}, allowance=0, needed=2000000\)$/,
    );

    const expiredAuthorization = await callError(http, "buy", {
      gpuHours: 1,
      method: "authorization",
      deadlineUnixSeconds: now - 1,
    });
    expect(expiredAuthorization.error).to.equal("authorization-expired");
    expect(expiredAuthorization.decoded).to.match(
      new RegExp(`^StablecoinAuthorizationExpired\\(validBefore=${now - 1}, currentTime=\\d+\\)$`),
    );

    expect(await balances(buyer)).to.deep.equal(before);

    // An agent with too little stablecoin: the token's own error, and nothing moves.
    const broke = new Wallet(market.keys.broke);
    const brokeDesk = new Desk(
      await connectAgentChain({ rpcUrl: node.url, privateKey: broke.privateKey, deployments: market.deploymentsDir }),
    );
    try {
      const token = TestStablecoin__factory.connect(market.addresses.stablecoin, brokeDesk.chain.signer);
      await (await token.transfer(buyer, USDC("99"))).wait();
      const brokeBefore = await balances(broke.address);
      const server = await startMcpHttp(brokeDesk, await freePort());
      const client = new Client({ name: "joulestack-test", version: "1.0.0" });
      try {
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
        const underfunded = await callError(client, "buy", { gpuHours: 1, objective: "carbon" });
        expect(underfunded).to.include({ error: "insufficient-balance", balanceUsdcUnits: USDC("1").toString() });
        expect(underfunded.decoded).to.equal(
          `ERC20InsufficientBalance(sender=${broke.address}, balance=${USDC("1")}, needed=${USDC("2.6")})`,
        );
        const underfundedAuthorization = await callError(client, "buy", {
          gpuHours: 1,
          objective: "carbon",
          method: "authorization",
        });
        expect(underfundedAuthorization).to.include({ error: "insufficient-balance" });
        expect(underfundedAuthorization.decoded).to.equal(
          `ERC20InsufficientBalance(sender=${broke.address}, balance=${USDC("1")}, needed=${USDC("2.6")})`,
        );
      } finally {
        await client.close();
        await server.close();
      }
      expect(await balances(broke.address)).to.deep.equal(brokeBefore);
    } finally {
      brokeDesk.chain.close();
    }
  });

  it("redeems for a job, claims the refund of what was not delivered and reads lineage and vault status", async function () {
    const buyer = agent("stdio").address;
    const tooMany = await callError(stdio, "redeem", {
      creditId: market.cheap.creditId.toString(),
      gpuHours: 4,
      jobReference: "job",
    });
    expect(tooMany.error).to.equal("reverted");
    expect(tooMany.decoded).to.match(/^ERC1155InsufficientBalance\(/);

    const redeemed = await callOk(stdio, "redeem", {
      creditId: market.cheap.creditId.toString(),
      gpuHours: 3,
      jobReference: "fine-tune: cheapest agent",
    });
    expect(redeemed.jobReference).to.equal(id("fine-tune: cheapest agent"));
    expect(await credits().redeemedBy(market.cheap.creditId, buyer)).to.equal(3n);

    const pending = await callError(stdio, "read_lineage", { creditId: market.cheap.creditId.toString() });
    expect(pending.error).to.equal("lineage-not-recorded");
    const early = await callError(stdio, "claim_refund", { creditId: market.cheap.creditId.toString() });
    expect(early.decoded).to.equal(`ComputeWindowNotSettled(creditId=${market.cheap.creditId})`);

    // The provider delivers 1 of the 3 GPU-hours: 2 are refunded from its bond.
    const window = await credits().getWindow(market.cheap.creditId);
    await market.timeTravel(window.end + 60n);
    await market.deliver(market.cheap.creditId, 1n);
    const before = await stablecoin().balanceOf(buyer);
    const refund = await callOk(stdio, "claim_refund", { creditId: market.cheap.creditId.toString() });
    expect(refund.refundUsdcUnits).to.equal(USDC("4").toString());
    expect((await stablecoin().balanceOf(buyer)) - before).to.equal(USDC("4"));
    const again = await callError(stdio, "claim_refund", { creditId: market.cheap.creditId.toString() });
    expect(again.decoded).to.equal(`ComputeNothingToRefund(creditId=${market.cheap.creditId}, holder=${buyer})`);

    const lineage = await callOk(http, "read_lineage", { creditId: market.green.pastCreditId.toString() });
    expect(lineage).to.include({
      gpuHoursDelivered: 4,
      whUsed: "4000",
      whHourlyMatched: "4000",
      carbonFreeSharePct: 100,
    });
    expect(lineage.kwhBatches).to.have.length(1);
    expect(lineage.kwhBatches[0]).to.include({ gridZone: "ERCOT-NORTH", source: "solar", wh: "4000" });
    const cheapLot = await callOk(http, "read_lineage", { creditId: market.cheap.creditId.toString() });
    expect(cheapLot).to.include({ gpuHoursDelivered: 1, gpuHoursRedeemed: 3, carbonFreeSharePct: 0 });
    expect(cheapLot.revenue.refundsUsdcUnits).to.equal(USDC("4").toString());

    const vault = await callOk(stdio, "vault_status");
    expect(vault).to.include({ state: "Funding", openPeriod: 1, trancheCount: 3, lastDistributedPeriod: null });
  });
});
