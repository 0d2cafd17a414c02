import { expect } from "chai";

import { type Offer, bestOffer } from "../../sdk/offers.js";
import { runHardhat } from "../helpers/node.js";

const BIGINT_FIELDS = [
  "creditId",
  "clusterId",
  "pricePerGpuHour",
  "buyerFeePerGpuHour",
  "windowStart",
  "windowEnd",
  "unsoldGpuHours",
  "remainingGpuHours",
  "clusterBondFree",
  "carbonFreePpm",
] as const;

function offerFrom(json: Record<string, any>): Offer {
  const offer = { ...json };
  for (const field of BIGINT_FIELDS) if (offer[field] !== undefined) offer[field] = BigInt(offer[field]);
  offer.deliveredWh = {
    carbonFree: BigInt(json.deliveredWh.carbonFree),
    used: BigInt(json.deliveredWh.used),
    deliveries: json.deliveredWh.deliveries,
  };
  return offer as Offer;
}

/** `npm run demo:agents` (its script, on a node it starts itself): it runs, and each agent bought what bestOffer picks. */
describe("agents: the agent demo", function () {
  this.timeout(600_000);

  it("runs, and each agent's printed choice is bestOffer's on the offers it saw", async function () {
    const output = await runHardhat(["run", "agents/demo/main.ts"]);
    const lines = output.split("\n");
    const choices: { offers: Offer[]; choice: any }[] = [];
    let offers: Offer[] | undefined;
    for (const line of lines) {
      if (line.startsWith("OFFERS ")) offers = JSON.parse(line.slice(7)).map(offerFrom);
      if (line.startsWith("CHOICE ")) {
        expect(offers, "offers printed before the choice").to.not.equal(undefined);
        choices.push({ offers: offers!, choice: JSON.parse(line.slice(7)) });
        offers = undefined;
      }
    }
    expect(choices.map(({ choice }) => choice.agent)).to.deep.equal(["cheapest agent", "greenest agent"]);
    for (const { offers: seen, choice } of choices) {
      const { gpuHours, objective, minCarbonFreeShare } = choice.request;
      const best = bestOffer(seen, {
        gpuHours: BigInt(gpuHours),
        objective,
        constraints: minCarbonFreeShare === undefined ? {} : { minCarbonFreeShare },
      });
      expect(best.kind, choice.agent).to.equal("allocation");
      if (best.kind !== "allocation") continue;
      expect(choice.parts, choice.agent).to.deep.equal(
        best.parts.map((part) => ({ creditId: part.offer.creditId.toString(), gpuHours: Number(part.gpuHours) })),
      );
      expect(choice.totalCostUsdcUnits, choice.agent).to.equal(best.totalCost.toString());
    }
    // The two preferences lead to different windows: the cheapest splits, starting with the cheap cluster, the
    // greenest stays with the cluster whose record is carbon-free.
    expect(choices[0].choice.parts).to.have.length(2);
    expect(choices[1].choice.parts).to.have.length(1);
    expect(choices[0].choice.parts[0].creditId).to.not.equal(choices[1].choice.parts[0].creditId);
    expect(output).to.match(
      /lineage at sale: cluster \d+ delivered 1 lot\(s\), 4000 of 4000 Wh carbon-free; 4000 Wh solar/,
    );
    expect(output).to.match(/cheapest agent read lot \d+ over MCP/);
    expect(output).to.match(/greenest agent read lot \d+ over x402's lineage route/);
  });
});
