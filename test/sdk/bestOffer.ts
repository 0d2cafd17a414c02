import { expect } from "chai";

import {
  OfferInputError,
  bestOffer,
  effectivePrice,
  violatedConstraint,
  type ConstraintName,
  type Offer,
  type OfferConstraints,
  type OfferRequest,
} from "../../sdk/offers.js";

/** A small deterministic PRNG (mulberry32), so every run checks the same cases and a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { int, pick: <T>(items: readonly T[]) => items[int(0, items.length - 1)], chance: (p: number) => next() < p };
}

const SHARES = [undefined, 0n, 250_000n, 500_000n, 750_000n, 1_000_000n];

/** 1 to 4 windows over 1 to 3 clusters; share, bond, zone and buyer fee are the cluster's, as `listOffers` reads them. */
function randomCase(seed: number): { offers: Offer[]; request: OfferRequest } {
  const r = prng(seed);
  const clusters = Array.from({ length: r.int(1, 3) }, (_, i) => ({
    clusterId: BigInt(i + 1),
    zone: r.pick(["ERCOT-NORTH", "CAISO"]),
    carbonFreePpm: r.pick(SHARES),
    clusterBondFree: BigInt(r.int(0, 30)),
    buyerFeePerGpuHour: BigInt(r.int(0, 1)),
  }));
  const offers: Offer[] = Array.from({ length: r.int(1, 4) }, (_, i) => {
    const cluster = r.pick(clusters);
    const start = BigInt(r.pick([100, 200, 300]));
    return {
      ...cluster,
      creditId: (cluster.clusterId << 64n) | BigInt(1000 + i),
      gpuClass: "H100-SXM",
      pricePerGpuHour: BigInt(r.int(1, 5)),
      windowStart: start,
      windowEnd: start + 3600n,
      unsoldGpuHours: 4n,
      remainingGpuHours: BigInt(r.int(0, 4)),
      deliveredWh: { carbonFree: 0n, used: 0n, deliveries: 0 },
    };
  });
  const constraints: OfferConstraints = {};
  if (r.chance(0.3)) constraints.zone = r.pick(["ERCOT-NORTH", "CAISO"]);
  if (r.chance(0.3)) constraints.minCarbonFreeShare = r.pick([0, 0.25, 0.5, 0.6, 1]);
  if (r.chance(0.3)) constraints.latestStart = BigInt(r.pick([100, 200, 300]));
  if (r.chance(0.3)) constraints.maxPricePerGpuHour = BigInt(r.int(1, 6));
  return {
    offers,
    request: { gpuHours: BigInt(r.int(1, 7)), objective: r.pick(["price", "carbon"] as const), constraints },
  };
}

interface Candidate {
  amounts: bigint[];
  cost: bigint;
  green: bigint;
}

/** Every feasible allocation, by brute force over all amounts 0..remaining of every window. */
function bruteForce(offers: Offer[], request: OfferRequest, constraints = request.constraints ?? {}): Candidate[] {
  const found: Candidate[] = [];
  const amounts: bigint[] = [];
  const walk = (i: number) => {
    if (i === offers.length) {
      if (amounts.reduce((a, b) => a + b, 0n) !== request.gpuHours) return;
      const bondUsed = new Map<bigint, bigint>();
      offers.forEach((o, k) =>
        bondUsed.set(o.clusterId, (bondUsed.get(o.clusterId) ?? 0n) + amounts[k] * o.pricePerGpuHour),
      );
      if (offers.some((o) => bondUsed.get(o.clusterId)! > o.clusterBondFree)) return;
      found.push({
        amounts: [...amounts],
        cost: offers.reduce((sum, o, k) => sum + amounts[k] * effectivePrice(o), 0n),
        green: offers.reduce((sum, o, k) => sum + amounts[k] * (o.carbonFreePpm ?? 0n), 0n),
      });
      return;
    }
    const usable = violatedConstraint(offers[i], constraints) === undefined;
    for (let x = 0n; x <= (usable ? offers[i].remainingGpuHours : 0n); x++) {
      amounts.push(x);
      walk(i + 1);
      amounts.pop();
    }
  };
  walk(0);
  return found;
}

const CASES = 400;

