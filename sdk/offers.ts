/**
 * Offers of GPU-hour credits across clusters, and choosing among them.
 *
 * `listOffers` reads every open window of a compute market from the chain (its events and views). `bestOffer` is a
 * pure function that picks, for a request of N GPU-hours, the allocation over those windows that is best for the
 * buyer's objective under their constraints, splitting the request across windows when one cannot fill it.
 *
 * Carbon-free share. A window sells before it runs, so no open window has a delivery of its own; its carbon-free
 * share is its cluster's record so far: over every delivery the cluster recorded (`DeliveryRecorded`), the Wh
 * matched hour by hour by burned carbon-free kWh of the cluster's zone (renewable or nuclear, as the market accepts)
 * plus the Wh backed by retired RECs, divided by the Wh used:
 *   share = Σ (whHourlyMatched + whRecMatched) / Σ whUsed   (Wh-weighted, so large lots weigh more).
 * It is expressed in parts per million, rounded down. A cluster with no recorded delivery (or none that used energy)
 * has an UNDEFINED share: no constraint `minCarbonFreeShare` accepts it (unproven is not green), and the "carbon"
 * objective counts it as 0.
 */
import { Contract, Interface, decodeBytes32String, type Provider } from "ethers";

/** One part per million. */
export const PPM = 1_000_000n;

/** An open window of a cluster: credits that can be bought now. Prices in the stablecoin's base units. */
export interface Offer {
  creditId: bigint;
  clusterId: bigint;
  /** The cluster's grid zone code, e.g. "ERCOT-NORTH". */
  zone: string;
  gpuClass: string;
  /** The window's price of one GPU-hour credit. */
  pricePerGpuHour: bigint;
  /** Any fee the buyer bears on top of the price, per GPU-hour (the market charges none: 0 from `listOffers`). */
  buyerFeePerGpuHour: bigint;
  windowStart: bigint;
  windowEnd: bigint;
  /** Credits not yet sold: capacity - sold. */
  unsoldGpuHours: bigint;
  /** Credits that can be bought now: the unsold ones that the cluster's free bond still covers. */
  remainingGpuHours: bigint;
  /** The cluster's free bond: every sale locks its price from it, so it caps sales across all of its windows. */
  clusterBondFree: bigint;
  /** The cluster's carbon-free share so far, in ppm; undefined before its first delivery that used energy. */
  carbonFreePpm: bigint | undefined;
  /** The Wh behind the share: carbon-free (hourly-matched + REC-backed) and used, over the cluster's deliveries. */
  deliveredWh: { carbonFree: bigint; used: bigint; deliveries: number };
}

const MARKET = new Interface([
  "event WindowOffered(uint256 indexed creditId, uint256 indexed clusterId, uint64 start, uint64 end, uint64 capacity, uint128 pricePerGpuHour)",
  "event DeliveryRecorded(uint256 indexed creditId, uint256 indexed clusterId, uint64 gpuHoursDelivered, uint64 gpuHoursRedeemed, uint256 whUsed, uint256 whHourlyMatched, uint256 whRecMatched, uint16 carbonFreeBps)",
  "function getWindow(uint256 creditId) view returns (tuple(uint64 start, uint64 end, uint128 pricePerGpuHour, uint64 capacity, uint64 sold, uint64 redeemed, uint64 delivered, uint64 unclaimedRedeemed, uint128 bondHeld, bool settled, uint48 redeemCap))",
  "function getCluster(uint256 clusterId) view returns (tuple(address provider, address operator, address payout, bool payoutIsIntake, uint32 gpuCount, uint32 minWhPerGpuHour, uint32 maxWhPerGpuHour, uint64 offeredUntil, bytes32 gridZone, uint256 bondFree, string gpuClass))",
]);

/**
 * Reads every open window of `market`: offered (`WindowOffered`), not yet started at the latest block, with credits
 * that can still be bought (unless `includeSoldOut`). Reads the events from `fromBlock` (default 0) and the views at
 * the latest block. Sorted by credit id.
 */
