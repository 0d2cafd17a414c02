import { formatPower } from "../../../sdk/units.js";
import { FlexibilityMarket__factory } from "../../../typechain-types/index.js";
import { ensureAllowance } from "../allowance.js";
import { operatorAction, preflight } from "../context.js";
import { maxUint, parseAddress, parseId, parsePowerOption } from "../parse.js";

interface Args {
  requestId: string;
  device: string;
  capacity: string;
  payee: string;
  market: string;
}

const HOUR = 3_600n;
const BPS = 10_000n;

/** `flex commit <requestId>`: a device owner commits capacity to a request and posts the stake it asks for. */
export default operatorAction<Args>(async (args, operator) => {
  const market = FlexibilityMarket__factory.connect(
    operator.address("FlexibilityMarket", args.market),
    operator.signer,
  );
  const requestId = parseId(args.requestId, "request id");
  const deviceId = parseId(args.device, "--device");
  const capacityW = parsePowerOption(args.capacity, "capacity", { max: maxUint(96) });
  const payee = args.payee === "" ? operator.signer.address : parseAddress(args.payee, "payee");

  const request = await market.getRequest(requestId);
  const windowHours = (request.windowEnd - request.windowStart) / HOUR;
  // The stake rounds up, as the contract's FlexibilityMath.stakeUp does.
  const maxPayout = capacityW * windowHours * request.pricePerWh;
  const stake = (maxPayout * request.stakeBps + BPS - 1n) / BPS;
  const asset = await market.stablecoin();
  const token = await operator.stablecoin(asset);

  await preflight(market.commit.staticCall(requestId, deviceId, capacityW, payee), ["ERC20InsufficientAllowance"]);
  if (stake > 0n) await ensureAllowance(operator, asset, await market.getAddress(), stake);
  const receipt = await operator.send(
    `Committed device ${deviceId} to request ${requestId}`,
    market.commit(requestId, deviceId, capacityW, payee),
  );
  const event = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "CommitmentMade");
  console.log(
    `Commitment ${event?.args.commitmentId}: ${formatPower(capacityW)}, stake ${token.format(event?.args.stake ?? stake)}, paid to ${payee}`,
  );
});