describe("sdk/offers bestOffer", function () {
  it(`is feasible and never dominated on ${CASES} random small cases, checked against brute force`, function () {
    let allocations = 0;
    let cannotFills = 0;
    let splits = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const { offers, request } = randomCase(seed);
      const result = bestOffer(offers, request);
      const all = bruteForce(offers, request);
      const label = `seed ${seed}: ${JSON.stringify(request, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`;

      if (result.kind === "cannot-fill") {
        cannotFills++;
        expect(all, `${label}: brute force fills what bestOffer could not`).to.deep.equal([]);
        // What bound: each constraint named, lifted alone, lets brute force fill it; "capacity" when none does.
        const given = (Object.keys(request.constraints!) as ConstraintName[]).filter(
          (name) => request.constraints![name] !== undefined,
        );
        for (const name of given) {
          const lifted = bruteForce(offers, request, { ...request.constraints, [name]: undefined });
          expect(result.bound.includes(name), `${label}: ${name}`).to.equal(lifted.length > 0);
        }
        expect(result.bound.includes("capacity"), label).to.equal(!given.some((n) => result.bound.includes(n)));
        continue;
      }

      allocations++;
      if (result.parts.length > 1) splits++;
      // Feasible: constraints, capacity, bond, and the request exactly.
      const amounts = offers.map(
        (o) => result.parts.find((part) => part.offer.creditId === o.creditId)?.gpuHours ?? 0n,
      );
      const mine = all.find((c) => c.amounts.every((x, k) => x === amounts[k]));
      expect(mine, `${label}: the allocation is not among the feasible ones`).to.not.equal(undefined);
      expect(result.totalCost, label).to.equal(mine!.cost);
      expect(result.carbonFreeGpuHoursPpm, label).to.equal(mine!.green);
      for (const part of result.parts) expect(part.gpuHours, label).to.be.greaterThan(0n);

      if (request.objective === "price") {
        const cheaper = all.filter((c) => c.cost < result.totalCost);
        expect(cheaper, `${label}: a cheaper feasible allocation exists`).to.deep.equal([]);
      } else {
        // Order for "carbon": greener (more carbon-free GPU-hours) first, then cheaper. Not dominated: no feasible
        // allocation is at least as green and at most as costly, and strictly better in one.
        const dominating = all.filter(
          (c) => c.green >= mine!.green && c.cost <= mine!.cost && (c.green > mine!.green || c.cost < mine!.cost),
        );
        expect(dominating, `${label}: a greener allocation at no higher cost exists`).to.deep.equal([]);
        const greenest = all.reduce((best, c) => (c.green > best ? c.green : best), 0n);
        expect(mine!.green, `${label}: not the greenest`).to.equal(greenest);
      }
    }
    // The random cases reach every outcome, so none of the checks above is vacuous.
    expect(allocations, "allocations").to.be.greaterThan(CASES / 4);
    expect(cannotFills, "cannot-fill results").to.be.greaterThan(CASES / 10);
    expect(splits, "split allocations").to.be.greaterThan(CASES / 20);
  });

  const offer = (o: Partial<Offer> & { creditId: bigint; clusterId: bigint }): Offer => ({
    zone: "ERCOT-NORTH",
    gpuClass: "H100-SXM",
    pricePerGpuHour: 2_000_000n,
    buyerFeePerGpuHour: 0n,
    windowStart: 7200n,
    windowEnd: 10800n,
    unsoldGpuHours: 100n,
    remainingGpuHours: 100n,
    clusterBondFree: 10n ** 12n,
    carbonFreePpm: undefined,
    deliveredWh: { carbonFree: 0n, used: 0n, deliveries: 0 },
    ...o,
  });

  it("splits across windows when the cheapest cannot fill, and says why for each choice", function () {
    const offers = [
      offer({ creditId: 1n, clusterId: 1n, pricePerGpuHour: 2_000_000n, remainingGpuHours: 30n }),
      offer({ creditId: 2n, clusterId: 2n, pricePerGpuHour: 3_000_000n, carbonFreePpm: 900_000n }),
      offer({ creditId: 3n, clusterId: 3n, pricePerGpuHour: 1_500_000n, zone: "CAISO" }),
    ];
    const cheap = bestOffer(offers, { gpuHours: 50n, objective: "price", constraints: { zone: "ERCOT-NORTH" } });
    expect(cheap.kind).to.equal("allocation");
    if (cheap.kind !== "allocation") return;
    expect(cheap.parts.map((p) => [p.offer.creditId, p.gpuHours])).to.deep.equal([
      [1n, 30n],
      [2n, 20n],
    ]);
    expect(cheap.totalCost).to.equal(30n * 2_000_000n + 20n * 3_000_000n);
    expect(cheap.parts[0].reason).to.match(/cheapest .* all it has left/);
    expect(cheap.parts[1].reason).to.match(/fills the rest/);

    const green = bestOffer(offers, { gpuHours: 50n, objective: "carbon" });
    if (green.kind !== "allocation") throw new Error("expected an allocation");
    expect(green.parts.map((p) => [p.offer.creditId, p.gpuHours])).to.deep.equal([[2n, 50n]]);
    expect(green.carbonFreePpm).to.equal(900_000n);
    expect(green.parts[0].reason).to.match(/greenest .*90% carbon-free/);
  });

  it("counts the fee the buyer bears in the effective price and the price bound", function () {
    const offers = [
      offer({ creditId: 1n, clusterId: 1n, pricePerGpuHour: 2_000_000n, buyerFeePerGpuHour: 600_000n }),
      offer({ creditId: 2n, clusterId: 2n, pricePerGpuHour: 2_500_000n }),
    ];
    const result = bestOffer(offers, { gpuHours: 10n, objective: "price" });
    if (result.kind !== "allocation") throw new Error("expected an allocation");
    expect(result.parts.map((p) => [p.offer.creditId, p.effectivePricePerGpuHour])).to.deep.equal([[2n, 2_500_000n]]);
    const bounded = bestOffer([offers[0]], {
      gpuHours: 10n,
      objective: "price",
      constraints: { maxPricePerGpuHour: 2_500_000n },
    });
    expect(bounded).to.deep.include({ kind: "cannot-fill", available: 0n, bound: ["maxPricePerGpuHour"] });
  });

  it("caps a cluster's windows together by its free bond", function () {
    const offers = [
      offer({ creditId: 1n, clusterId: 1n, pricePerGpuHour: 2n, remainingGpuHours: 5n, clusterBondFree: 14n }),
      offer({ creditId: 2n, clusterId: 1n, pricePerGpuHour: 3n, remainingGpuHours: 5n, clusterBondFree: 14n }),
      offer({ creditId: 3n, clusterId: 2n, pricePerGpuHour: 10n, remainingGpuHours: 5n }),
    ];
    const result = bestOffer(offers, { gpuHours: 8n, objective: "price" });
    if (result.kind !== "allocation") throw new Error("expected an allocation");
    // 5 × 2 = 10 of the 14 of bond, then one at 3 (13), the rest from cluster 2.
    expect(result.parts.map((p) => [p.offer.creditId, p.gpuHours])).to.deep.equal([
      [1n, 5n],
      [2n, 1n],
      [3n, 2n],
    ]);
    expect(result.parts[1].reason).to.match(/free bond/);
  });

  it("treats an undefined carbon-free share as failing any minimum, and as zero for the carbon objective", function () {
    const offers = [
      offer({ creditId: 1n, clusterId: 1n, pricePerGpuHour: 1n }),
      offer({ creditId: 2n, clusterId: 2n, pricePerGpuHour: 5n, carbonFreePpm: 0n }),
    ];
    expect(
      bestOffer(offers, { gpuHours: 1n, objective: "carbon", constraints: { minCarbonFreeShare: 0 } }),
    ).to.deep.include({ kind: "allocation", totalCost: 5n });
    const unproven = bestOffer([offers[0]], {
      gpuHours: 1n,
      objective: "carbon",
      constraints: { minCarbonFreeShare: 0 },
    });
    expect(unproven).to.deep.include({ kind: "cannot-fill", bound: ["minCarbonFreeShare"] });
    // Equal greenness (0 and undefined): the cheaper wins.
    expect(bestOffer(offers, { gpuHours: 1n, objective: "carbon" })).to.deep.include({ totalCost: 1n });
  });

  it("names capacity when no single constraint lifted would fill the request", function () {
    const offers = [offer({ creditId: 1n, clusterId: 1n, remainingGpuHours: 3n, zone: "CAISO" })];
    expect(bestOffer(offers, { gpuHours: 5n, objective: "price", constraints: { zone: "CAISO" } })).to.deep.include({
      kind: "cannot-fill",
      available: 3n,
      bound: ["capacity"],
    });
    expect(bestOffer([], { gpuHours: 1n, objective: "price" })).to.deep.include({ bound: ["capacity"] });
  });

  it("rejects malformed input with a typed error", function () {
    const a = offer({ creditId: 1n, clusterId: 1n, carbonFreePpm: 1n });
    expect(() => bestOffer([a], { gpuHours: 0n, objective: "price" })).to.throw(OfferInputError, /positive/);
    expect(() => bestOffer([a, a], { gpuHours: 1n, objective: "price" })).to.throw(OfferInputError, /twice/);
    expect(() =>
      bestOffer([a, offer({ creditId: 2n, clusterId: 1n, carbonFreePpm: 2n })], { gpuHours: 1n, objective: "price" }),
    ).to.throw(OfferInputError, /disagree/);
    expect(() => bestOffer([a], { gpuHours: 1n, objective: "price", constraints: { minCarbonFreeShare: 2 } })).to.throw(
      OfferInputError,
      /0 to 1/,
    );
  });
});