export async function listOffers(
  provider: Provider,
  market: string,
  options: { fromBlock?: number; includeSoldOut?: boolean } = {},
): Promise<Offer[]> {
  const fromBlock = options.fromBlock ?? 0;
  const contract = new Contract(market, MARKET, provider);
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("listOffers: no latest block");
  const blockTag = block.number;
  const now = BigInt(block.timestamp);
  const logs = async (event: string) =>
    (
      await provider.getLogs({
        address: market,
        fromBlock,
        toBlock: blockTag,
        topics: [MARKET.getEvent(event)!.topicHash],
      })
    ).map((log) => MARKET.parseLog(log)!.args);

  const delivered = new Map<bigint, { carbonFree: bigint; used: bigint; deliveries: number }>();
  for (const lot of await logs("DeliveryRecorded")) {
    const record = delivered.get(lot.clusterId) ?? { carbonFree: 0n, used: 0n, deliveries: 0 };
    record.carbonFree += lot.whHourlyMatched + lot.whRecMatched;
    record.used += lot.whUsed;
    record.deliveries += 1;
    delivered.set(lot.clusterId, record);
  }

  const clusters = new Map<bigint, { zone: string; gpuClass: string; bondFree: bigint }>();
  const offers: Offer[] = [];
  for (const offered of await logs("WindowOffered")) {
    if (offered.start <= now) continue; // started: no longer for sale
    const window = await contract.getWindow(offered.creditId, { blockTag });
    let cluster = clusters.get(offered.clusterId);
    if (!cluster) {
      const c = await contract.getCluster(offered.clusterId, { blockTag });
      cluster = { zone: decodeBytes32String(c.gridZone), gpuClass: c.gpuClass, bondFree: c.bondFree };
      clusters.set(offered.clusterId, cluster);
    }
    const price = BigInt(window.pricePerGpuHour);
    const unsold = BigInt(window.capacity) - BigInt(window.sold);
    const byBond = cluster.bondFree / price;
    const remaining = unsold < byBond ? unsold : byBond;
    if (remaining === 0n && !options.includeSoldOut) continue;
    const record = delivered.get(offered.clusterId) ?? { carbonFree: 0n, used: 0n, deliveries: 0 };
    offers.push({
      creditId: offered.creditId,
      clusterId: offered.clusterId,
      zone: cluster.zone,
      gpuClass: cluster.gpuClass,
      pricePerGpuHour: price,
      buyerFeePerGpuHour: 0n,
      windowStart: BigInt(window.start),
      windowEnd: BigInt(window.end),
      unsoldGpuHours: unsold,
      remainingGpuHours: remaining,
      clusterBondFree: cluster.bondFree,
      carbonFreePpm: record.used === 0n ? undefined : (record.carbonFree * PPM) / record.used,
      deliveredWh: { ...record },
    });
  }
  return offers.sort((a, b) => (a.creditId < b.creditId ? -1 : a.creditId > b.creditId ? 1 : 0));
}

/** The constraints a buyer may set; each one that is given must hold for every window of the allocation. */
export interface OfferConstraints {
  /** Only windows of clusters in this grid zone. */
  zone?: string;
  /** Only windows whose cluster's carbon-free share is at least this (0 to 1); an undefined share never is. */
  minCarbonFreeShare?: number;
  /** Only windows starting at or before this time (unix seconds). */
  latestStart?: bigint;
  /** Only windows whose effective price per GPU-hour (price + buyer fee) is at most this. */
  maxPricePerGpuHour?: bigint;
}

export type ConstraintName = keyof OfferConstraints;

/** What to buy and what matters most. */
export interface OfferRequest {
  gpuHours: bigint;
  /**
   * "price": the least total cost. "carbon": the most carbon-free GPU-hours (Σ GPU-hours × share, undefined share
   * counting as 0), and among those the least total cost.
   */
  objective: "price" | "carbon";
  constraints?: OfferConstraints;
}

/** One window's part of an allocation. */
export interface AllocationPart {
  offer: Offer;
  gpuHours: bigint;
  effectivePricePerGpuHour: bigint;
  cost: bigint;
  reason: string;
}

