/**
 * Open compute windows as offers, and the choice among them. The agent entry points read offers with `listOffers`
 * and choose with the pure `bestOffer`.
 */
import { Interface, type Provider } from "ethers";

import { ComputeMarket__factory } from "../../sdk/contracts.js";
import { gridZoneToString } from "../../sdk/energy.js";

/** An open window: credits that can still be bought before it starts. */
export interface Offer {
  readonly creditId: bigint;
  readonly clusterId: bigint;
  readonly gpuClass: string;
  /** The cluster's grid zone code, e.g. `ERCOT-NORTH`. */
  readonly zone: string;
  /** Stablecoin units per GPU-hour: what a buyer pays (the market charges buyers no fee on top). */
  readonly pricePerGpuHour: bigint;
  readonly start: bigint;
  readonly end: bigint;
  /** GPU-hours that can still be bought: capacity left, and no more than the cluster's free bond can back. */
  readonly remainingGpuHours: bigint;
  /**
   * The cluster's carbon-free share so far, in basis points: (Wh matched hourly by burned carbon-free kWh + Wh
   * matched by retired RECs) / Wh used, over every delivery the cluster recorded. Undefined before its first
   * recorded delivery (or if its deliveries used no energy): a constraint on the share excludes such a window.
   */
  readonly carbonFreeBps: bigint | undefined;
}

/** What an agent asks for. Prices in stablecoin units, times in unix seconds, shares in basis points. */
export interface OfferRequest {
  readonly gpuHours: bigint;
  /** `price`: the cheapest allocation; `carbon`: the highest carbon-free share, the cheapest among equals. */
  readonly objective: "price" | "carbon";
  readonly zone?: string;
  readonly minCarbonFreeBps?: bigint;
  /** The latest window start the agent accepts. */
  readonly latestStart?: bigint;
  readonly maxPricePerGpuHour?: bigint;
}

export interface Allocation {
  readonly offer: Offer;
  readonly gpuHours: bigint;
  readonly cost: bigint;
  /** Why this window was chosen, in a sentence. */
  readonly reason: string;
}

export type OfferChoice =
  | { readonly ok: true; readonly allocations: readonly Allocation[]; readonly gpuHours: bigint; readonly cost: bigint }
  | {
      readonly ok: false;
      /** The constraint that bound: without it the request could be filled (`capacity`: nothing would help). */
      readonly binding: "zone" | "minCarbonFreeBps" | "latestStart" | "maxPricePerGpuHour" | "capacity";
      /** GPU-hours the feasible windows could sell. */
      readonly available: bigint;
      readonly reason: string;
    };

type Constraint = "zone" | "minCarbonFreeBps" | "latestStart" | "maxPricePerGpuHour";
const CONSTRAINTS: readonly Constraint[] = ["zone", "minCarbonFreeBps", "latestStart", "maxPricePerGpuHour"];

function violates(offer: Offer, request: OfferRequest, constraint: Constraint): boolean {
  switch (constraint) {
    case "zone":
      return request.zone !== undefined && offer.zone !== request.zone;
    case "minCarbonFreeBps":
      return (
        request.minCarbonFreeBps !== undefined &&
        (offer.carbonFreeBps === undefined || offer.carbonFreeBps < request.minCarbonFreeBps)
      );
    case "latestStart":
      return request.latestStart !== undefined && offer.start > request.latestStart;
    case "maxPricePerGpuHour":
      return request.maxPricePerGpuHour !== undefined && offer.pricePerGpuHour > request.maxPricePerGpuHour;
  }
}

const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Chooses windows for a request: keeps the offers every constraint allows and fills the request from the best
 * first, splitting it across windows when one cannot fill it. With `price`, cheapest first (price is linear and
 * capacities are the only limits, so this is the cheapest allocation); with `carbon`, the highest carbon-free share
 * first (windows of unknown share last), then cheapest. Ties go to the earlier start, then the lower credit id.
 * When the feasible windows cannot fill the request it names the constraint that bound.
 */
