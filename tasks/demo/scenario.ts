import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { EthereumProvider } from "hardhat/types/providers";

import { type BaseWallet, Wallet, id } from "ethers";

import { loadAndExecuteDeploymentsFromFiles } from "../../rocketh/environment.js";
import {
  DeviceKind,
  WH_PER_CERTIFICATE,
  batchId,
  gridZone,
  meteredEnergyDomain,
  signReading,
  vintageOfHour,
  type MeterReading,
} from "../../sdk/energy.js";
import { readLineage } from "../../sdk/lineage.js";
import { signPermit } from "../../sdk/permit.js";
import { formatAmount, formatEnergy } from "../../sdk/units.js";
import { readVaultPeriod } from "../../sdk/vault.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  InvestorRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
  TrancheNote__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";
import { formatCoverage } from "../operator/parse.js";
import { buildFlow } from "./flow.js";
import { Battery, cloudiness, localDayOf, localHourOf, solarHour, utcOffsetOf } from "./generation.js";
import type { DemoReport, LotLineage, PeriodFigures, PeriodReport } from "./model.js";
import { reconcile, waterfallSteps } from "./reconcile.js";
import { GasMeter, progress, seededRandom } from "./runtime.js";

export interface DemoOptions {
  readonly periods: number;
  readonly devices: number;
  readonly agents: number;
  readonly seed: number;
  /** Save the deployment records under `<folder>/<environment>/` (as `hardhat deploy` does), e.g. for an indexer. */
  readonly saveDeployments?: { readonly folder: string; readonly environment: string };
}

const HOUR = 3_600n;
const DAY = 24n * HOUR;

/**
 * A permit deadline at the end of the next UTC day. The chain clock drifts with the machine's load between runs, so a
 * deadline taken from it to the second would change the signature, and with it the calldata gas, of the same seed.
 */
const permitDeadline = (now: bigint) => (now / DAY + 2n) * DAY;
const USD = (dollars: number | bigint) => BigInt(Math.round(Number(dollars) * 100)) * 10_000n;
const ZONE_CODE = "ERCOT-NORTH";
const ZONE = gridZone(ZONE_CODE);
/** The site's clock: the sun peaks near local noon, the battery discharges into the local evening. */
const UTC_OFFSET_HOURS = utcOffsetOf(ZONE_CODE);
const SOLAR_CAPACITY_W = 2_000_000n;
const BATTERY_CAPACITY_W = 1_000_000n;
const BATTERY_HOURS = 3; // a 3 MWh battery: discharges 18:00 to 21:00 local
const BATTERY_EFFICIENCY_PERCENT = 90n; // round trip
const GPU_COUNT = 32;
const WH_PER_GPU_HOUR = 1_000n; // an H100-SXM at ~700 W plus cooling and networking
const MIN_WH_PER_GPU_HOUR = 600n; // the least a delivered GPU-hour draws (a light job, cooling and networking)
const GPU_PRICE = USD(2.4); // per GPU-hour
const WINDOW_DAYS = 26n; // each period's compute window; the rest of the period records delivery
const ENERGY_PRICE_PER_MWH = USD(55); // the offtaker's PPA price, solar and the battery's evening energy
const REC_PRICE = USD(6);
const RECS_PER_PERIOD = 40n;
const RECS_SOLD_PER_PERIOD = 25n;
const FLEX_PRICE_PER_WH = USD(2) / 1_000n; // $2/kWh, a grid-stress price
const FLEX_COMMIT_W = 950_000n;
const SOURCES = ["Compute", "Energy", "Flexibility", "Other"] as const;
enum Source {
  Compute,
  Energy,
  Flexibility,
  Other,
}

interface Device {
  readonly id: bigint;
  readonly name: string;
  readonly kind: DeviceKind;
  readonly capacityW: bigint;
  readonly meter: BaseWallet;
  cumulativeWh: bigint;
  /** kWh the project still holds, per batch id. */
  readonly held: Map<bigint, bigint>;
  mintedWh: bigint;
}

/**
 * The whole Joulestack lifecycle on the in-process chain: a solar farm and a battery are metered, a GPU cluster is
 * financed by a three-tranche vault, agents buy and redeem GPU-hours, energy and flexibility are sold, and several
 * periods of revenue are distributed, one of them short.
 */