export interface Allocation {
  kind: "allocation";
  request: OfferRequest;
  parts: AllocationPart[];
  totalCost: bigint;
  /** Σ GPU-hours × share in ppm (undefined share = 0): the "carbon" objective's measure. */
  carbonFreeGpuHoursPpm: bigint;
  /** The allocation's GPU-hour-weighted carbon-free share in ppm (undefined shares as 0). */
  carbonFreePpm: bigint;
}

export interface CannotFill {
  kind: "cannot-fill";
  request: OfferRequest;
  /** GPU-hours that windows meeting every constraint can supply together (capacity and bond included). */
  available: bigint;
  /**
   * What bound: each constraint that, lifted alone, would let the request be filled; or "capacity" when no single
   * constraint does (the open windows cannot supply that many GPU-hours even then).
   */
  bound: (ConstraintName | "capacity")[];
  reason: string;
}

export class OfferInputError extends Error {}

export const effectivePrice = (offer: Offer) => offer.pricePerGpuHour + offer.buyerFeePerGpuHour;
const shareOf = (offer: Offer) => offer.carbonFreePpm ?? 0n;

/** Why an offer fails a constraint, or undefined when it meets them all. */
export function violatedConstraint(offer: Offer, constraints: OfferConstraints = {}): ConstraintName | undefined {
  if (constraints.zone !== undefined && offer.zone !== constraints.zone) return "zone";
  if (constraints.minCarbonFreeShare !== undefined) {
    const min = BigInt(Math.ceil(constraints.minCarbonFreeShare * 1e6));
    if (offer.carbonFreePpm === undefined || offer.carbonFreePpm < min) return "minCarbonFreeShare";
  }
  if (constraints.latestStart !== undefined && offer.windowStart > constraints.latestStart) return "latestStart";
  if (constraints.maxPricePerGpuHour !== undefined && effectivePrice(offer) > constraints.maxPricePerGpuHour) {
    return "maxPricePerGpuHour";
  }
  return undefined;
}

function checkInput(offers: readonly Offer[], request: OfferRequest) {
  if (request.gpuHours <= 0n) throw new OfferInputError("bestOffer: gpuHours must be positive");
  const m = request.constraints?.minCarbonFreeShare;
  if (m !== undefined && !(m >= 0 && m <= 1)) throw new OfferInputError("bestOffer: minCarbonFreeShare is 0 to 1");
  const clusters = new Map<bigint, Offer>();
  const ids = new Set<bigint>();
  for (const offer of offers) {
    if (ids.has(offer.creditId)) throw new OfferInputError(`bestOffer: window ${offer.creditId} listed twice`);
    ids.add(offer.creditId);
    if (offer.pricePerGpuHour <= 0n || offer.buyerFeePerGpuHour < 0n || offer.remainingGpuHours < 0n) {
      throw new OfferInputError(`bestOffer: window ${offer.creditId} has a non-positive price or negative amounts`);
    }
    const first = clusters.get(offer.clusterId);
    if (!first) clusters.set(offer.clusterId, offer);
    // Share and bond are the cluster's: its windows must agree, or the allocation could not be optimal.
    else if (first.carbonFreePpm !== offer.carbonFreePpm || first.clusterBondFree !== offer.clusterBondFree) {
      throw new OfferInputError(`bestOffer: windows of cluster ${offer.clusterId} disagree on its share or bond`);
    }
  }
}

/**
 * The allocation of `offers` that is best for `request`, or why none exists. Pure: reads nothing but its arguments.
 *
 * Feasible: every window used meets every constraint; no window gives more than its remaining GPU-hours; the
 * prices of a cluster's GPU-hours taken together stay within its free bond (each sale locks its price from it);
 * the GPU-hours add up to the request.
 * Optimal: "price" minimises the total cost (Σ GPU-hours × effective price). "carbon" maximises the carbon-free
 * GPU-hours (Σ GPU-hours × share), then minimises the cost: no feasible allocation is greener at no higher cost, or
 * cheaper at no less green. Both take GPU-hours one window at a time in order of preference, a cluster's cheaper
 * windows first, which is optimal because shares and bonds are per cluster (a cluster's cheapest GPU-hours both
 * cost and lock the least). Ties go to the greener, then the earlier, then the lower credit id.
 */
