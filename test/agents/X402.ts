import {
  encodePaymentSignatureHeader,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
} from "@x402/core/http";
import type { PaymentRequirements } from "@x402/core/types";
import { expect } from "chai";
import { Signature, Wallet, hexlify, randomBytes } from "ethers";

import { connectAgentChain } from "../../agents/core/chain.js";
import { Desk } from "../../agents/core/desk.js";
import { type SeededMarket, USDC, seedAgentMarket } from "../../agents/demo/market.js";
import type { RunningHttpServer } from "../../agents/mcp/transports.js";
import { payingFetch, x402HttpClientFor } from "../../agents/x402/client.js";
import { GPU_HOURS_ROUTE, startX402Server } from "../../agents/x402/server.js";
import { ComputeMarket__factory, TestStablecoin__factory } from "../../sdk/contracts.js";
import { bestOffer, listOffers } from "../../sdk/offers.js";
import { type LocalNode, freePort, startLocalNode } from "../helpers/node.js";

/**
 * The x402 endpoint end to end on a real `hardhat node`: `@x402/fetch` pays the 402 with an EIP-3009 authorization,
 * the in-process facilitator settles it to the desk, and the desk buys the quoted GPU-hours for the payer.
 */
describe("agents: the x402 endpoint on a local node", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let market: SeededMarket;
  let desk: Desk;
  let server: RunningHttpServer;
  const wallet = (name: string) => new Wallet(market.keys[name], desk.chain.provider);
  const budget = () => ({
    network: "eip155:31337" as const,
    asset: market.addresses.stablecoin,
    maxAmountPerPayment: USDC("50"),
  });
  const url = (query: string) => `${server.url}${GPU_HOURS_ROUTE}?${query}`;

  before(async function () {
    node = await startLocalNode();
    market = await seedAgentMarket(node.url, { agents: ["desk", "cheapest", "greenest", "broke", "copycat"] });
    desk = new Desk(
      await connectAgentChain({ rpcUrl: node.url, privateKey: market.keys.desk, deployments: market.deploymentsDir }),
    );
    // The broke agent keeps 1 USDC.
    const broke = new Wallet(market.keys.broke, desk.chain.provider);
    await (
      await TestStablecoin__factory.connect(market.addresses.stablecoin, broke).transfer(desk.chain.address, USDC("99"))
    ).wait();
    server = await startX402Server(desk, await freePort());
  });

  after(async function () {
    await server?.close();
    desk?.chain.close();
    await market?.close();
    await node?.stop();
  });

  const stablecoin = () => TestStablecoin__factory.connect(market.addresses.stablecoin, desk.chain.provider);
  const credits = () => ComputeMarket__factory.connect(market.addresses.market, desk.chain.provider);
  const balances = async (...holders: string[]) =>
    Promise.all(
      holders.map(async (holder) => [
        await stablecoin().balanceOf(holder),
        await credits().balanceOf(holder, market.green.creditId),
        await credits().balanceOf(holder, market.cheap.creditId),
      ]),
    );

  it("answers 402 with the price of the best allocation, and its quote", async function () {
    const response = await fetch(url("gpuHours=6&objective=price"));
    expect(response.status).to.equal(402);
    const required = decodePaymentRequiredHeader(response.headers.get("payment-required")!);
    const [accept] = required.accepts;
    const offers = await listOffers(desk.chain.provider, market.addresses.market);
    const best = bestOffer(offers, { gpuHours: 6n, objective: "price" });
    expect(best.kind).to.equal("allocation");
    expect(accept).to.deep.include({ scheme: "exact", network: "eip155:31337", payTo: desk.chain.address });
    expect(accept.amount).to.equal(best.kind === "allocation" ? best.totalCost.toString() : "");
    expect(accept.asset).to.equal(market.addresses.stablecoin);
    const body = (await response.json()) as any;
    expect(body.quote.allocations.map((a: any) => [a.creditId, a.gpuHours])).to.deep.equal([
      [market.cheap.creditId.toString(), 4],
      [market.green.creditId.toString(), 2],
    ]);
  });

  it("takes the signed payment, buys the GPU-hours for the payer and returns the lot and its lineage", async function () {
    const agent = wallet("greenest");
    const [[agentBefore, greenBefore], [deskBefore]] = await balances(agent.address, desk.chain.address);
    const response = await payingFetch(agent, budget())(url("gpuHours=3&objective=carbon&minCarbonFreeSharePct=90"));
    const body = (await response.json()) as any;
    expect(response.status, JSON.stringify(body)).to.equal(200);
    const settlement = decodePaymentResponseHeader(response.headers.get("payment-response")!);
    expect(settlement).to.include({ success: true, payer: agent.address });

    expect(body.lot.receiver).to.equal(agent.address);
    expect(body.lot.purchases).to.have.length(1);
    expect(body.lot.purchases[0]).to.include({
      creditId: market.green.creditId.toString(),
      gpuHours: 3,
      costUsdcUnits: USDC("7.8").toString(),
    });
    const [record] = body.lineage;
    expect(record.cluster).to.include({ deliveredLots: 1, carbonFreeSharePct: 100 });
    expect(record.cluster.lots[0].kwhBatches[0]).to.include({ source: "solar", gridZone: "ERCOT-NORTH", wh: "4000" });

    const [[agentAfter, greenAfter], [deskAfter]] = await balances(agent.address, desk.chain.address);
    expect(agentBefore - agentAfter).to.equal(USDC("7.8"));
    expect(greenAfter - greenBefore).to.equal(3n);
    expect(deskAfter).to.equal(deskBefore); // paid in, spent on the purchase: the desk keeps nothing
  });

  it("refuses bad input with a 4xx and a machine-readable reason, before asking for payment", async function () {
    const bad = async (query: string, status: number) => {
      const response = await fetch(url(query));
      expect(response.status, query).to.equal(status);
      expect(response.headers.get("payment-required"), query).to.equal(null);
      return (await response.json()) as any;
    };
    expect((await bad("gpuHours=abc", 400)).error).to.equal("invalid-input");
    expect((await bad("gpuHours=0", 400)).error).to.equal("invalid-input");
    expect((await bad("gpuHours=2&objective=fast", 400)).message).to.match(/objective must be price or carbon/);
    expect((await bad("gpuHours=2&minCarbonFreeSharePct=101", 400)).error).to.equal("invalid-input");
    expect(await bad("gpuHours=1000", 409)).to.deep.include({
      error: "cannot-fill",
      bound: ["capacity"],
      requestedGpuHours: "1000",
    });
    expect(await bad("gpuHours=2&zone=PJM", 409)).to.deep.include({ error: "cannot-fill", bound: ["zone"] });

    const unknown = await fetch(`${server.url}/compute/lineage/12345`);
    expect(unknown.status).to.equal(404);
    expect(await unknown.json()).to.deep.include({
      error: "unknown-window",
      decoded: "ComputeUnknownWindow(creditId=12345)",
    });
    const pending = await fetch(`${server.url}/compute/lineage/${market.green.creditId}`);
    expect(pending.status).to.equal(409);
    expect(((await pending.json()) as any).error).to.equal("lineage-not-recorded");
    const past = await fetch(`${server.url}/compute/lineage/${market.green.pastCreditId}`);
    expect(((await past.json()) as any).carbonFreeSharePct).to.equal(100);
  });

  /** A payment header for `query`, signed by `agent`, and the requirements it pays. */
  async function signedPayment(agent: Wallet, query: string) {
    const unpaid = await fetch(url(query));
    expect(unpaid.status).to.equal(402);
    const client = x402HttpClientFor(agent, budget());
    const required = client.getPaymentRequiredResponse((name) => unpaid.headers.get(name), await unpaid.json());
    const payload = await client.createPaymentPayload(required);
    return {
      payload,
      headers: client.encodePaymentSignatureHeader(payload),
      requirements: required.accepts[0] as PaymentRequirements,
    };
  }

  it("refuses an underfunded, an expired and a reused authorization, charging nothing", async function () {
    const broke = wallet("broke");
    const before = await balances(broke.address, desk.chain.address);
    const underfunded = await payingFetch(broke, budget())(url("gpuHours=1"));
    expect(underfunded.status).to.equal(402);
    const reason = (await underfunded.json()) as any;
    expect(reason.error).to.equal("payment-failed");
    expect(reason.reason).to.match(/insufficient_balance|insufficient_funds/);
    expect(await balances(broke.address, desk.chain.address)).to.deep.equal(before);

    // Expired: an authorization whose validBefore has passed on the chain's clock, signed by hand.
    const agent = wallet("cheapest");
    const { requirements } = await signedPayment(agent, "gpuHours=1");
    const now = await desk.now();
    const authorization = {
      from: agent.address,
      to: requirements.payTo,
      value: requirements.amount,
      validAfter: "0",
      validBefore: (now - 1n).toString(),
      nonce: hexlify(randomBytes(32)),
    };
    const signature = await agent.signTypedData(
      {
        name: requirements.extra.name as string,
        version: requirements.extra.version as string,
        chainId: 31337,
        verifyingContract: requirements.asset,
      },
      {
        TransferWithAuthorization: [
          { name: "from", type: "address" },
          { name: "to", type: "address" },
          { name: "value", type: "uint256" },
          { name: "validAfter", type: "uint256" },
          { name: "validBefore", type: "uint256" },
          { name: "nonce", type: "bytes32" },
        ],
      },
      authorization,
    );
    const agentBefore = await balances(agent.address, desk.chain.address);
    const expired = await fetch(url("gpuHours=1"), {
      headers: {
        "PAYMENT-SIGNATURE": encodePaymentSignatureHeader({
          x402Version: 2,
          accepted: requirements,
          payload: { authorization, signature: Signature.from(signature).serialized },
        }),
      },
    });
    expect(expired.status).to.equal(402);
    expect(((await expired.json()) as any).reason).to.match(/valid_before|expired/);
    expect(await balances(agent.address, desk.chain.address)).to.deep.equal(agentBefore);

    // Reused: the same signed payment twice buys once.
    const { headers } = await signedPayment(agent, "gpuHours=1");
    const first = await fetch(url("gpuHours=1"), { headers });
    expect(first.status, await first.clone().text()).to.equal(200);
    const afterFirst = await balances(agent.address, desk.chain.address);
    expect(agentBefore[0][0] - afterFirst[0][0]).to.equal(USDC("2"));
    const replay = await fetch(url("gpuHours=1"), { headers });
    expect(replay.status).to.equal(402);
    expect(((await replay.json()) as any).reason).to.equal("payment_already_fulfilled");
    expect(await balances(agent.address, desk.chain.address)).to.deep.equal(afterFirst);

    // Replayed to a restarted server, which no longer remembers it: the used nonce fails settlement, nothing is bought.
    const restarted = await startX402Server(desk, await freePort());
    try {
      const again = await fetch(`${restarted.url}${GPU_HOURS_ROUTE}?gpuHours=1`, { headers });
      expect(again.status).to.equal(402);
      expect(await balances(agent.address, desk.chain.address)).to.deep.equal(afterFirst);
    } finally {
      await restarted.close();
    }
  });

  it("fulfils a payment that a copycat pushed to the token first: the money reached the desk, so do the credits", async function () {
    const agent = wallet("cheapest");
    const { payload, headers } = await signedPayment(agent, "gpuHours=1");
    const { authorization, signature } = payload.payload as any;
    const copycat = TestStablecoin__factory.connect(market.addresses.stablecoin, wallet("copycat"));
    const before = await balances(agent.address, desk.chain.address);
    await (
      await copycat["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
        authorization.from,
        authorization.to,
        authorization.value,
        authorization.validAfter,
        authorization.validBefore,
        authorization.nonce,
        signature,
      )
    ).wait();
    const response = await fetch(url("gpuHours=1"), { headers });
    const body = (await response.json()) as any;
    expect(response.status, JSON.stringify(body)).to.equal(200);
    expect(body.lot.purchases[0]).to.include({ receiver: agent.address, gpuHours: 1 });
    const after = await balances(agent.address, desk.chain.address);
    expect(before[0][0] - after[0][0]).to.equal(USDC("2")); // charged once
    expect(after[1][0]).to.equal(before[1][0]); // the desk keeps nothing
    const cheapOrGreen = after[0][1] + after[0][2] - before[0][1] - before[0][2];
    expect(cheapOrGreen).to.equal(1n);
  });
});
