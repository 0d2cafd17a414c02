import { gridZone } from "../../../sdk/energy.js";
import { formatEnergy, formatPower } from "../../../sdk/units.js";
import { FlexibilityMarket__factory } from "../../../typechain-types/index.js";
import { ensureAllowance } from "../allowance.js";
import { operatorAction, preflight } from "../context.js";
import {
  ceilToHour,
  DIRECTIONS,
  formatTime,
  maxUint,
  parseBps,
  parseCount,
  parseDirection,
  parsePowerOption,
  parsePricePerKWh,
  parseTime,
  parseZone,
} from "../parse.js";

interface Args {
  zone: string;
  direction: string;
  start: string;
  hours: string;
  capacity: string;
  price: string;
  stake: string;
  tolerance: string;
  commitBy: string;
  settleBy: string;
  market: string;
}

const HOUR = 3_600n;

/**
 * `flex open`: a grid buyer (BUYER_ROLE) asks for `--capacity` during `--hours` whole hours from `--start`, at
 * `--price` per kWh, and escrows the most it could owe: capacity x hours x price.
 */
export default operatorAction<Args>(async (args, operator) => {
  const market = FlexibilityMarket__factory.connect(
    operator.address("FlexibilityMarket", args.market),
    operator.signer,
  );
  const asset = await market.stablecoin();
  const token = await operator.stablecoin(asset);
  const latest = await operator.ethers.provider.getBlock("latest");
  const now = BigInt(latest?.timestamp ?? 0);

  // A relative start ("+2h") is rounded up to the next whole hour; an absolute one must already be whole.
  const requested = parseTime(args.start, now);
  const windowStart = args.start.trim().startsWith("+") ? ceilToHour(requested) : requested;
  const hours = parseCount(args.hours, "hours", 1n, await market.MAX_WINDOW_HOURS());
  const windowEnd = windowStart + hours * HOUR;
  const tolerance = parseCount(args.tolerance, "tolerance", 0n, await market.MAX_READING_TOLERANCE());
  const zone = parseZone(args.zone);
  const terms = {
    gridZone: gridZone(zone),
    direction: parseDirection(args.direction),
    windowStart,
    windowEnd,
    commitDeadline: args.commitBy === "" ? windowStart : parseTime(args.commitBy, now),
    settlementDeadline: args.settleBy === "" ? windowEnd + tolerance + 24n * HOUR : parseTime(args.settleBy, now),
    capacityW: parsePowerOption(args.capacity, "capacity", { max: maxUint(96) }),
    pricePerWh: parsePricePerKWh(args.price, token.decimals),
    stakeBps: parseBps(args.stake),
    readingTolerance: tolerance,
  };
  const maxWh = terms.capacityW * hours;
  const escrow = maxWh * terms.pricePerWh;

  await preflight(market.openRequest.staticCall(terms), ["ERC20InsufficientAllowance"]);
  await ensureAllowance(operator, asset, await market.getAddress(), escrow);
  const receipt = await operator.send("Opened the flexibility request", market.openRequest(terms));
  const event = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "RequestOpened");
  console.log(
    `Request ${event?.args.requestId}: ${DIRECTIONS[terms.direction]} ${formatPower(terms.capacityW)} in ${zone}`,
  );
  console.log(
    `  window ${formatTime(windowStart)} .. ${formatTime(windowEnd)} (${hours} h, up to ${formatEnergy(maxWh)})`,
  );
  console.log(`  commit by ${formatTime(terms.commitDeadline)}, settle by ${formatTime(terms.settlementDeadline)}`);
  console.log(`  escrowed ${token.format(escrow)} at ${args.price} ${token.symbol}/kWh, stake ${terms.stakeBps} bps`);
});