export async function runScenario(
  provider: EthereumProvider,
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
  options: DemoOptions,
): Promise<DemoReport> {
  // Deploy, set up, one step per period, the report.
  const step = progress(3 + options.periods);
  const random = seededRandom(options.seed);
  const gas = new GasMeter();
  const wallet = (label: string) => new Wallet(id(`joulestack-demo:${options.seed}:${label}`), ethers.provider);
  const lastCounter = new Map<bigint, bigint>(); // device id -> last counter relayed
  let readingsRelayed = 0;

  step("Deploying the suite with the project's deploy scripts");
  const save = options.saveDeployments;
  const env = await loadAndExecuteDeploymentsFromFiles(
    save
      ? { provider, environment: save.environment, saveDeployments: true, config: { deployments: save.folder } }
      : { provider },
  );
  const [spv, registrar, issuer, gridOperator, offtaker, corporate, seniorA, seniorB, mezzanine, sponsor] =
    await ethers.getSigners();
  const at = (name: string) => env.get(name).address;
  const stablecoin = TestStablecoin__factory.connect(at("TestStablecoin"), spv);
  const registry = DeviceRegistry__factory.connect(at("DeviceRegistry"), spv);
  const energy = MeteredEnergy__factory.connect(at("MeteredEnergy"), spv);
  const recs = RenewableCertificates__factory.connect(at("RenewableCertificates"), spv);
  const flex = FlexibilityMarket__factory.connect(at("FlexibilityMarket"), spv);
  const compute = ComputeMarket__factory.connect(at("ComputeMarket"), spv);
  const investors = InvestorRegistry__factory.connect(at("InvestorRegistry"), spv);
  const vault = TrancheVault__factory.connect(at("TrancheVault"), spv);
  const vaultAddress = await vault.getAddress();
  const energyDomain = await meteredEnergyDomain(await energy.getAddress(), spv);
  const decimals = Number(await stablecoin.decimals());
  const symbol = await stablecoin.symbol();
  const usd = (value: bigint) => formatAmount(value, decimals, 2); // to the cent, for people

  step("Handing out roles, registering devices and the GPU cluster, funding the vault");
  await gas.track("grant role", registry.grantRole(await registry.REGISTRAR_ROLE(), registrar.address));
  await gas.track("grant role", recs.grantRole(await recs.ISSUER_ROLE(), issuer.address));
  await gas.track("grant role", flex.grantRole(await flex.BUYER_ROLE(), gridOperator.address));

  // To the hour: the chain clock drifts with the machine's load, and the same seed must send the same calldata.
  const now = (BigInt(await networkHelpers.time.latest()) / HOUR) * HOUR;
  const devices: Device[] = [];
  const deviceSpecs = [
    { name: "Sunrise battery", kind: DeviceKind.Battery, capacityW: BATTERY_CAPACITY_W },
    ...Array.from({ length: options.devices - 1 }, (_, index) => ({
      name: `Sunrise solar ${index + 1}`,
      kind: DeviceKind.Solar,
      capacityW: SOLAR_CAPACITY_W,
    })),
  ];
  for (const spec of deviceSpecs) {
    const meter = wallet(`meter:${spec.name}`);
    await gas.track(
      "register device",
      registry.connect(registrar).registerDevice({
        signer: meter.address,
        owner: spv.address,
        kind: spec.kind,
        capacityW: spec.capacityW,
        gridZone: ZONE,
        commissionedAt: now - 365n * DAY,
        metadataURI: `ipfs://joulestack-demo/${spec.name.replaceAll(" ", "-").toLowerCase()}`,
      }),
    );
    devices.push({ ...spec, id: await registry.deviceCount(), meter, cumulativeWh: 0n, held: new Map(), mintedWh: 0n });
  }
  const battery = devices[0];
  const farms = devices.slice(1);
  // The battery charges from the first farm behind its export meter, so its energy is metered once, as discharge.
  const storage = new Battery(BATTERY_CAPACITY_W, BATTERY_HOURS, BATTERY_EFFICIENCY_PERCENT);
  const profile = {
    solar: Array.from({ length: 24 }, () => 0n),
    charge: Array.from({ length: 24 }, () => 0n),
    discharge: Array.from({ length: 24 }, () => 0n),
  };
  let meteredDays = 0;

  const scheduler = wallet("scheduler");
  await networkHelpers.setBalance(scheduler.address, 10n ** 19n);
  await gas.track(
    "register cluster",
    compute.registerCluster({
      gpuClass: "H100-SXM",
      gpuCount: GPU_COUNT,
      gridZone: ZONE,
      minWhPerGpuHour: MIN_WH_PER_GPU_HOUR,
      maxWhPerGpuHour: WH_PER_GPU_HOUR,
      operator: scheduler.address,
      payout: vaultAddress,
      payoutIsIntake: true,
    }),
  );
  const clusterId = await compute.clusterCount();

  // Investors: two senior lenders, a mezzanine fund and the sponsor's equity; all allow-listed first.
  const holders = [
    { signer: seniorA, name: "Pension fund", tranche: 0, amount: USD(400_000) },
    { signer: seniorB, name: "Insurer", tranche: 0, amount: USD(200_000) },
    { signer: mezzanine, name: "Credit fund", tranche: 1, amount: USD(300_000) },
    { signer: sponsor, name: "Sponsor", tranche: 2, amount: USD(100_000) },
  ];
  await gas.track(
    "list investors",
    investors.listInvestors(
      holders.map((holder) => holder.signer.address),
      now + 3n * 365n * DAY,
      840, // ISO 3166 numeric: United States
    ),
  );
  for (const holder of holders) {
    await gas.track("mint test dollars", stablecoin.mint(holder.signer.address, holder.amount));
  }
  for (const [index, holder] of holders.entries()) {
    const asInvestor = vault.connect(holder.signer);
    if (index % 2 === 1) {
      // Every other investor subscribes in one transaction with an EIP-2612 permit.
      const deadline = permitDeadline(BigInt(await networkHelpers.time.latest()));
      const signature = await signPermit(
        holder.signer,
        await stablecoin.getAddress(),
        vaultAddress,
        holder.amount,
        deadline,
      );
      await gas.track(
        "subscribe (permit)",
        asInvestor.subscribeWithPermit(holder.tranche, holder.amount, deadline, signature.v, signature.r, signature.s),
      );
    } else {
      await gas.track("approve", stablecoin.connect(holder.signer).approve(vaultAddress, holder.amount));
      await gas.track("subscribe", asInvestor.subscribe(holder.tranche, holder.amount));
    }
  }
  // Close funding on the hour, so that periods, compute windows and meter hours line up.
  const fundingClose = (BigInt(await networkHelpers.time.latest()) / HOUR + 1n) * HOUR;
  await networkHelpers.time.setNextBlockTimestamp(fundingClose);
  await gas.track("close funding", vault.closeFunding());
  await gas.track("draw down", vault.drawdown());
  const start = await vault.startTime();
  const periodLength = (await vault.periodEnd(1n)) - start;

  // The owner starts metering: each meter's first reading sets its device's baseline (a reading at the hour, so
  // that every later hourly reading closes exactly one clock hour).
  for (const device of devices) {
    const reading: MeterReading = { deviceId: device.id, cumulativeWh: device.cumulativeWh, timestamp: start };
    await gas.track(
      "start metering",
      energy.resumeMetering(reading, await signReading(device.meter, energyDomain, reading)),
    );
    lastCounter.set(device.id, reading.cumulativeWh);
    readingsRelayed++;
  }
  // The project lets the markets take its kWh and RECs when it proves energy, and pays revenue into the vault.
  await gas.track("approve operator", energy.setApprovalForAll(await recs.getAddress(), true));
  await gas.track("approve operator", energy.setApprovalForAll(await compute.getAddress(), true));
  await gas.track("approve operator", recs.setApprovalForAll(await compute.getAddress(), true));
  await gas.track("approve", stablecoin.approve(vaultAddress, 2n ** 255n));
  await gas.track("approve", stablecoin.approve(await compute.getAddress(), 2n ** 255n));

  const agents = Array.from({ length: options.agents }, (_, index) => wallet(`agent:${index + 1}`));
  for (const agent of agents) await networkHelpers.setBalance(agent.address, 10n ** 19n);
  await gas.track("mint test dollars", stablecoin.mint(offtaker.address, USD(500_000)));
  await gas.track("mint test dollars", stablecoin.mint(corporate.address, USD(10_000)));
  await gas.track("mint test dollars", stablecoin.mint(gridOperator.address, USD(50_000)));

  // --- the periods ---
  const shortfallPeriod = options.periods >= 3 ? 3 : options.periods;
  const flexPeriod = shortfallPeriod === 2 ? 1 : 2;
  let deferredEnergyPayment = 0n; // the offtaker pays the shortfall period's energy one period late
  const recIds = new Set<bigint>();
  const soldBatchIds: bigint[] = [];
  const periods: PeriodReport[] = [];
  const soldWh = new Map<string, bigint>(); // device name -> Wh sold to the offtaker
  const hourlyMatchedByDevice = new Map<string, bigint>();
  let recsRetiredForCompute = 0n;
  let recsCertified = 0n;
  let recsSold = 0n;
  let flexDeliveredWh = 0n;
  let flexSoldWh = 0n; // the battery's kWh of the flexibility window, sold to the grid operator with the service
  let firstLotCreditId: bigint | undefined;

  for (let period = 1; period <= options.periods; period++) {
    const short = period === shortfallPeriod;
    step(
      `Period ${period}: metering ${periodLength / DAY} days, selling GPU-hours and energy${short ? " (a cloudy month, a GPU outage and a late PPA payment)" : ""}`,
    );
    const periodStart = start + BigInt(period - 1) * periodLength;
    const days = Number(periodLength / DAY);
    const skies = farms.map(() => cloudiness(random, days, short ? 0.2 : 0.6, short ? 0.4 : 1));
    // What the demo pays into the vault, by source: checked against what the vault booked to the period.
    const paidIn = new Map<Source, bigint>();
    const book = (source: Source, amount: bigint) => paidIn.set(source, (paidIn.get(source) ?? 0n) + amount);

    // Day 0: the cluster offers a window and the agents buy GPU-hours before it starts.
    const windowStart = periodStart + HOUR;
    const windowHours = WINDOW_DAYS * 24n;
    const windowEnd = windowStart + windowHours * HOUR;
    await gas.track("offer GPU window", compute.offerWindow(clusterId, windowStart, windowHours, GPU_PRICE));
    const creditId = await compute.creditId(clusterId, windowStart);
    firstLotCreditId ??= creditId;
    const capacity = BigInt(GPU_COUNT) * windowHours;
    const demandShare = short ? 0.1 : 0.75 + 0.2 * random();
    const purchases = splitRandomly(random, (capacity * BigInt(Math.round(demandShare * 1000))) / 1000n, agents.length);
    await gas.track("post bond", compute.postBond(clusterId, purchases.reduce((a, b) => a + b, 0n) * GPU_PRICE));
    for (const [index, agent] of agents.entries()) {
      const gpuHours = purchases[index];
      if (gpuHours === 0n) continue;
      const cost = gpuHours * GPU_PRICE;
      await gas.track("mint test dollars", stablecoin.mint(agent.address, cost));
      if (index % 2 === 0) {
        const deadline = permitDeadline(BigInt(await networkHelpers.time.latest()));
        const signature = await signPermit(
          agent,
          await stablecoin.getAddress(),
          await compute.getAddress(),
          cost,
          deadline,
        );
        await gas.track(
          "buy GPU-hours (permit)",
          compute
            .connect(agent)
            .buyWithPermit(creditId, gpuHours, agent.address, deadline, signature.v, signature.r, signature.s),
        );
      } else {
        await gas.track("approve", stablecoin.connect(agent).approve(await compute.getAddress(), cost));
        await gas.track("buy GPU-hours", compute.connect(agent).buy(creditId, gpuHours, agent.address));
      }
      book(Source.Compute, cost);
    }
    // The sales accrue to the vault in the market; anyone pushes them in as compute revenue.
    const [, accrued] = await compute.proceedsOf(vaultAddress);
    if (accrued > 0n) await gas.track("push compute revenue", compute.pushProceeds(vaultAddress));
    // The agents redeem most of their credits for jobs at once: a job must fit the whole hours left in the window,
    // so credits held back until the end would only expire. The last agent lets its credits expire.
    for (const [index, agent] of agents.entries()) {
      const held = await compute.balanceOf(agent.address, creditId);
      const share = index === agents.length - 1 ? 0n : (held * BigInt(80 + Math.floor(random() * 20))) / 100n;
      if (share === 0n) continue;
      await gas.track(
        "redeem GPU-hours",
        compute.connect(agent).redeem(agent.address, creditId, share, id(`job:${period}:${index}`)),
      );
    }

    // The battery is committed to a grid-stress window in the flexibility period: 18:00 to 20:00 local time, the
    // first such evening after day 9 of the period.
    let flexStart = periodStart + 9n * DAY;
    while (localHourOf(flexStart, UTC_OFFSET_HOURS) !== 18) flexStart += HOUR;
    const flexEnd = flexStart + 2n * HOUR;
    let commitmentId: bigint | undefined;
    let periodRecId: bigint | undefined;
    const signedReadings = new Map<string, { reading: MeterReading; signature: string }>();

    for (let day = 0; day < days; day++) {
      const dayStart = periodStart + BigInt(day) * DAY;
      if (period === flexPeriod && day === 2) {
        await gas.track("approve", stablecoin.connect(gridOperator).approve(await flex.getAddress(), 2n ** 255n));
        await gas.track(
          "open flexibility request",
          flex.connect(gridOperator).openRequest({
            gridZone: ZONE,
            direction: 0, // Export
            windowStart: flexStart,
            windowEnd: flexEnd,
            commitDeadline: flexStart - DAY,
            settlementDeadline: flexEnd + 3n * DAY,
            capacityW: BATTERY_CAPACITY_W,
            pricePerWh: FLEX_PRICE_PER_WH,
            stakeBps: 2_000,
            readingTolerance: 900,
          }),
        );
        const requestId = await flex.requestCount();
        await gas.track("approve", stablecoin.approve(await flex.getAddress(), 2n ** 255n));
        await gas.track("commit flexibility", flex.commit(requestId, battery.id, FLEX_COMMIT_W, vaultAddress));
        commitmentId = await flex.commitmentCount();
      }

      // The day's hourly readings, signed by each device's meter, relayed in one transaction after the day.
      const readings: { device: Device; reading: MeterReading }[] = [];
      for (let hour = 0; hour < 24; hour++) {
        const hourStart = dayStart + BigInt(hour) * HOUR;
        const timestamp = hourStart + HOUR;
        const local = localHourOf(hourStart, UTC_OFFSET_HOURS);
        const skyDay = Math.min(
          days - 1,
          localDayOf(hourStart, UTC_OFFSET_HOURS) - localDayOf(periodStart, UTC_OFFSET_HOURS),
        );
        const generated = farms.map((farm, index) => solarHour(farm.capacityW, skies[index][skyDay], local));
        const { chargeWh, dischargeWh } = storage.step(local, generated[0]);
        profile.solar[local] += generated.reduce((a, b) => a + b, 0n);
        profile.charge[local] += chargeWh;
        profile.discharge[local] += dischargeWh;
        for (const device of devices) {
          const index = farms.indexOf(device);
          const output = device === battery ? dischargeWh : generated[index] - (index === 0 ? chargeWh : 0n);
          device.cumulativeWh += output;
          readings.push({ device, reading: { deviceId: device.id, cumulativeWh: device.cumulativeWh, timestamp } });
        }
      }
      meteredDays++;
      await networkHelpers.time.increaseTo(dayStart + DAY);
      const signed = await submitReadings(readings);
      for (const entry of signed) signedReadings.set(`${entry.reading.deviceId}:${entry.reading.timestamp}`, entry);

      if (commitmentId !== undefined && signedReadings.has(`${battery.id}:${flexEnd}`)) {
        const before = signedReadings.get(`${battery.id}:${flexStart}`)!;
        const after = signedReadings.get(`${battery.id}:${flexEnd}`)!;
        await gas.track(
          "settle flexibility (readings)",
          flex.settleWithReadings(commitmentId, before.reading, before.signature, after.reading, after.signature),
        );
        flexDeliveredWh += after.reading.cumulativeWh - before.reading.cumulativeWh;
        commitmentId = undefined;
        // The grid operator takes the kWh it was delivered in the window: sold once, with the service.
        const windowBatches = [...battery.held].filter(([batch, held]) => {
          const hourStart = (batch & ((1n << 64n) - 1n)) * HOUR;
          return held > 0n && hourStart >= flexStart && hourStart < flexEnd;
        });
        if (windowBatches.length > 0) {
          await gas.track(
            "transfer kWh",
            energy.safeBatchTransferFrom(
              spv.address,
              gridOperator.address,
              windowBatches.map(([batch]) => batch),
              windowBatches.map(([, held]) => held),
              "0x",
            ),
          );
          for (const [batch, held] of windowBatches) {
            battery.held.set(batch, 0n);
            flexSoldWh += held;
          }
          soldBatchIds.push(...windowBatches.map(([batch]) => batch));
        }
        const credited = await flex.claimable(vaultAddress);
        await gas.track("pay flexibility revenue", flex.payRevenue(vaultAddress));
        book(Source.Flexibility, credited);
        if ((await flex.claimable(spv.address)) > 0n) await gas.track("claim stake", flex.claim(spv.address));
        if ((await flex.claimable(gridOperator.address)) > 0n) {
          await gas.track("claim escrow", flex.connect(gridOperator).claim(gridOperator.address));
        }
      }

      if (day === 20) {
        // RECs: lock whole MWh of the first farm's kWh of one vintage month, then the issuer certifies them.
        const farm = farms[0];
        const { ids, amounts } = takeEnergy(farm, RECS_PER_PERIOD * WH_PER_CERTIFICATE, windowStart, windowEnd);
        if (ids.length > 0) {
          const requested = await gas.track("request RECs", recs.requestIssuance(ids, amounts));
          const event = requested.logs
            .map((log) => recs.interface.parseLog(log))
            .find((parsed) => parsed?.name === "IssuanceRequested")!;
          const requestId: bigint = event.args.requestId;
          periodRecId = event.args.certificateId;
          recIds.add(event.args.certificateId);
          recsCertified += RECS_PER_PERIOD;
          await gas.track(
            "certify RECs",
            recs.connect(issuer).certify(requestId, ids, amounts, `ipfs://joulestack-demo/evidence/period-${period}`),
          );
        }
      }

      if (day === 22 && !short && periodRecId !== undefined) {
        // A corporate buyer takes some RECs and retires them for its Scope 2 claim.
        const recId = periodRecId;
        const available = await recs.balanceOf(spv.address, recId);
        const sold = available < RECS_SOLD_PER_PERIOD ? available : RECS_SOLD_PER_PERIOD;
        if (sold > 0n) {
          await gas.track("transfer RECs", recs.safeTransferFrom(spv.address, corporate.address, recId, sold, "0x"));
          await gas.track("pay for RECs", stablecoin.connect(corporate).transfer(spv.address, sold * REC_PRICE));
          await gas.track(
            "retire RECs",
            recs
              .connect(corporate)
              .retire(
                corporate.address,
                recId,
                sold - 5n,
                corporate.address,
                "Northwind AI",
                `Scope 2, period ${period}`,
              ),
          );
          await gas.track("pay revenue", vault.receiveRevenue(Source.Other, sold * REC_PRICE));
          book(Source.Other, sold * REC_PRICE);
          recsSold += sold;
        }
      }

      if (day === Number(WINDOW_DAYS) + 1) {
        // After the window: record delivery with hourly-matched solar kWh of the same hours, and RECs for the rest.
        const lotWindow = await compute.getWindow(creditId);
        const delivered = short ? (lotWindow.redeemed * 9n) / 10n : lotWindow.redeemed;
        const whUsed = delivered * WH_PER_GPU_HOUR;
        const hourlyDraw = whUsed / windowHours;
        const ids: bigint[] = [];
        const amounts: bigint[] = [];
        for (const [batch, held] of farms[0].held) {
          const hourStart = (batch & ((1n << 64n) - 1n)) * HOUR;
          if (hourStart < windowStart || hourStart >= windowEnd || held === 0n || hourlyDraw === 0n) continue;
          const take = held < hourlyDraw ? held : hourlyDraw;
          ids.push(batch);
          amounts.push(take);
        }
        const hourly = amounts.reduce((a, b) => a + b, 0n);
        const recId = periodRecId ?? 0n;
        const recsHeld = periodRecId === undefined ? 0n : await recs.balanceOf(spv.address, recId);
        const wanted = (whUsed - hourly) / WH_PER_CERTIFICATE;
        const recCount = wanted < recsHeld ? wanted : recsHeld;
        await gas.track(
          "record delivery",
          compute.connect(scheduler).recordDelivery(creditId, {
            gpuHoursDelivered: delivered,
            whUsed,
            kwhBatchIds: ids,
            kwhAmountsWh: amounts,
            recIds: recCount > 0n ? [recId] : [],
            recAmounts: recCount > 0n ? [recCount] : [],
          }),
        );
        ids.forEach((batch, index) => farms[0].held.set(batch, farms[0].held.get(batch)! - amounts[index]));
        hourlyMatchedByDevice.set(farms[0].name, (hourlyMatchedByDevice.get(farms[0].name) ?? 0n) + hourly);
        recsRetiredForCompute += recCount;
        for (const agent of agents) {
          if ((await compute.refundOf(creditId, agent.address)) > 0n) {
            await gas.track("claim GPU-hour refund", compute.connect(agent).claimRefund(creditId, agent.address));
          }
        }
      }
    }

    // Month end: the offtaker buys the energy the project does not use, and the project pays the vault.
    let energySale = 0n;
    for (const device of devices) {
      const { ids, amounts } = takeEnergy(device, undefined, 0n, 0n);
      for (let index = 0; index < ids.length; index += 150) {
        await gas.track(
          "transfer kWh",
          energy.safeBatchTransferFrom(
            spv.address,
            offtaker.address,
            ids.slice(index, index + 150),
            amounts.slice(index, index + 150),
            "0x",
          ),
        );
      }
      const wh = amounts.reduce((a, b) => a + b, 0n);
      soldBatchIds.push(...ids);
      soldWh.set(device.name, (soldWh.get(device.name) ?? 0n) + wh);
      energySale += (wh * ENERGY_PRICE_PER_MWH) / 1_000_000n;
    }
    if (short && period < options.periods) {
      deferredEnergyPayment = energySale;
    } else {
      const payment = energySale + deferredEnergyPayment;
      deferredEnergyPayment = 0n;
      await gas.track("pay for energy", stablecoin.connect(offtaker).transfer(spv.address, payment));
      await gas.track("pay revenue", vault.receiveRevenue(Source.Energy, payment));
      book(Source.Energy, payment);
    }

    // The period ends: anyone distributes it, then the investors claim.
    const periodEnd = await vault.periodEnd(BigInt(period));
    if (BigInt(await networkHelpers.time.latest()) < periodEnd) await networkHelpers.time.increaseTo(periodEnd);
    await gas.track("distribute period", vault.connect(offtaker).distribute(BigInt(period)));
    periods.push(await periodReport(period, paidIn));
    for (const holder of holders) {
      if ((await vault.claimableOf(holder.tranche, holder.signer.address)) > 0n) {
        await gas.track("claim coupon", vault.connect(holder.signer).claim(holder.tranche, holder.signer.address));
      }
    }
  }

  step("Reading the lineage of a GPU-hour lot from events and building the report");
  const lineage = firstLotCreditId === undefined ? undefined : await lotLineage(firstLotCreditId);

  const parties = [
    {
      name: "Sunrise SPV",
      role: "project, device owner, GPU provider",
      signer: spv as HardhatEthersSigner | BaseWallet,
    },
    ...holders.map((holder) => ({
      name: holder.name,
      role: `tranche ${["senior", "mezzanine", "equity"][holder.tranche]}`,
      signer: holder.signer,
    })),
    ...agents.map((agent, index) => ({ name: `Agent ${index + 1}`, role: "AI agent buying GPU-hours", signer: agent })),
    { name: "Gulf Power", role: "energy offtaker", signer: offtaker },
    { name: "Northwind AI", role: "REC buyer", signer: corporate },
    { name: "ERCOT North", role: "flexibility buyer", signer: gridOperator },
    { name: "Vault", role: "tranche waterfall", signer: { address: vaultAddress } },
  ];
  const noteAddresses = await Promise.all([0, 1, 2].map(async (index) => (await vault.tranche(index)).note));
  const partyReports = [];
  for (const party of parties) {
    const address = party.signer.address;
    const holdings: Record<string, string> = { [symbol]: usd(await stablecoin.balanceOf(address)) };
    for (const [index, note] of noteAddresses.entries()) {
      const balance = await TrancheNote__factory.connect(note, spv).balanceOf(address);
      if (balance > 0n) holdings[["senior", "mezzanine", "equity"][index] + " notes"] = usd(balance);
    }
    const recBalances = await recs.balanceOfBatch(
      [...recIds].map(() => address),
      [...recIds],
    );
    const recCount = recBalances.reduce((a, b) => a + b, 0n);
    if (recCount > 0n) holdings.RECs = recCount.toString();
    const kwh =
      soldBatchIds.length === 0
        ? []
        : await energy.balanceOfBatch(
            soldBatchIds.map(() => address),
            soldBatchIds,
          );
    const wattHours = kwh.reduce((a, b) => a + b, 0n);
    if (wattHours > 0n) holdings.kWh = formatEnergy(wattHours, 3);
    partyReports.push({ name: party.name, role: party.role, address, holdings });
  }

  const revenueTotal = (source: string) => periods.reduce((sum, period) => sum + period.revenueBySource[source], 0n);
  const chart = buildFlow({
    symbol,
    devices: devices.map((device) => ({
      name: device.name,
      mintedWh: device.mintedWh,
      hourlyMatchedWh: hourlyMatchedByDevice.get(device.name) ?? 0n,
      soldWh: soldWh.get(device.name) ?? 0n,
      flexibilityWh: device === battery ? flexSoldWh : 0n,
      certifiedWh: device === farms[0] ? recsCertified * WH_PER_CERTIFICATE : 0n,
    })),
    recsSoldWh: recsSold * WH_PER_CERTIFICATE,
    recsRetiredForComputeWh: recsRetiredForCompute * WH_PER_CERTIFICATE,
    revenue: {
      compute: revenueTotal("Compute"),
      recs: revenueTotal("Other"),
      flexibility: revenueTotal("Flexibility"),
      energy: revenueTotal("Energy"),
    },
    periods: periods.map((period) => period.figures),
  });
  const generatedWh = profile.solar.reduce((a, b) => a + b, 0n);
  const chargedWh = profile.charge.reduce((a, b) => a + b, 0n);
  const dischargedWh = profile.discharge.reduce((a, b) => a + b, 0n);
  const breached = periods.filter((period) => period.notes.some((note) => note.startsWith("covenant breached")));
  const cured = periods.filter((period) => period.notes.some((note) => note.startsWith("covenant cured")));
  return {
    title: "Joulestack demo: Sunrise solar-plus-battery micro data center",
    seed: options.seed,
    options: { periods: options.periods, devices: options.devices, agents: options.agents },
    stablecoinSymbol: symbol,
    stablecoinDecimals: decimals,
    highlights: [
      `${devices.length} devices metered hourly: ${readingsRelayed} signed readings minted ${formatEnergy(
        devices.reduce((sum, device) => sum + device.mintedWh, 0n),
        3,
      )} of kWh`,
      `${recsCertified} RECs certified, ${recsSold} sold to Northwind AI, ${recsRetiredForCompute} retired for the GPU cluster`,
      `Solar in ${ZONE_CODE} (UTC${UTC_OFFSET_HOURS < 0 ? "−" : "+"}${Math.abs(UTC_OFFSET_HOURS)}) generated ${formatEnergy(
        generatedWh,
        3,
      )}; ${formatEnergy(chargedWh, 3)} of it charged the battery, which discharged ${formatEnergy(
        dischargedWh,
        3,
      )} into the evening (metered once, as the battery's)`,
      `${formatEnergy(flexDeliveredWh, 3)} of flexibility delivered by the battery and settled from signed readings`,
      `Revenue to the vault: ${SOURCES.map((name) => `${name.toLowerCase()} ${usd(revenueTotal(name))}`).join(", ")} ${symbol}`,
      breached.length > 0
        ? `Coverage covenant breached in period ${breached.map((period) => period.index).join(", ")}` +
          (cured.length > 0 ? `, cured in period ${cured.map((period) => period.index).join(", ")}` : "")
        : "Coverage covenant held in every period",
    ],
    parties: partyReports,
    periods,
    lineage,
    flowColumns: chart.columns,
    flowNodes: chart.nodes,
    flow: chart.links,
    dayProfile: {
      zone: ZONE_CODE,
      utcOffsetHours: UTC_OFFSET_HOURS,
      days: meteredDays,
      solarGeneratedWh: profile.solar,
      batteryChargeWh: profile.charge,
      batteryDischargeWh: profile.discharge,
    },
    energyBalance: {
      solarGeneratedWh: generatedWh,
      batteryChargeWh: chargedWh,
      batteryDischargeWh: dischargedWh,
      mintedWh: devices.reduce((sum, device) => sum + device.mintedWh, 0n),
    },
    gas: gas.lines(),
  };

  // --- helpers, closing over the deployment ---

  /** Signs and relays readings; books what each mints into the device's holdings. */
  async function submitReadings(entries: { device: Device; reading: MeterReading }[]) {
    readingsRelayed += entries.length;
    const signed = await Promise.all(
      entries.map(async ({ device, reading }) => ({
        device,
        reading,
        signature: await signReading(device.meter, energyDomain, reading),
      })),
    );
    await gas.track(
      "submit meter readings",
      energy.submitReadings(
        signed.map((entry) => entry.reading),
        signed.map((entry) => entry.signature),
      ),
    );
    const previous = new Map<bigint, bigint>();
    for (const { device, reading } of signed) {
      const before = previous.get(device.id) ?? lastCounter.get(device.id);
      previous.set(device.id, reading.cumulativeWh);
      if (before === undefined) continue; // the baseline mints nothing
      const delta = reading.cumulativeWh - before;
      if (delta === 0n) continue;
      const batch = batchId(device.id, (reading.timestamp - 1n) / HOUR);
      device.held.set(batch, (device.held.get(batch) ?? 0n) + delta);
      device.mintedWh += delta;
    }
    for (const [deviceId, counter] of previous) lastCounter.set(deviceId, counter);
    return signed;
  }

  /**
   * Takes kWh from a device's holdings: `target` Wh exactly (whole MWh of one vintage month, for RECs) or everything
   * (for the offtaker). Batches of hours in [keepFrom, keepUntil) keep what the cluster may draw in that hour.
   */
  function takeEnergy(device: Device, target: bigint | undefined, keepFrom: bigint, keepUntil: bigint) {
    const ids: bigint[] = [];
    const amounts: bigint[] = [];
    const availableOf = (batch: bigint, held: bigint) => {
      const hourStart = (batch & ((1n << 64n) - 1n)) * HOUR;
      const reserve = hourStart >= keepFrom && hourStart < keepUntil ? BigInt(GPU_COUNT) * WH_PER_GPU_HOUR : 0n;
      return held > reserve ? held - reserve : 0n;
    };
    // RECs are of one vintage month: take the month with the most energy available (a period spans two).
    const byVintage = new Map<bigint, bigint>();
    for (const [batch, held] of device.held) {
      const vintage = vintageOfHour(batch & ((1n << 64n) - 1n));
      byVintage.set(vintage, (byVintage.get(vintage) ?? 0n) + availableOf(batch, held));
    }
    const vintage = [...byVintage].reduce<[bigint, bigint] | undefined>(
      (best, entry) => (best === undefined || entry[1] > best[1] ? entry : best),
      undefined,
    )?.[0];
    let remaining = target;
    for (const [batch, held] of device.held) {
      if (remaining === 0n) break;
      const hourIndex = batch & ((1n << 64n) - 1n);
      const available = availableOf(batch, held);
      if (available === 0n) continue;
      if (target !== undefined && vintageOfHour(hourIndex) !== vintage) continue;
      const take = remaining !== undefined && remaining < available ? remaining : available;
      ids.push(batch);
      amounts.push(take);
      device.held.set(batch, held - take);
      if (remaining !== undefined) remaining -= take;
    }
    if (remaining !== undefined && remaining > 0n) {
      // Not enough of one vintage: give it back rather than request a fraction of a MWh.
      ids.forEach((batch, index) => device.held.set(batch, device.held.get(batch)! + amounts[index]));
      return { ids: [], amounts: [] };
    }
    return { ids, amounts };
  }

  /**
   * The vault's figures for a distributed period, from its `WaterfallDistributed` and `TrancheServiced` events and
   * the reserve before and after: the one place the demo reads what the waterfall did.
   */
  async function readPeriodFigures(period: number): Promise<PeriodFigures & { reserveBefore: bigint }> {
    const [distributed] = await vault.queryFilter(vault.filters.WaterfallDistributed(period));
    if (distributed === undefined) throw new Error(`period ${period} was not distributed`);
    const serviced = await vault.queryFilter(vault.filters.TrancheServiced(period));
    const blockTag = distributed.blockNumber;
    const report = distributed.args.report;
    const names = ["senior", "mezzanine", "equity"];
    const booked = await readVaultPeriod(ethers.provider, await vault.getAddress(), BigInt(period));
    const revenueBySource: Record<string, bigint> = {};
    for (const [index, name] of SOURCES.entries()) revenueBySource[name] = booked.revenueBySource[index] ?? 0n;
    return {
      period,
      revenue: report.revenue,
      revenueBySource,
      cashAvailable: report.cashAvailable,
      feeDue: report.feeDue,
      feePaid: report.feePaid,
      reserveDrawn: report.reserveDrawn,
      reserveToppedUp: report.reserveToppedUp,
      reserveReleased: report.reserveReleased,
      swept: report.swept,
      equityResidual: report.equityResidual,
      coverageBps: report.coverageBps,
      covenantBreached: report.covenantBreached,
      tranches: serviced
        .sort((a, b) => Number(a.args.trancheId - b.args.trancheId))
        .map((event) => ({
          name: names[Number(event.args.trancheId)],
          interestDue: event.args.report.interestDue,
          interestPaid: event.args.report.interestPaid,
          principalDue: event.args.report.principalDue,
          principalPaid: event.args.report.principalPaid,
          allotted: event.args.report.allotted,
        })),
      reserveBefore: await vault.reserve({ blockTag: blockTag - 1 }),
      reserveAfter: await vault.reserve({ blockTag }),
    };
  }

  async function periodReport(period: number, paidIn: Map<Source, bigint>): Promise<PeriodReport> {
    const { reserveBefore, ...figures } = await readPeriodFigures(period);
    const reconciliation = reconcile(figures, reserveBefore);
    const notes: string[] = [];
    if (figures.reserveDrawn > 0n) {
      notes.push(`reserve drew ${usd(figures.reserveDrawn)} ${symbol} to pay the fee and interest`);
    }
    if (figures.reserveReleased > 0n) {
      notes.push(`reserve released ${usd(figures.reserveReleased)} ${symbol} above its target to principal and equity`);
    }
    for (const line of reconciliation.unpaid) notes.push(`${line.label} ${usd(line.amount)} ${symbol}`);
    const coverage = formatCoverage(figures.coverageBps);
    const wasBreached = periods.at(-1)?.figures.covenantBreached ?? false;
    if (wasBreached && !figures.covenantBreached) notes.push(`covenant cured: coverage ${coverage}`);
    if (figures.covenantBreached) {
      notes.push(
        `covenant breached: coverage ${coverage}, equity residual swept ${usd(figures.swept)} ${symbol} to principal`,
      );
    }
    return {
      index: period,
      revenueBySource: figures.revenueBySource,
      paidInBySource: Object.fromEntries(SOURCES.map((name, index) => [name, paidIn.get(index as Source) ?? 0n])),
      steps: waterfallSteps(figures),
      figures,
      reconciliation,
      coverage,
      notes,
    };
  }

  async function lotLineage(creditId: bigint): Promise<LotLineage> {
    const lineage = await readLineage(
      ethers.provider,
      {
        market: await compute.getAddress(),
        energy: await energy.getAddress(),
        certificates: await recs.getAddress(),
        registry: await registry.getAddress(),
      },
      creditId,
    );
    const names = new Map(devices.map((device) => [device.id, device.name]));
    return {
      lot: `#${creditId.toString(16)}`,
      cluster: `cluster ${clusterId} (${GPU_COUNT}× H100-SXM)`,
      gpuHours: lineage.lot.gpuHoursDelivered,
      wattHoursUsed: lineage.lot.whUsed,
      hourlyMatchedWh: lineage.lot.whHourlyMatched,
      recMatchedWh: lineage.lot.whRecMatched,
      batchCount: lineage.kwh.length,
      carbonFreeBps: Number(lineage.lot.carbonFreeBps),
      batches: lineage.kwh.slice(0, 12).map((batch) => ({
        device: names.get(batch.deviceId) ?? `device ${batch.deviceId}`,
        kind: batch.source,
        zone: batch.gridZone,
        hourStart: Number(batch.hourStart),
        wattHours: batch.wh,
      })),
      recs: lineage.recs.map((rec) => ({
        device: names.get(rec.deviceId) ?? `device ${rec.deviceId}`,
        vintage: rec.vintage.toString(),
        count: rec.recs,
      })),
      revenue: lineage.revenue.net,
    };
  }
}

/** Splits `total` into `parts` random non-negative integers that add up to it exactly. */
function splitRandomly(random: () => number, total: bigint, parts: number): bigint[] {
  const weights = Array.from({ length: parts }, () => 0.5 + random());
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((weight) => (total * BigInt(Math.floor((weight / sum) * 1_000_000))) / 1_000_000n);
  shares[0] += total - shares.reduce((a, b) => a + b, 0n);
  return shares;
}
