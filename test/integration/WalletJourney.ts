import { expect } from "chai";
import {
  type ContractTransactionResponse,
  HDNodeWallet,
  JsonRpcProvider,
  Signature,
  Wallet,
  id,
  parseEther,
} from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { signPermit } from "../../sdk/permit.js";
import { DeviceKind, batchId, gridZone, meteredEnergyDomain, signReading } from "../../sdk/energy.js";
import { describeError } from "../../sdk/errors.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
} from "../../typechain-types/index.js";
import { DEV_MNEMONIC, PROJECT_ROOT, type LocalNode, runHardhat, startLocalNode } from "../helpers/node.js";

const HOUR = 3_600n;
const MWH = 1_000_000n;
const ZONE = gridZone("ERCOT-NORTH");

const mined = async (sent: Promise<ContractTransactionResponse>) => (await (await sent).wait())!;

/**
 * A user journey against a real `hardhat node` over HTTP, as wallets do it: every account is a plain private key
 * that signs its raw transactions and its EIP-712 messages locally. Nothing is impersonated or unlocked.
 */
describe("a wallet journey on a local node", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let provider: JsonRpcProvider;
  const address = (name: string) =>
    JSON.parse(readFileSync(join(PROJECT_ROOT, "deployments", "localhost", `${name}.json`), "utf8")).address as string;

  before(async function () {
    node = await startLocalNode();
    await runHardhat(["deploy", "--network", "localhost", "--skip-prompts"], { LOCALHOST_RPC_URL: node.url });
    provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 });
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
  });

  it("meters a solar device, certifies and retires a REC, and buys GPU-hours with a permit", async function () {
    // The deployer's key, derived from the node's development mnemonic, signs locally like any wallet.
    const deployer = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0").connect(provider);
    const wallet = (label: string) => new Wallet(id(`journey:${label}`), provider);
    const [registrar, owner, relayer, agent, gpuProvider] = ["registrar", "owner", "relayer", "agent", "gpu"].map(
      wallet,
    );
    const meter = new Wallet(id("journey:meter")); // never touches the chain: it only signs readings
    for (const account of [registrar, owner, relayer, agent, gpuProvider]) {
      await (await deployer.sendTransaction({ to: account.address, value: parseEther("1") })).wait();
    }

    const registry = DeviceRegistry__factory.connect(address("DeviceRegistry"), deployer);
    const energy = MeteredEnergy__factory.connect(address("MeteredEnergy"), relayer);
    const recs = RenewableCertificates__factory.connect(address("RenewableCertificates"), owner);
    const stablecoin = TestStablecoin__factory.connect(address("TestStablecoin"), deployer);
    const market = ComputeMarket__factory.connect(address("ComputeMarket"), gpuProvider);

    // The admin hands the registrar role on; the registrar registers a 2 MW solar farm.
    await mined(registry.grantRole(await registry.REGISTRAR_ROLE(), registrar.address));
    const now = BigInt((await provider.getBlock("latest"))!.timestamp);
    await mined(
      registry.connect(registrar).registerDevice({
        signer: meter.address,
        owner: owner.address,
        kind: DeviceKind.Solar,
        capacityW: 2n * MWH,
        gridZone: ZONE,
        commissionedAt: now - 86_400n,
        metadataURI: "ipfs://journey/solar",
      }),
    );
    const deviceId = await registry.deviceCount();

    // The meter signs three hourly readings; a relayer submits them once the hours have passed.
    const t0 = (now / HOUR + 1n) * HOUR;
    const readings = [0n, 1_500_000n, 2_600_000n].map((cumulativeWh, hour) => ({
      deviceId,
      cumulativeWh,
      timestamp: t0 + BigInt(hour) * HOUR,
    }));
    const domain = await meteredEnergyDomain(await energy.getAddress(), provider);
    const signatures = await Promise.all(readings.map((reading) => signReading(meter, domain, reading)));
    await provider.send("evm_setNextBlockTimestamp", [Number(t0 + 2n * HOUR + 60n)]);
    await provider.send("evm_mine", []);

    // The owner starts metering with the first reading (the baseline); the relayer submits the rest.
    await mined(energy.connect(owner).resumeMetering(readings[0], signatures[0]));

    // A reading signed by another key is refused, and the wallet sees the reason, not hex.
    const forged = await signReading(relayer, domain, readings[1]);
    const failure = await energy.submitReadings([readings[1], readings[2]], [forged, signatures[2]]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(describeError(failure, [MeteredEnergy__factory.abi])).to.equal(
      `reverted with MeteredEnergyInvalidSigner(deviceId=${deviceId}, recovered=${relayer.address}, expected=${meter.address})`,
    );

    await mined(energy.submitReadings(readings.slice(1), signatures.slice(1)));
    const firstHour = batchId(deviceId, t0 / HOUR);
    const secondHour = batchId(deviceId, t0 / HOUR + 1n);
    expect(await energy.balanceOf(owner.address, firstHour)).to.equal(1_500_000n);
    expect(await energy.balanceOf(owner.address, secondHour)).to.equal(1_100_000n);

    // The owner locks 2 MWh for RECs; the deployer, an accredited issuer, certifies; the owner retires one.
    await mined(energy.connect(owner).setApprovalForAll(await recs.getAddress(), true));
    const request = await mined(recs.requestIssuance([firstHour, secondHour], [1_500_000n, 500_000n]));
    const requested = request.logs
      .map((log) => recs.interface.parseLog(log))
      .find((e) => e?.name === "IssuanceRequested")!;
    await mined(
      recs
        .connect(deployer)
        .certify(requested.args.requestId, [firstHour, secondHour], [1_500_000n, 500_000n], "ipfs://journey/evidence"),
    );
    const certificateId: bigint = requested.args.certificateId;
    expect(await recs.balanceOf(owner.address, certificateId)).to.equal(2n);
    await mined(recs.retire(owner.address, certificateId, 1n, owner.address, "Journey Co", "Scope 2, test month"));
    const receiptId = await recs.receiptCount();
    const [retirement] = await recs.queryFilter(recs.filters.CertificatesRetired(receiptId));
    expect(retirement.args.amount).to.equal(1n);
    expect(retirement.args.beneficiary).to.equal(owner.address);
    const retiredAt = BigInt((await retirement.getBlock()).timestamp);
    const { holder, amount, beneficiary, beneficiaryName, purpose } = retirement.args;
    expect(
      await recs.verifyReceipt(receiptId, {
        certificateId,
        holder,
        retiredAt,
        beneficiary,
        amount,
        beneficiaryName,
        purpose,
      }),
    ).to.equal(true);
    expect(await energy.balanceOf(owner.address, secondHour)).to.equal(600_000n);

    // A GPU provider offers a window; an agent buys GPU-hours in one transaction with an EIP-2612 permit.
    await mined(
      market.registerCluster({
        gpuClass: "H100-SXM",
        gpuCount: 8,
        gridZone: ZONE,
        minWhPerGpuHour: 500,
        maxWhPerGpuHour: 1_000,
        operator: gpuProvider.address,
        payout: gpuProvider.address,
        payoutIsIntake: false,
      }),
    );
    const clusterId = await market.clusterCount();
    const price = 2_500_000n;
    await mined(stablecoin.mint(gpuProvider.address, 100n * price));
    await mined(stablecoin.connect(gpuProvider).approve(await market.getAddress(), 100n * price));
    await mined(market.postBond(clusterId, 100n * price));
    const windowStart = t0 + 4n * HOUR;
    await mined(market.offerWindow(clusterId, windowStart, 2n, price));
    const creditId = await market.creditId(clusterId, windowStart);

    await mined(stablecoin.mint(agent.address, 10n * price));
    const deadline = windowStart;
    const permit = await signPermit(
      agent,
      await stablecoin.getAddress(),
      await market.getAddress(),
      4n * price,
      deadline,
    );
    await mined(
      market.connect(agent).buyWithPermit(creditId, 4n, agent.address, deadline, permit.v, permit.r, permit.s),
    );
    expect(await market.balanceOf(agent.address, creditId)).to.equal(4n);
    expect(await stablecoin.balanceOf(agent.address)).to.equal(6n * price);
    // The sale's proceeds accrue to the provider's payout address; the provider pulls them.
    await mined(market.claimProceeds(gpuProvider.address));
    expect(await stablecoin.balanceOf(gpuProvider.address)).to.equal(4n * price);
  });
});
