import { Wallet, encodeBytes32String, id } from "ethers";

import {
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  MeteredEnergy__factory,
  TestStablecoin__factory,
} from "../../typechain-types/index.js";
import { type MeterReading, meteredEnergyDomain, signReading } from "../../sdk/energy.js";
import { floorOfMeasured, measure } from "./energy.js";
import { BENCH_EPOCH, type Bench, gasOf, worstCase } from "./types.js";

const HOUR = 3600n;
const MW = 1_000_000n;

/**
 * The flexibility market: open a request, commit a battery, settle from two signed readings, expire another; and
 * the one loop, a commitment's hours, at its maximum (`MAX_WINDOW_HOURS`, 24).
 */
export const flexibilityBench: Bench = async ({ ethers, networkHelpers, baselines }) => {
  const [deployer, buyer, provider] = await ethers.getSigners();
  const meter = new Wallet(id("joulestack bench battery meter"));
  const stablecoin = await new TestStablecoin__factory(deployer).deploy(deployer.address);
  const registry = await new DeviceRegistry__factory(deployer).deploy(deployer.address);
  const energy = await new MeteredEnergy__factory(deployer).deploy(await registry.getAddress(), deployer.address);
  const market = await new FlexibilityMarket__factory(deployer).deploy(
    await stablecoin.getAddress(),
    await energy.getAddress(),
    deployer.address,
  );
  await registry.grantRole(await registry.REGISTRAR_ROLE(), deployer.address);
  await market.grantRole(await market.BUYER_ROLE(), buyer.address);
  await networkHelpers.time.increaseTo(BENCH_EPOCH);
  const now = BENCH_EPOCH;
  const zone = encodeBytes32String("ERCOT-NORTH");
  for (let i = 0; i < 2; i++) {
    await registry.registerDevice({
      signer: meter.address,
      owner: provider.address,
      kind: 6, // battery
      capacityW: MW,
      gridZone: zone,
      commissionedAt: now - 86_400n,
      metadataURI: "",
    });
  }
  for (const account of [buyer, provider]) {
    await stablecoin.mint(account.address, 10n ** 12n);
    await stablecoin.connect(account).approve(await market.getAddress(), ethers.MaxUint256);
  }
  const windowStart = (now / HOUR + 4n) * HOUR;
  const terms = {
    gridZone: zone,
    direction: 0,
    windowStart,
    windowEnd: windowStart + 2n * HOUR,
    commitDeadline: windowStart - HOUR,
    settlementDeadline: windowStart + 26n * HOUR,
    capacityW: 2n * MW,
    pricePerWh: 100n,
    stakeBps: 5_000,
    readingTolerance: 900,
  };
  const open = await gasOf(market.connect(buyer).openRequest(terms));
  const commitMeasured = await measure(market.connect(provider).commit(1n, 1n, MW, provider.address));
  const commit = commitMeasured.gas;
  await market.connect(provider).commit(1n, 2n, MW, provider.address);
  // The longest window: the commitment books the device for each of its 24 hours.
  const dayStart = windowStart + 24n * HOUR;
  await market.connect(buyer).openRequest({
    ...terms,
    windowStart: dayStart,
    windowEnd: dayStart + 24n * HOUR,
    settlementDeadline: dayStart + 48n * HOUR,
  });
  const commitDay = await gasOf(market.connect(provider).commit(2n, 1n, MW, provider.address));

  await networkHelpers.time.increaseTo(terms.windowEnd + 120n);
  const energyDomain = await meteredEnergyDomain(energy.target as string, ethers.provider);
  const sign = (reading: MeterReading) => signReading(meter, energyDomain, reading);
  // The battery's hourly readings over the window go through the kWh ledger first (the owner starts metering at
  // the window start); settlement proves delivery from readings the ledger has accepted up to.
  const start = { deviceId: 1n, cumulativeWh: 1_000n, timestamp: windowStart };
  const middle = { deviceId: 1n, cumulativeWh: 1_000n + MW / 2n, timestamp: windowStart + HOUR };
  const end = { deviceId: 1n, cumulativeWh: 1_000n + MW, timestamp: terms.windowEnd };
  await energy.connect(provider).resumeMetering(start, await sign(start));
  await energy.submitReadings([middle, end], [await sign(middle), await sign(end)]);
  const settleMeasured = await measure(market.settleWithReadings(1n, start, await sign(start), end, await sign(end)));
  const settle = settleMeasured.gas;
  await networkHelpers.time.increaseTo(terms.settlementDeadline + 1n);
  const expire = await gasOf(market.expire(2n));
  const claim = await gasOf(market.connect(provider).claim(provider.address));

  // A commitment: the request's committed capacity with its count and its locked stakes change, the commitment
  // counter changes, the commitment record (two words), the device's booked-hours word and the provider's position
  // are new; the stake moves (the provider's and the market's balances change, an unlimited allowance is read);
  // the request (five words) and the device's source and profile (three words) are read; the registry and the
  // stablecoin are called.
  const commitFloor = floorOfMeasured(commitMeasured, { coldCalls: 2, newSlots: 4, changedSlots: 5, coldReads: 9 });
  // A settlement from two readings: both signatures; the commitment's settled flag, the request's count and its
  // locked escrow and stakes change, the position is burned; the payee's (here the provider's) and the buyer's
  // claimable balances are new and so is the market's total of them; the commitment (two words), the request (five)
  // the device profile and signer start (three), the kWh ledger's meter and pause words are read; the registry and
  // the kWh token are called.
  const settleFloor = floorOfMeasured(settleMeasured, {
    coldCalls: 2,
    newSlots: 3,
    changedSlots: 4,
    coldReads: 12,
    signatures: 2,
  });

  const erc20Transfer = { name: "ERC-20 transfer", gas: baselines.get("ERC-20 transfer")! };
  return [
    { group: "flexibility", operation: "openRequest (escrow pulled)", gas: open, baseline: erc20Transfer },
    {
      group: "flexibility",
      operation: "commit (stake pulled, position minted)",
      gas: commit,
      baseline: erc20Transfer,
      floor: commitFloor,
      target: 180_000n,
    },
    { group: "flexibility", operation: "settleWithReadings (half delivered)", gas: settle, floor: settleFloor },
    { group: "flexibility", operation: "expire (last commitment, escrow returned)", gas: expire },
    { group: "flexibility", operation: "claim", gas: claim, baseline: erc20Transfer },
    worstCase("commit, 24-hour window", commitDay),
  ];
};
