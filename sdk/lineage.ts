/**
 * Joulestack compute lineage: rebuilds a delivery lot's full lineage (the kWh batches burned for it with their
 * device, hour, grid zone and source, the RECs retired for it, and the revenue its window produced) from events
 * alone, so that indexers and integrators need no contract views. Every figure the market reports about its energy
 * is cross-checked against the energy layer's own events; a mismatch throws.
 */
import { Interface, toBeHex, zeroPadValue, type Log, type Provider } from "ethers";

import { ENUM_MEMBERS } from "./enums.js";

/** The contracts a lineage is read from. */
export interface LineageAddresses {
  market: string;
  energy: string;
  certificates: string;
  registry: string;
}

/** A kWh batch burned for a lot (hourly matching). */
export interface KwhSource {
  batchId: bigint;
  deviceId: bigint;
  hourStart: bigint;
  gridZone: string;
  source: string;
  wh: bigint;
  transactionHash: string;
}

/** RECs retired for a lot. */
export interface RecSource {
  certificateId: bigint;
  deviceId: bigint;
  vintage: bigint;
  gridZone: string;
  source: string;
  receiptId: bigint;
  recs: bigint;
  wh: bigint;
  beneficiary: string;
  transactionHash: string;
}

/** The revenue a lot's window produced. */
export interface LotRevenue {
  sales: { buyer: string; receiver: string; gpuHours: bigint; cost: bigint }[];
  /** The sales proceeds accrued to the cluster's payout address as compute revenue, sale by sale. */
  payouts: { payout: string; amount: bigint; viaIntake: boolean }[];
  /** What buyers paid, all of it owed to the payout as compute revenue (pushed or claimed separately). */
  gross: bigint;
  /** What the provider's bond paid back to redeemers for undelivered GPU-hours. */
  refunds: bigint;
  /** gross - refunds. */
  net: bigint;
}

/** Everything behind a delivery lot. */
export interface Lineage {
  creditId: bigint;
  clusterId: bigint;
  window: { start: bigint; end: bigint; capacity: bigint; pricePerGpuHour: bigint };
  lot: {
    gpuHoursDelivered: bigint;
    gpuHoursRedeemed: bigint;
    whUsed: bigint;
    whHourlyMatched: bigint;
    whRecMatched: bigint;
    carbonFreeBps: bigint;
  };
  kwh: KwhSource[];
  recs: RecSource[];
  revenue: LotRevenue;
}

/** Device kinds as lineage names them: the Solidity enum's members in kebab case ("flexible-load"). */
const SOURCES = ENUM_MEMBERS["enum IDeviceRegistry.DeviceKind"].map((kind) =>
  kind.replace(/(?<=[a-z])(?=[A-Z])/g, "-").toLowerCase(),
);

const MARKET = new Interface([
  "event WindowOffered(uint256 indexed creditId, uint256 indexed clusterId, uint64 start, uint64 end, uint64 capacity, uint128 pricePerGpuHour)",
  "event CreditsSold(uint256 indexed creditId, address indexed buyer, address indexed receiver, uint64 gpuHours, uint256 cost)",
  "event ComputeRevenueAccrued(uint256 indexed creditId, uint256 indexed clusterId, address indexed payout, uint256 amount, bool viaIntake)",
  "event KwhAttributed(uint256 indexed creditId, uint256 indexed kwhBatchId, uint256 indexed deviceId, uint256 hourStart, bytes32 gridZone, uint8 kind, uint256 wh)",
  "event RecsAttributed(uint256 indexed creditId, uint256 indexed recId, uint256 indexed receiptId, uint256 recs, uint256 wh)",
  "event DeliveryRecorded(uint256 indexed creditId, uint256 indexed clusterId, uint64 gpuHoursDelivered, uint64 gpuHoursRedeemed, uint256 whUsed, uint256 whHourlyMatched, uint256 whRecMatched, uint16 carbonFreeBps)",
  "event RefundPaid(uint256 indexed creditId, address indexed holder, uint256 amount)",
]);
const ENERGY = new Interface([
  "event EnergyConsumed(address indexed holder, address indexed operator, uint256 indexed batchId, uint256 amountWh, bytes32 reference)",
]);
const REGISTRY = new Interface([
  "event DeviceRegistered(uint256 indexed deviceId, address indexed owner, address indexed signer, uint8 kind, uint96 capacityW, bytes32 gridZone, uint64 commissionedAt, string metadataURI)",
]);
const CERTIFICATES = new Interface([
  "event CertificatesRetired(uint256 indexed receiptId, uint256 indexed certificateId, address indexed beneficiary, address holder, address operator, uint256 amount, string beneficiaryName, string purpose)",
]);

const TIME_BITS = 64n;
const TIME_MASK = (1n << TIME_BITS) - 1n;
const topicOf = (value: bigint | string) =>
  typeof value === "bigint" ? zeroPadValue(toBeHex(value), 32) : zeroPadValue(value, 32);
const zoneToString = (zone: string) =>
  Buffer.from(zone.replace(/^0x/, ""), "hex").toString("ascii").replace(/\0+$/, "");

/**
 * Reads the lineage of the delivery lot of `creditId` (a window's credit id) from the events of the market, the kWh
 * token, the REC token and the device registry, from block `fromBlock` on. Throws if the lot was not recorded or if
 * the market's figures disagree with what the energy layer burned and retired.
 */