export function bestOffer(offers: readonly Offer[], request: OfferRequest): OfferChoice {
  if (request.gpuHours <= 0n) throw new RangeError("gpuHours must be above zero");
  const feasible = (except?: Constraint) =>
    offers.filter(
      (offer) =>
        offer.remainingGpuHours > 0n &&
        CONSTRAINTS.every((constraint) => constraint === except || !violates(offer, request, constraint)),
    );
  const capacity = (list: readonly Offer[]) => list.reduce((sum, offer) => sum + offer.remainingGpuHours, 0n);

  const candidates = feasible();
  const available = capacity(candidates);
  if (available < request.gpuHours) {
    const binding = CONSTRAINTS.find((constraint) => capacity(feasible(constraint)) >= request.gpuHours) ?? "capacity";
    return {
      ok: false,
      binding,
      available,
      reason:
        binding === "capacity"
          ? `the open windows can sell ${available} GPU-hours, ${request.gpuHours} were asked for`
          : `the windows that meet every constraint can sell ${available} of ${request.gpuHours} GPU-hours; ` +
            `the ${binding} constraint rules out the rest`,
    };
  }

  const carbon = (offer: Offer) => offer.carbonFreeBps ?? -1n;
  const ranked = [...candidates].sort(
    (a, b) =>
      (request.objective === "carbon" ? compare(carbon(b), carbon(a)) : 0) ||
      compare(a.pricePerGpuHour, b.pricePerGpuHour) ||
      compare(a.start, b.start) ||
      compare(a.creditId, b.creditId),
  );
  const allocations: Allocation[] = [];
  let left = request.gpuHours;
  for (const [rank, offer] of ranked.entries()) {
    if (left === 0n) break;
    const gpuHours = offer.remainingGpuHours < left ? offer.remainingGpuHours : left;
    left -= gpuHours;
    const share =
      offer.carbonFreeBps === undefined ? "no recorded delivery yet" : `${formatBps(offer.carbonFreeBps)} carbon-free so far`;
    const why =
      request.objective === "carbon"
        ? rank === 0
          ? `the greenest feasible window (${share}), then the cheapest`
          : `the next greenest feasible window (${share})`
        : rank === 0
          ? `the cheapest feasible window (${offer.pricePerGpuHour} units per GPU-hour)`
          : `the next cheapest feasible window (${offer.pricePerGpuHour} units per GPU-hour)`;
    const filled = gpuHours === offer.remainingGpuHours && left > 0n ? "; it sells out, the rest goes elsewhere" : "";
    allocations.push({ offer, gpuHours, cost: gpuHours * offer.pricePerGpuHour, reason: `${why}${filled}` });
  }
  return {
    ok: true,
    allocations,
    gpuHours: request.gpuHours,
    cost: allocations.reduce((sum, allocation) => sum + allocation.cost, 0n),
  };
}

/** `8750` -> `87.5%`. */
export function formatBps(bps: bigint): string {
  return `${Number(bps) / 100}%`;
}

const MARKET = new Interface([
  "event WindowOffered(uint256 indexed creditId, uint256 indexed clusterId, uint64 start, uint64 end, uint64 capacity, uint128 pricePerGpuHour)",
  "event DeliveryRecorded(uint256 indexed creditId, uint256 indexed clusterId, uint64 gpuHoursDelivered, uint64 gpuHoursRedeemed, uint256 whUsed, uint256 whHourlyMatched, uint256 whRecMatched, uint16 carbonFreeBps)",
]);

/**
 * Reads every window of `market` still on sale at the chain's latest block (it starts later and has credits left),
 * with its cluster's zone, GPU class and carbon-free share so far, from the market's events and views.
 */
export async function listOffers(provider: Provider, market: string, fromBlock = 0): Promise<Offer[]> {
  const contract = ComputeMarket__factory.connect(market, provider);
  const latest = await provider.getBlock("latest");
  const now = BigInt(latest!.timestamp);
  const logs = (event: string) =>
    provider.getLogs({ address: market, fromBlock, toBlock: latest!.number, topics: [MARKET.getEvent(event)!.topicHash] });
  const [offered, delivered] = await Promise.all([logs("WindowOffered"), logs("DeliveryRecorded")]);

  const energy = new Map<bigint, { used: bigint; carbonFree: bigint }>();
  for (const log of delivered) {
    const { clusterId, whUsed, whHourlyMatched, whRecMatched } = MARKET.parseLog(log)!.args;
    const total = energy.get(clusterId) ?? { used: 0n, carbonFree: 0n };
    energy.set(clusterId, { used: total.used + whUsed, carbonFree: total.carbonFree + whHourlyMatched + whRecMatched });
  }

  const clusters = new Map<bigint, Awaited<ReturnType<typeof contract.getCluster>>>();
  const offers: Offer[] = [];
  for (const log of offered) {
    const { creditId, clusterId } = MARKET.parseLog(log)!.args as unknown as { creditId: bigint; clusterId: bigint };
    const window = await contract.getWindow(creditId, { blockTag: latest!.number });
    if (window.start <= now || window.sold >= window.capacity) continue;
    if (!clusters.has(clusterId)) clusters.set(clusterId, await contract.getCluster(clusterId, { blockTag: latest!.number }));
    const cluster = clusters.get(clusterId)!;
    const backed = cluster.bondFree / window.pricePerGpuHour;
    const left = window.capacity - window.sold;
    const used = energy.get(clusterId);
    offers.push({
      creditId,
      clusterId,
      gpuClass: cluster.gpuClass,
      zone: gridZoneToString(cluster.gridZone),
      pricePerGpuHour: window.pricePerGpuHour,
      start: window.start,
      end: window.end,
      remainingGpuHours: backed < left ? backed : left,
      carbonFreeBps: used === undefined || used.used === 0n ? undefined : (used.carbonFree * 10_000n) / used.used,
    });
  }
  return offers;
}
