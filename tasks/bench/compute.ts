import { Wallet, encodeBytes32String, id } from "ethers";

import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
} from "../../typechain-types/index.js";
import { meteredEnergyDomain, signReading } from "../../sdk/energy.js";
import { signPurchaseAuthorization } from "../../sdk/authorization.js";
import { signPermit } from "../../sdk/permit.js";
import { floorOfMeasured, measure } from "./energy.js";
import { BENCH_EPOCH, type Bench, gasOf } from "./types.js";

const HOUR = 3600n;

/**
 * The compute market: buying credits (approve-then-buy, permit, and a relayed EIP-3009 authorization of a buyer who
 * holds only the stablecoin), redeeming them for a job, and recording a
 * three-hour window's delivery that burns three same-hour solar kWh batches and retires one REC.
 */
export const computeBench: Bench = async ({ ethers, networkHelpers, baselines }) => {
  const [deployer, provider, alice, bob, relayer] = await ethers.getSigners();
  const usd = await new TestStablecoin__factory(deployer).deploy(deployer.address);
  const registry = await new DeviceRegistry__factory(deployer).deploy(deployer.address);
  const energy = await new MeteredEnergy__factory(deployer).deploy(await registry.getAddress(), deployer.address);
  const recs = await new RenewableCertificates__factory(deployer).deploy(await energy.getAddress(), deployer.address);
  const market = await new ComputeMarket__factory(deployer).deploy(
    await usd.getAddress(),
    await energy.getAddress(),
    await recs.getAddress(),
  );
  await registry.grantRole(await registry.REGISTRAR_ROLE(), deployer.address);
  await recs.grantRole(await recs.ISSUER_ROLE(), deployer.address);
  const marketAddress = await market.getAddress();

  const zone = encodeBytes32String("ERCOT-NORTH");
  const meterKey = new Wallet(id("joulestack bench solar meter"));
  await registry.registerDevice({
    signer: meterKey.address,
    owner: provider.address,
    kind: 0,
    capacityW: 5_000_000n,
    gridZone: zone,
    commissionedAt: 1_700_000_000n,
    metadataURI: "ipfs://device",
  });
  await market.connect(provider).registerCluster({
    gpuClass: "H100-SXM",
    gpuCount: 1024,
    gridZone: zone,
    minWhPerGpuHour: 500,
    maxWhPerGpuHour: 1000,
    operator: provider.address,
    payout: provider.address,
    payoutIsIntake: false,
  });
  await usd.mint(provider.address, 1_000_000_000_000n);
  await usd.connect(provider).approve(marketAddress, 1_000_000_000_000n);
  await market.connect(provider).postBond(1n, 1_000_000_000_000n);
  for (const approver of [energy, recs]) await approver.connect(provider).setApprovalForAll(marketAddress, true);
  await energy.connect(provider).setApprovalForAll(await recs.getAddress(), true);

  // A fixed clock keeps the ids, signatures and so the calldata (and its gas) identical on every run.
  await networkHelpers.time.increaseTo(BENCH_EPOCH);
  const start = BENCH_EPOCH + 2n * HOUR;
  await market.connect(provider).offerWindow(1n, start, 3n, 2_000_000n);
  const creditId = await market.creditId(1n, start);
  for (const buyer of [alice, bob]) await usd.mint(buyer.address, 10_000_000_000n);

  await usd.connect(alice).approve(marketAddress, 10_000_000_000n);
  await market.connect(alice).buy(creditId, 1n, alice.address); // warm: the buyer already holds credits of the window
  const buyMeasured = await measure(market.connect(alice).buy(creditId, 1500n, alice.address));
  const buy = buyMeasured.gas;

  const deadline = start;
  const value = 500n * 2_000_000n;
  const signature = await signPermit(bob, await usd.getAddress(), marketAddress, value, deadline);
  const permitBuy = await gasOf(
    market.connect(bob).buyWithPermit(creditId, 500n, bob.address, deadline, signature.v, signature.r, signature.s),
  );

  // A new holder with no ETH signs; a relayer submits. A fixed key and salt keep the signature (and calldata) fixed.
  const agent = new Wallet(id("joulestack bench agent"), ethers.provider);
  await usd.mint(agent.address, 10_000_000_000n);
  const purchase = await signPurchaseAuthorization(agent, {
    market: marketAddress,
    creditId,
    gpuHours: 500n,
    validBefore: start,
    salt: id("joulestack bench purchase"),
  });
  const authorizationBuy = await gasOf(market.connect(relayer).buyWithAuthorization(...purchase.args));

  await networkHelpers.time.increaseTo(start);
  const redeem = await gasOf(market.connect(alice).redeem(alice.address, creditId, 1500n, id("job")));

  // Meter the hour before the window (for one REC) and the window's three hours (for hourly matching).
  await networkHelpers.time.increaseTo(start + 3n * HOUR);
  const domain = await meteredEnergyDomain(await energy.getAddress(), ethers.provider);
  const readings = [];
  let cumulativeWh = 0n;
  for (const [offset, delta] of [
    [-HOUR, 0n],
    [0n, 1_000_000n],
    [HOUR, 200_000n],
    [2n * HOUR, 150_000n],
    [3n * HOUR, 100_000n],
  ] as const) {
    cumulativeWh += delta;
    readings.push({ deviceId: 1n, cumulativeWh, timestamp: start + offset });
  }
  const signatures = await Promise.all(readings.map((reading) => signReading(meterKey, domain, reading)));
  // The owner starts metering with the first reading; the rest are relayed.
  await energy.connect(provider).resumeMetering(readings[0], signatures[0]);
  await energy.submitReadings(readings.slice(1), signatures.slice(1));
  const recBatch = await energy.batchId(1n, start / HOUR - 1n);
  await recs.connect(provider).requestIssuance([recBatch], [1_000_000n]);
  await recs.certify(1n, [recBatch], [1_000_000n], "ipfs://evidence");
  const recId = (await recs.getRequest(1n)).certificateId;
  const batches = [0n, 1n, 2n].map((offset) => (1n << 64n) | (start / HOUR + offset));
  const recordMeasured = await measure(
    market.connect(provider).recordDelivery(creditId, {
      gpuHoursDelivered: 1450n,
      whUsed: 1_450_000n, // at the cluster's most per GPU-hour: 450 kWh matched hourly, 1 MWh by the REC
      kwhBatchIds: batches,
      kwhAmountsWh: [200_000n, 150_000n, 100_000n],
      recIds: [recId],
      recAmounts: [1n],
    }),
  );
  const recordDelivery = recordMeasured.gas;
  const claimRefund = await gasOf(market.claimRefund(creditId, alice.address));

  // A warm purchase: the window's sold count, the cluster's free bond, the payee's proceeds and the buyer's credits
  // change; the stablecoin moves the price (the buyer's allowance and balance, the market's balance change); the
  // window's start and price word and the cluster's payout word are read; the stablecoin is called.
  const buyFloor = floorOfMeasured(buyMeasured, { coldCalls: 1, changedSlots: 7, coldReads: 2 });
  // A delivery: the window settles (two words) and releases bond to the cluster; three kWh balances and one REC
  // balance change, the REC id's retired total changes, the receipt counter is first used and the receipt's hash
  // is new; the window, cluster (four words), device source (two words), REC revocation and pause words are read;
  // the kWh token, the REC token and the registry are called.
  const recordFloor = floorOfMeasured(recordMeasured, {
    coldCalls: 3,
    newSlots: 2,
    changedSlots: 8,
    coldReads: 10,
  });

  const erc1155Transfer = { name: "ERC-1155 transfer", gas: baselines.get("ERC-1155 transfer")! };
  return [
    {
      group: "compute",
      operation: "buy (approve-then-buy, warm)",
      gas: buy,
      baseline: erc1155Transfer,
      floor: buyFloor,
    },
    { group: "compute", operation: "buyWithPermit (new holder)", gas: permitBuy },
    { group: "compute", operation: "buyWithAuthorization (new holder, relayed)", gas: authorizationBuy },
    { group: "compute", operation: "redeem", gas: redeem },
    {
      group: "compute",
      operation: "recordDelivery (3 kWh batches + 1 REC)",
      gas: recordDelivery,
      floor: recordFloor,
      target: 250_000n,
    },
    { group: "compute", operation: "claimRefund", gas: claimRefund },
  ];
};