export function bestOffer(offers: readonly Offer[], request: OfferRequest): Allocation | CannotFill {
  checkInput(offers, request);
  const constraints = request.constraints ?? {};
  const feasible = offers.filter((offer) => violatedConstraint(offer, constraints) === undefined);
  const { parts, filled } = allocate(feasible, request);
  if (filled < request.gpuHours) return cannotFill(offers, request, filled);

  const totalCost = parts.reduce((sum, part) => sum + part.cost, 0n);
  const carbonFreeGpuHoursPpm = parts.reduce((sum, part) => sum + part.gpuHours * shareOf(part.offer), 0n);
  return {
    kind: "allocation",
    request,
    parts,
    totalCost,
    carbonFreeGpuHoursPpm,
    carbonFreePpm: carbonFreeGpuHoursPpm / request.gpuHours,
  };
}

/** Orders windows by the objective: for "carbon" the greener cluster first; then the cheaper, earlier, lower id. */
function preference(objective: OfferRequest["objective"]) {
  return (a: Offer, b: Offer): number => {
    const key = (x: Offer) =>
      objective === "carbon"
        ? [-shareOf(x), effectivePrice(x), x.windowStart, x.creditId]
        : [effectivePrice(x), -shareOf(x), x.windowStart, x.creditId];
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  };
}

function allocate(feasible: readonly Offer[], request: OfferRequest) {
  const ordered = [...feasible].sort(preference(request.objective));
  const bondLeft = new Map<bigint, bigint>();
  const parts: AllocationPart[] = [];
  let filled = 0n;
  for (const [rank, offer] of ordered.entries()) {
    if (filled === request.gpuHours) break;
    const bond = bondLeft.get(offer.clusterId) ?? offer.clusterBondFree;
    const byBond = bond / offer.pricePerGpuHour;
    const available = [offer.remainingGpuHours, byBond, request.gpuHours - filled].reduce((a, b) => (a < b ? a : b));
    if (available <= 0n) continue;
    bondLeft.set(offer.clusterId, bond - available * offer.pricePerGpuHour);
    filled += available;
    const price = effectivePrice(offer);
    const share =
      offer.carbonFreePpm === undefined ? "no delivery yet" : `${Number(offer.carbonFreePpm) / 1e4}% carbon-free`;
    const why =
      request.objective === "carbon"
        ? `greenest remaining choice (${share}), at ${price} per GPU-hour`
        : `cheapest remaining choice at ${price} per GPU-hour (${share})`;
    const limit =
      available === request.gpuHours - (filled - available)
        ? "fills the rest of the request"
        : available === offer.remainingGpuHours
          ? "all it has left; the rest goes to the next choice"
          : "as much as the cluster's free bond covers; the rest goes to the next choice";
    parts.push({
      offer,
      gpuHours: available,
      effectivePricePerGpuHour: price,
      cost: available * price,
      reason: `#${rank + 1}: ${why}; takes ${available} GPU-hours, ${limit}`,
    });
  }
  return { parts, filled };
}

function cannotFill(offers: readonly Offer[], request: OfferRequest, available: bigint): CannotFill {
  const constraints = request.constraints ?? {};
  const given = (Object.keys(constraints) as ConstraintName[]).filter((name) => constraints[name] !== undefined);
  const bound = given.filter((name) => {
    const lifted: OfferConstraints = { ...constraints, [name]: undefined };
    const feasible = offers.filter((offer) => violatedConstraint(offer, lifted) === undefined);
    return allocate(feasible, request).filled === request.gpuHours;
  });
  const named = bound.length > 0 ? bound : (["capacity"] as const);
  return {
    kind: "cannot-fill",
    request,
    available,
    bound: [...named],
    reason:
      bound.length > 0
        ? `only ${available} of ${request.gpuHours} GPU-hours meet every constraint; lifting ${bound.join(" or ")} would fill it`
        : `only ${available} of ${request.gpuHours} GPU-hours meet every constraint, and no single constraint lifted would fill it: the open windows lack capacity`,
  };
}
