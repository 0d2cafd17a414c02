import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { readLineage } from "../../sdk/lineage.js";
import { readVaultPeriod } from "../../sdk/vault.js";
import {
  ComputeMarket__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TrancheNote__factory,
  TrancheVault__factory,
} from "../../typechain-types/index.js";
import { type LocalNode, startLocalNode } from "../helpers/node.js";
import {
  type IndexerStore,
  type PlayedChain,
  type RunningIndexer,
  createStore,
  getJson,
  graphqlAll,
  playDemo,
  sleep,
  startIndexer,
  waitCaughtUp,
} from "./harness.js";

const address = (dir: string, name: string) =>
  JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")).address as string;

/**
 * The indexer against a real `hardhat node` on which the demo scenario was played: every answer is compared with the
 * contracts' own views and with sdk/lineage.ts, to the unit. Runs on PGlite, or on Postgres when DATABASE_URL is set.
 */
describe("indexer: the demo scenario on a local node", function () {
  this.timeout(900_000);
  let node: LocalNode;
  let chain: PlayedChain;
  let store: IndexerStore;
  let indexer: RunningIndexer | undefined;
  let provider: JsonRpcProvider;
  let chainId: number;
  let at: (name: string) => string;

  before(async function () {
    node = await startLocalNode();
    chain = await playDemo(node.url);
    provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 });
    chainId = Number((await provider.getNetwork()).chainId);
    at = (name) => address(chain.deploymentsDir, name);
    // The holder of the first certified RECs retires one, so that there is a retirement receipt to verify.
    const [holder] = await chain.ethers.getSigners();
    const recs = RenewableCertificates__factory.connect(at("RenewableCertificates"), holder);
    const [certified] = await recs.queryFilter(recs.filters.IssuanceCertified());
    const owner = await chain.ethers.getSigner((await recs.getRequest(certified.args.requestId)).requester);
    await (
      await recs
        .connect(owner)
        .retire(owner.address, certified.args.certificateId, 1n, owner.address, "Test buyer", "Scope 2 test")
    ).wait();
    store = await createStore();
    indexer = await startIndexer([{ chainId, rpcUrl: node.url, deploymentsDir: chain.deploymentsDir }], store);
    await waitCaughtUp(indexer);
  });

  after(async function () {
    await indexer?.stop();
    provider?.destroy();
    await chain?.close();
    await node?.stop();
    await store?.drop();
  });

  it("gives every delivery lot the lineage sdk/lineage.ts reads, to the unit, and the contract's lot figures", async function () {
    const market = ComputeMarket__factory.connect(at("ComputeMarket"), provider);
    const lots = await graphqlAll(indexer!, "deliveryLots", `{ chainId: ${chainId} }`, "creditId");
    const recorded = await market.queryFilter(market.filters.DeliveryRecorded());
    expect(lots.length, "one lot per DeliveryRecorded").to.equal(recorded.length).and.to.be.greaterThan(0);
    const addresses = {
      market: at("ComputeMarket"),
      energy: at("MeteredEnergy"),
      certificates: at("RenewableCertificates"),
      registry: at("DeviceRegistry"),
    };
    let hoursSeen = 0;
    let recsSeen = 0;
    for (const { creditId } of lots) {
      const expected = await readLineage(provider, addresses, BigInt(creditId));
      const { status, body } = await getJson(indexer!, `/v1/chains/${chainId}/lots/${creditId}/lineage`);
      expect(status).to.equal(200);
      // The lot lives in its DeliveryRecorded event, which the SDK reads straight from the chain.
      const onChain = expected.lot;
      expect(body.lot).to.deep.include({
        gpuHoursDelivered: onChain.gpuHoursDelivered.toString(),
        gpuHoursRedeemed: onChain.gpuHoursRedeemed.toString(),
        whUsed: onChain.whUsed.toString(),
        whHourlyMatched: onChain.whHourlyMatched.toString(),
        whRecMatched: onChain.whRecMatched.toString(),
        carbonFreeBps: Number(onChain.carbonFreeBps),
      });
      const window = await market.getWindow(creditId);
      expect(body.lot.gpuHoursDelivered).to.equal(window.delivered.toString());
      expect(body.clusterId).to.equal(expected.clusterId.toString());
      expect(body.window).to.deep.include({
        startUnix: expected.window.start.toString(),
        endUnix: expected.window.end.toString(),
        capacityGpuHours: expected.window.capacity.toString(),
        pricePerGpuHourUsdc6: expected.window.pricePerGpuHour.toString(),
      });
      const byBatch = (a: { batchId: string }, b: { batchId: string }) =>
        BigInt(a.batchId) < BigInt(b.batchId) ? -1 : 1;
      expect([...body.deviceHours].sort(byBatch)).to.deep.equal(
        expected.kwh
          .map((batch) => ({
            batchId: batch.batchId.toString(),
            deviceId: batch.deviceId.toString(),
            hourStartUnix: batch.hourStart.toString(),
            gridZone: batch.gridZone,
            source: batch.source,
            wh: batch.wh.toString(),
            transactionHash: batch.transactionHash,
          }))
          .sort(byBatch),
      );
      expect(body.recs).to.deep.equal(
        expected.recs.map((rec) => ({
          certificateId: rec.certificateId.toString(),
          deviceId: rec.deviceId.toString(),
          vintage: Number(rec.vintage),
          gridZone: rec.gridZone,
          source: rec.source,
          receiptId: rec.receiptId.toString(),
          recs: rec.recs.toString(),
          wh: rec.wh.toString(),
          beneficiary: rec.beneficiary.toLowerCase(),
          transactionHash: rec.transactionHash,
        })),
      );
      expect(body.revenue.grossUsdc6).to.equal(expected.revenue.gross.toString());
      expect(body.revenue.refundsUsdc6).to.equal(expected.revenue.refunds.toString());
      expect(body.revenue.netUsdc6).to.equal(expected.revenue.net.toString());
      expect(body.revenue.sales).to.have.length(expected.revenue.sales.length);
      const zoneWh = body.zones.reduce((total: bigint, zone: { wh: string }) => total + BigInt(zone.wh), 0n);
      expect(zoneWh, "zones add up to the Wh matched hourly").to.equal(onChain.whHourlyMatched);
      expect(body.coupons.rule).to.match(/pro rata/);
      hoursSeen += body.deviceHours.length;
      recsSeen += body.recs.length;
    }
    expect(hoursSeen, "some lot burned kWh batches").to.be.greaterThan(0);
    expect(recsSeen, "some lot retired RECs").to.be.greaterThan(0);
  });

  it("attributes each period's tranche cash to the lots pro rata to revenue, never more than was allotted", async function () {
    const vault = TrancheVault__factory.connect(at("TrancheVault"), provider);
    const lots = await graphqlAll(indexer!, "deliveryLots", `{ chainId: ${chainId} }`, "creditId");
    const attributed = new Map<string, bigint>();
    let checked = 0;
    for (const { creditId } of lots) {
      const { body } = await getJson(indexer!, `/v1/chains/${chainId}/lots/${creditId}/lineage`);
      for (const period of body.coupons.periods) {
        if (!period.distributed) continue;
        // The vault keeps no per-period history: its events, read independently of the indexer, are the reference.
        const recorded = await readVaultPeriod(provider, await vault.getAddress(), BigInt(period.period));
        const periodRevenue = recorded.revenueBySource.reduce((a, b) => a + b, 0n);
        expect(periodRevenue).to.equal(recorded.report!.revenue);
        expect(period.periodRevenueUsdc6).to.equal(periodRevenue.toString());
        for (const entry of period.tranches) {
          const report = recorded.tranches[entry.trancheId];
          expect(entry.allottedUsdc6).to.equal(report.allotted.toString());
          const expected = (report.allotted * BigInt(period.lotRevenueUsdc6)) / periodRevenue;
          expect(entry.attributedUsdc6).to.equal(expected.toString());
          const key = `${period.period}:${entry.trancheId}`;
          attributed.set(key, (attributed.get(key) ?? 0n) + expected);
          checked++;
          expect(attributed.get(key)! <= report.allotted, `period ${key} over-attributed`).to.equal(true);
        }
      }
    }
    expect(checked, "some lot's revenue reached a distributed period").to.be.greaterThan(0);
  });

  it("reports the vault's periods, revenue by source, waterfall and tranche states as the vault does", async function () {
    const vault = TrancheVault__factory.connect(at("TrancheVault"), provider);
    const { status, body } = await getJson(indexer!, `/v1/chains/${chainId}/vaults/${at("TrancheVault")}`);
    expect(status).to.equal(200);
    const last = Number(await vault.lastDistributedPeriod());
    expect(body.lastDistributedPeriod).to.equal(last);
    expect(last).to.be.greaterThan(0);
    const totals = await vault.totals();
    expect(body.revenueUsdc6).to.equal(totals.revenue.toString());
    expect(body.drawnUsdc6).to.equal(totals.drawn.toString());
    expect(body.undistributedRevenueUsdc6).to.equal((await vault.openPeriodRevenue()).toString());
    for (const period of body.periods) {
      const recorded = await readVaultPeriod(provider, await vault.getAddress(), BigInt(period.period));
      const sources = ["compute", "energy", "flexibility", "other"] as const;
      for (const [index, source] of sources.entries()) {
        expect(period.revenueBySourceUsdc6[source], `period ${period.period} ${source}`).to.equal(
          recorded.revenueBySource[index].toString(),
        );
      }
      expect(period.distributed).to.equal(recorded.report !== undefined);
      if (!period.distributed) continue;
      const report = recorded.report!;
      expect(period.report).to.deep.equal({
        revenueUsdc6: report.revenue.toString(),
        cashAvailableUsdc6: report.cashAvailable.toString(),
        feeDueUsdc6: report.feeDue.toString(),
        feePaidUsdc6: report.feePaid.toString(),
        reserveDrawnUsdc6: report.reserveDrawn.toString(),
        reserveToppedUpUsdc6: report.reserveToppedUp.toString(),
        reserveReleasedUsdc6: report.reserveReleased.toString(),
        sweptUsdc6: report.swept.toString(),
        equityResidualUsdc6: report.equityResidual.toString(),
        coverageBps: report.coverageBps.toString(),
        covenantBreached: report.covenantBreached,
      });
      for (const entry of period.tranches) {
        const tr = recorded.tranches[entry.trancheId];
        expect(entry).to.deep.include({
          interestDueUsdc6: tr.interestDue.toString(),
          interestPaidUsdc6: tr.interestPaid.toString(),
          principalDueUsdc6: tr.principalDue.toString(),
          principalPaidUsdc6: tr.principalPaid.toString(),
          allottedUsdc6: tr.allotted.toString(),
        });
      }
    }
    expect(body.periods.filter((period: { distributed: boolean }) => period.distributed)).to.have.length(last);
    let claimed = 0n;
    for (const entry of body.tranches) {
      const onChain = await vault.tranche(entry.trancheId);
      expect(entry.note.toLowerCase()).to.equal(onChain.note.toLowerCase());
      const note = TrancheNote__factory.connect(onChain.note, provider);
      expect(entry.notesOutstanding).to.equal((await note.totalSupply()).toString());
      for (const holder of entry.holders) {
        expect(holder.notes, `notes of ${holder.holder}`).to.equal((await note.balanceOf(holder.holder)).toString());
      }
      claimed += BigInt(entry.claimedUsdc6);
    }
    expect(claimed).to.equal(totals.claimed);
  });

  it("gives each device's hours with what became of their Wh, adding up to the token's balances and burns", async function () {
    const energy = MeteredEnergy__factory.connect(at("MeteredEnergy"), provider);
    const devices = await graphqlAll(indexer!, "devices", `{ chainId: ${chainId} }`, "deviceId");
    expect(devices.length).to.be.greaterThan(1);
    const balances = await graphqlAll(
      indexer!,
      "tokenBalances",
      `{ chainId: ${chainId}, token: "kwh" }`,
      "tokenId holder amount",
    );
    for (const { deviceId } of devices) {
      const { status, body } = await getJson(indexer!, `/v1/chains/${chainId}/devices/${deviceId}/hours`);
      expect(status).to.equal(200);
      expect(body.device.mintedWh).to.equal((await energy.mintedWh(deviceId)).toString());
      let minted = 0n;
      for (const hour of body.hours) {
        const parts = ["certifiedWh", "computeWh", "consumedWh", "heldWh"].map((key) => BigInt(hour[key]));
        expect(
          parts.reduce((a, b) => a + b, 0n),
          `hour ${hour.hourStartUnix} adds up`,
        ).to.equal(BigInt(hour.mintedWh));
        const holders = balances.filter((row: any) => row.tokenId === hour.batchId);
        let held = 0n;
        for (const row of holders) {
          expect(row.amount, `balance of ${row.holder} in ${hour.batchId}`).to.equal(
            (await energy.balanceOf(row.holder, hour.batchId)).toString(),
          );
          held += BigInt(row.amount);
        }
        expect(held.toString(), `held Wh of ${hour.batchId}`).to.equal(hour.heldWh);
        minted += BigInt(hour.mintedWh);
      }
      expect(minted.toString()).to.equal(body.device.mintedWh);
    }
    const [first] = devices;
    const { body } = await getJson(indexer!, `/v1/chains/${chainId}/devices/${first.deviceId}/hours`);
    const [hour] = body.hours;
    const links = await getJson(indexer!, `/v1/chains/${chainId}/batches/${hour.batchId}/links`);
    expect(links.status).to.equal(200);
    expect(links.body.links.map((link: { link: string }) => link.link)).to.deep.equal([
      "device",
      "metered",
      "certificates",
      "compute",
      "consumed",
      "held",
    ]);
  });

  it("verifies every retirement receipt against the REC token's committed receipt hash and totals", async function () {
    const recs = RenewableCertificates__factory.connect(at("RenewableCertificates"), provider);
    const count = Number(await recs.receiptCount());
    expect(count).to.be.greaterThan(0);
    for (let receiptId = 1; receiptId <= count; receiptId++) {
      const { status, body } = await getJson(indexer!, `/v1/chains/${chainId}/retirements/${receiptId}/verification`);
      expect(status).to.equal(200);
      expect(body.valid).to.equal(true);
      // The indexer's receipt, read from the event, is exactly what the token committed to at retirement.
      const retirement = body.retirement;
      const receipt = {
        certificateId: BigInt(retirement.certificateId),
        holder: retirement.holder,
        retiredAt: BigInt(retirement.retiredAtUnix),
        beneficiary: retirement.beneficiary,
        amount: BigInt(retirement.recs),
        beneficiaryName: retirement.beneficiaryName,
        purpose: retirement.purpose,
      };
      expect(await recs.verifyReceipt(receiptId, receipt)).to.equal(true);
      expect(await recs.verifyReceipt(receiptId, { ...receipt, purpose: receipt.purpose + "." })).to.equal(false);
      const totals = await recs.certificateTotals(receipt.certificateId);
      expect(body.certificate.revoked).to.equal(false);
      expect(body.certificate.issued).to.equal(totals.issued.toString());
      expect(body.certificate.retired).to.equal(totals.retired.toString());
    }
    const missing = await getJson(indexer!, `/v1/chains/${chainId}/retirements/${count + 1}/verification`);
    expect(missing.status).to.equal(404);
    expect(missing.body.error).to.equal(`chain ${chainId} has no retirement receipt ${count + 1}`);
  });

  it("answers read-only SQL over HTTP from the same tables", async function () {
    const energy = MeteredEnergy__factory.connect(at("MeteredEnergy"), provider);
    const logs = await energy.queryFilter(energy.filters.ReadingAccepted());
    const sql = async (text: string) => {
      const query = encodeURIComponent(JSON.stringify({ json: { sql: text, params: [] } }));
      const response = await fetch(`${indexer!.url}/sql/db?sql=${query}`);
      return { status: response.status, text: await response.text() };
    };
    const count = await sql(`SELECT count(*) AS n FROM reading WHERE chain_id = ${chainId}`);
    expect(count.status, count.text).to.equal(200);
    expect(Number(JSON.parse(count.text).rows[0].n))
      .to.equal(logs.length)
      .and.to.be.greaterThan(0);
    const write = await sql("DELETE FROM reading");
    expect(write.status).to.not.equal(200);
    const after = await sql(`SELECT count(*) AS n FROM reading WHERE chain_id = ${chainId}`);
    expect(Number(JSON.parse(after.text).rows[0].n)).to.equal(logs.length);
  });

  it("answers 503 with the indexed and head blocks while it is behind, then catches up", async function () {
    for (let i = 0; i < 5; i++) await provider.send("evm_mine", []);
    const head = await provider.getBlockNumber();
    const { status, body } = await getJson(indexer!, `/v1/chains/${chainId}/vaults/${at("TrancheVault")}`);
    expect(status).to.equal(503);
    expect(body.error).to.equal("not caught up");
    expect(body.chains[0].headBlock).to.equal(head);
    expect(body.chains[0].indexedBlock).to.be.lessThan(head);
    const caught = await waitCaughtUp(indexer!);
    expect(caught.chains[0].indexedBlock).to.equal(head);
    await sleep(0);
  });
});