export async function readLineage(
  provider: Provider,
  addresses: LineageAddresses,
  creditId: bigint,
  fromBlock = 0,
): Promise<Lineage> {
  const logs = async (iface: Interface, address: string, event: string, topics: (string | null)[]) =>
    (await provider.getLogs({ address, fromBlock, topics: [iface.getEvent(event)!.topicHash, ...topics] })).map(
      (log: Log) => ({ log, args: iface.parseLog(log)!.args }),
    );
  const byCredit = (event: string) => logs(MARKET, addresses.market, event, [topicOf(creditId)]);

  const [offered] = await byCredit("WindowOffered");
  const [delivered] = await byCredit("DeliveryRecorded");
  if (offered === undefined) throw new Error(`no window has credit id ${creditId}`);
  if (delivered === undefined) throw new Error(`the delivery of window ${creditId} was not recorded`);
  const lot = delivered.args;

  const devices = new Map<bigint, { gridZone: string; source: string }>();
  const deviceOf = async (deviceId: bigint) => {
    if (!devices.has(deviceId)) {
      const [registered] = await logs(REGISTRY, addresses.registry, "DeviceRegistered", [topicOf(deviceId)]);
      if (registered === undefined) throw new Error(`device ${deviceId} was never registered`);
      devices.set(deviceId, {
        gridZone: zoneToString(registered.args.gridZone),
        source: SOURCES[Number(registered.args.kind)],
      });
    }
    return devices.get(deviceId)!;
  };

  // The kWh the market burned for this lot, as the kWh token recorded them.
  const reference = topicOf(creditId);
  const consumed = (await logs(ENERGY, addresses.energy, "EnergyConsumed", [null, topicOf(addresses.market)])).filter(
    ({ args }) => args.reference === reference,
  );
  const kwh: KwhSource[] = [];
  for (const { log, args } of consumed) {
    const deviceId = args.batchId >> TIME_BITS;
    kwh.push({
      batchId: args.batchId,
      deviceId,
      hourStart: (args.batchId & TIME_MASK) * 3600n,
      ...(await deviceOf(deviceId)),
      wh: args.amountWh,
      transactionHash: log.transactionHash,
    });
  }
  const attributed = await byCredit("KwhAttributed");
  const sum = (values: bigint[]) => values.reduce((total, value) => total + value, 0n);
  if (
    sum(kwh.map((batch) => batch.wh)) !== lot.whHourlyMatched ||
    sum(attributed.map(({ args }) => args.wh)) !== lot.whHourlyMatched
  ) {
    throw new Error(`window ${creditId}: the kWh burned do not add up to the Wh matched hourly`);
  }

  // The RECs retired for this lot, as the REC token's receipts recorded them.
  const recs: RecSource[] = [];
  for (const { log, args } of await byCredit("RecsAttributed")) {
    const [retired] = await logs(CERTIFICATES, addresses.certificates, "CertificatesRetired", [
      topicOf(args.receiptId),
    ]);
    if (retired === undefined || retired.args.amount !== args.recs || retired.args.certificateId !== args.recId) {
      throw new Error(`window ${creditId}: receipt ${args.receiptId} does not match the RECs attributed`);
    }
    const deviceId = args.recId >> TIME_BITS;
    recs.push({
      certificateId: args.recId,
      deviceId,
      vintage: args.recId & TIME_MASK,
      ...(await deviceOf(deviceId)),
      receiptId: args.receiptId,
      recs: args.recs,
      wh: args.wh,
      beneficiary: retired.args.beneficiary,
      transactionHash: log.transactionHash,
    });
  }
  if (sum(recs.map((rec) => rec.wh)) !== lot.whRecMatched) {
    throw new Error(`window ${creditId}: the RECs retired do not add up to the Wh matched by RECs`);
  }

  const sales = (await byCredit("CreditsSold")).map(({ args }) => ({
    buyer: args.buyer as string,
    receiver: args.receiver as string,
    gpuHours: args.gpuHours as bigint,
    cost: args.cost as bigint,
  }));
  const payouts = (await byCredit("ComputeRevenueAccrued")).map(({ args }) => ({
    payout: args.payout as string,
    amount: args.amount as bigint,
    viaIntake: args.viaIntake as boolean,
  }));
  const gross = sum(sales.map((sale) => sale.cost));
  const refunds = sum((await byCredit("RefundPaid")).map(({ args }) => args.amount as bigint));

  return {
    creditId,
    clusterId: offered.args.clusterId,
    window: {
      start: offered.args.start,
      end: offered.args.end,
      capacity: offered.args.capacity,
      pricePerGpuHour: offered.args.pricePerGpuHour,
    },
    lot: {
      gpuHoursDelivered: lot.gpuHoursDelivered,
      gpuHoursRedeemed: lot.gpuHoursRedeemed,
      whUsed: lot.whUsed,
      whHourlyMatched: lot.whHourlyMatched,
      whRecMatched: lot.whRecMatched,
      carbonFreeBps: lot.carbonFreeBps,
    },
    kwh,
    recs,
    revenue: { sales, payouts, gross, refunds, net: gross - refunds },
  };
}
