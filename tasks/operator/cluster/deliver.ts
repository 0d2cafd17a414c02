import { batchId } from "../../../sdk/energy.js";
import { formatEnergy } from "../../../sdk/units.js";
import {
  ComputeMarket__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
} from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatTime, maxUint, parseCount, parseEnergyOption, parseId } from "../parse.js";
import { describeCertificate, parseCertificateId } from "../rec/ids.js";

interface Args {
  creditId: string;
  gpuHours: string;
  energy: string;
  kwhFrom: string;
  recs: string;
  market: string;
}

const HOUR = 3_600n;
const WH_PER_REC = 1_000_000n;

/**
 * `cluster deliver <creditId> --gpu-hours 40 --energy "28 kWh" [--kwh-from 3,4] [--recs 3:202611=1]`: after a
 * window ends, its provider or operator records what was delivered and proves the energy. `--kwh-from` names devices
 * whose kWh the provider holds: for each hour of the window, in order, their batches are burned up to what the
 * cluster can draw in an hour and the energy still unproven. `--recs` retires whole RECs for the rest. The market
 * takes both from the provider, who must have approved it as operator on the kWh and REC tokens (done here when the
 * caller is the provider). Undelivered redeemed GPU-hours are refunded from the bond (`compute refund`).
 */
export default operatorAction<Args>(async (args, operator) => {
  const creditId = parseId(args.creditId, "credit id");
  const market = ComputeMarket__factory.connect(operator.address("ComputeMarket", args.market), operator.signer);
  const window = await market.getWindow(creditId);
  const clusterId = creditId >> 64n;
  const cluster = await market.getCluster(clusterId);
  const gpuHours = parseCount(args.gpuHours, "gpu-hours", 0n, window.redeemed);
  const whUsed = parseEnergyOption(args.energy, "energy", { allowZero: true, max: maxUint(256) });

  const recIds: bigint[] = [];
  const recAmounts: bigint[] = [];
  for (const entry of args.recs
    .split(",")
    .map((text) => text.trim())
    .filter((text) => text !== "")) {
    const pair = /^(.+)=(\d+)$/.exec(entry);
    if (pair === null) throw new Error(`--recs "${entry}" is not <certificate>=<count>, e.g. 3:202611=1`);
    recIds.push(parseCertificateId(pair[1]));
    recAmounts.push(parseCount(pair[2], "recs", 1n, maxUint(256)));
  }
  const recWh = recAmounts.reduce((sum, amount) => sum + amount * WH_PER_REC, 0n);

  const energy = MeteredEnergy__factory.connect(await market.energy(), operator.signer);
  const certificates = RenewableCertificates__factory.connect(await market.certificates(), operator.signer);
  const devices = args.kwhFrom
    .split(",")
    .map((text) => text.trim())
    .filter((text) => text !== "")
    .map((text) => parseId(text, "--kwh-from device id"));

  // Hourly matching: each hour of the window, in order, up to the cluster's hourly draw and the energy unproven.
  const kwhBatchIds: bigint[] = [];
  const kwhAmountsWh: bigint[] = [];
  let unproven = whUsed > recWh ? whUsed - recWh : 0n;
  if (devices.length > 0 && unproven > 0n) {
    const hourlyDraw = BigInt(cluster.gpuCount) * BigInt(cluster.maxWhPerGpuHour);
    const ids: bigint[] = [];
    for (let hour = window.start / HOUR; hour < window.end / HOUR; hour++) {
      for (const device of devices) ids.push(batchId(device, hour));
    }
    const balances = await energy.balanceOfBatch(
      ids.map(() => cluster.provider),
      ids,
    );
    let hourOf = -1n;
    let matchedThisHour = 0n;
    ids.forEach((id, index) => {
      const hour = id & maxUint(64);
      if (hour !== hourOf) [hourOf, matchedThisHour] = [hour, 0n];
      const take = [balances[index], hourlyDraw - matchedThisHour, unproven].reduce((a, b) => (a < b ? a : b));
      if (take <= 0n) return;
      kwhBatchIds.push(id);
      kwhAmountsWh.push(take);
      matchedThisHour += take;
      unproven -= take;
    });
  }

  const marketAddress = await market.getAddress();
  const caller = operator.signer.address;
  for (const [token, used, name] of [
    [energy, kwhBatchIds.length > 0, "kWh"],
    [certificates, recIds.length > 0, "REC"],
  ] as const) {
    if (!used || (await token.isApprovedForAll(cluster.provider, marketAddress))) continue;
    if (caller !== cluster.provider) {
      throw new Error(
        `the provider ${cluster.provider} has not approved the compute market on the ${name} token: it must run this task once, or call setApprovalForAll`,
      );
    }
    await operator.send(
      `Approved the compute market on the ${name} token`,
      token.setApprovalForAll(marketAddress, true),
    );
  }

  const report = { gpuHoursDelivered: gpuHours, whUsed, kwhBatchIds, kwhAmountsWh, recIds, recAmounts };
  const receipt = await operator.send(
    `Recorded the delivery of credit ${creditId}`,
    market.recordDelivery(creditId, report),
  );
  const recorded = receipt.logs
    .map((log) => market.interface.parseLog(log))
    .find((parsed) => parsed?.name === "DeliveryRecorded");
  if (recorded === undefined || recorded === null) throw new Error("the transaction emitted no DeliveryRecorded event");
  const carbonFree = Number(recorded.args.carbonFreeBps) / 100;
  console.log(
    `Window ${formatTime(window.start)} .. ${formatTime(window.end)}: ${recorded.args.gpuHoursDelivered} of ${recorded.args.gpuHoursRedeemed} redeemed GPU-hours delivered, ${formatEnergy(whUsed)} used`,
  );
  console.log(
    `  ${formatEnergy(recorded.args.whHourlyMatched)} matched hourly from ${kwhBatchIds.length} kWh batch(es), ${formatEnergy(recorded.args.whRecMatched)} by RECs${recIds.length > 0 ? ` (${recIds.map(describeCertificate).join(", ")})` : ""}; ${carbonFree.toFixed(2)}% carbon-free`,
  );
  const token = await operator.stablecoin(await market.stablecoin());
  const after = await market.getWindow(creditId);
  console.log(
    `  refunds owed to redeemers ${token.format(after.bondHeld)}; free bond ${token.format((await market.getCluster(clusterId)).bondFree)}`,
  );
});
