import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract, FunctionFragment, ParamType } from "ethers";

import { expect } from "chai";
import { ZeroHash, id } from "ethers";
import { network } from "hardhat";
import { readFileSync, readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";

import { TrancheVault__factory } from "../../typechain-types/index.js";
import { deployEverything } from "../helpers/security.js";

const { ethers, networkHelpers, provider } = await network.create();

/**
 * Who may call a state-changing function.
 * - `public`: anyone (the note says what else protects it: a signature, an approval, the caller's own funds).
 * - `role`: an OpenZeppelin AccessControl role of the same contract (`DEFAULT_ADMIN_ROLE` = the role admin).
 * - `owner`: the Ownable owner. `vault`: the note's own vault. `note`: one of this vault's notes.
 * - `deviceOwner`: the registry's owner of the device (`meterOwner`: the same, checked by MeteredEnergy for a reading
 *   of the device). `provider`: the account that made the commitment.
 * - `clusterProvider`: the account that registered the GPU cluster. `clusterOperator`: its scheduler key or provider.
 */
type Guard =
  | { kind: "public"; note: string }
  | { kind: "role"; role: string }
  | {
      kind: "owner" | "vault" | "deviceOwner" | "meterOwner" | "provider" | "clusterProvider" | "clusterOperator";
    };

const open = (note: string): Guard => ({ kind: "public", note });
const role = (name: string): Guard => ({ kind: "role", role: name });
const ADMIN = role("DEFAULT_ADMIN_ROLE");
const ROLE_ADMIN_FUNCTIONS = { grantRole: ADMIN, revokeRole: ADMIN, renounceRole: open("only for oneself") };
const ERC1155_MOVES = {
  safeTransferFrom: open("holder or approved operator"),
  safeBatchTransferFrom: open("holder or approved operator"),
  setApprovalForAll: open("the caller's own approval"),
};
const ERC20_MOVES = {
  transfer: open("the caller's own balance"),
  transferFrom: open("allowance"),
  approve: open("the caller's own allowance"),
};

/**
 * Every state-changing external function of every production contract. A contract added under `contracts/` (outside
 * `mocks/`) or a function added to one fails the completeness test below until it is classified here.
 */
const MATRIX: Record<string, Record<string, Guard>> = {
  TestStablecoin: {
    ...ERC20_MOVES,
    permit: open("EIP-712 signature of the holder"),
    transferWithAuthorization: open("EIP-3009 signature of the payer (ECDSA or ERC-1271)"),
    receiveWithAuthorization: open("EIP-3009 signature of the payer, submitted by the payee only"),
    cancelAuthorization: open("EIP-3009 cancellation signed by the authorizer"),
    mint: { kind: "owner" },
    transferOwnership: { kind: "owner" },
    renounceOwnership: { kind: "owner" },
  },
  DeviceRegistry: {
    ...ROLE_ADMIN_FUNCTIONS,
    registerDevice: role("REGISTRAR_ROLE"),
    suspendDevice: role("REGISTRAR_ROLE"),
    reactivateDevice: role("REGISTRAR_ROLE"),
    decommissionDevice: role("REGISTRAR_ROLE"),
    setMetadataURI: role("REGISTRAR_ROLE"),
    rotateSigner: { kind: "deviceOwner" },
    setOwner: { kind: "deviceOwner" },
  },
  MeteredEnergy: {
    ...ROLE_ADMIN_FUNCTIONS,
    ...ERC1155_MOVES,
    submitReading: open("EIP-712 signature of the device's current signer"),
    submitReadings: open("EIP-712 signature of each device's current signer"),
    resumeMetering: { kind: "meterOwner" },
    consume: open("holder or approved operator"),
    pause: role("PAUSER_ROLE"),
    unpause: role("PAUSER_ROLE"),
  },
  RenewableCertificates: {
    ...ROLE_ADMIN_FUNCTIONS,
    ...ERC1155_MOVES,
    requestIssuance: open("locks the caller's own kWh"),
    retire: open("holder or approved operator"),
    certify: role("ISSUER_ROLE"),
    reject: role("ISSUER_ROLE"),
    revoke: role("ISSUER_ROLE"),
    pause: role("PAUSER_ROLE"),
    unpause: role("PAUSER_ROLE"),
  },
  FlexibilityMarket: {
    ...ROLE_ADMIN_FUNCTIONS,
    ...ERC1155_MOVES,
    openRequest: role("BUYER_ROLE"),
    commit: open("device owner of the committed device, checked against the registry"),
    setPayee: { kind: "provider" },
    settleWithReadings: open("EIP-712 readings of the device's current signer"),
    settleWithAttestation: open("EIP-712 attestation signed by a VERIFIER_ROLE holder"),
    expire: open("only after the settlement deadline"),
    returnEscrow: open("pays the buyer's ledger only"),
    claim: open("the caller's own ledger balance"),
    payRevenue: open("pays the intake's own ledger balance"),
  },
  ComputeMarket: {
    ...ERC1155_MOVES,
    registerCluster: open("the caller becomes the new cluster's provider"),
    postBond: open("the caller's own funds, locked for the cluster's buyers"),
    buy: open("the caller's own funds"),
    buyWithPermit: open("the caller's own permit"),
    buyWithAuthorization: open("the buyer's EIP-3009 receive-authorization, bound to the purchase by its nonce"),
    redeem: open("holder or approved operator"),
    lapseDelivery: open("only after the delivery period; refunds every redeemer"),
    claimRefund: open("pays the redeemer only"),
    pushProceeds: open("pays the payee's own accrued proceeds into it only"),
    claimProceeds: open("the caller's own accrued proceeds"),
    setOperator: { kind: "clusterProvider" },
    setPayout: { kind: "clusterProvider" },
    withdrawBond: { kind: "clusterProvider" },
    offerWindow: { kind: "clusterProvider" },
    recordDelivery: { kind: "clusterOperator" },
  },
  InvestorRegistry: {
    ...ROLE_ADMIN_FUNCTIONS,
    listInvestor: role("AGENT_ROLE"),
    listInvestors: role("AGENT_ROLE"),
    delistInvestor: role("AGENT_ROLE"),
    setFrozen: role("AGENT_ROLE"),
    linkIdentity: role("AGENT_ROLE"),
  },
  TrancheVault: {
    ...ROLE_ADMIN_FUNCTIONS,
    subscribe: open("verified investors, the caller's own funds"),
    subscribeWithPermit: open("verified investors, the caller's own permit"),
    closeFunding: open("state machine: only when full or past the deadline"),
    refund: open("the caller's own notes"),
    unwind: open("state machine: only an undrawn raise past the draw deadline"),
    cancelRecovery: open("only the wallet being recovered or an agent (TrancheVaultRecoveryNotCancellable)"),
    recoverNotes: open("executes only an agent's announcement whose contest window is over"),
    receiveRevenue: open("the caller's own funds"),
    distribute: open("only once per ended period"),
    claim: open("the caller's own payouts"),
    redeem: open("the caller's own notes"),
    payFees: open("pays the fee recipient only"),
    drawdown: role("OPERATOR_ROLE"),
    setFeeRecipient: role("OPERATOR_ROLE"),
    announceRecovery: role("AGENT_ROLE"),
    writeDown: role("LOSS_ASSESSOR_ROLE"),
  },
  TrancheNote: {
    ...ERC20_MOVES,
    mint: { kind: "vault" },
    allot: { kind: "vault" },
    take: { kind: "vault" },
    cancel: { kind: "vault" },
    recover: { kind: "vault" },
  },
};

/** The operational roles of each AccessControl contract (the deployer holds all of them after the deploy scripts). */
const ROLES: Record<string, string[]> = {
  DeviceRegistry: ["REGISTRAR_ROLE"],
  MeteredEnergy: ["PAUSER_ROLE"],
  RenewableCertificates: ["ISSUER_ROLE", "PAUSER_ROLE"],
  FlexibilityMarket: ["BUYER_ROLE", "VERIFIER_ROLE"],
  InvestorRegistry: ["AGENT_ROLE"],
  TrancheVault: ["OPERATOR_ROLE", "AGENT_ROLE", "LOSS_ASSESSOR_ROLE"],
};

const ROOT = new URL("../..", import.meta.url).pathname;

function productionSources(folder = join(ROOT, "contracts")): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "mocks" ? [] : productionSources(path);
    return entry.name.endsWith(".sol") ? [path] : [];
  });
}

/** The state-changing functions of every deployable production contract, read from the compiled ABIs. */
function stateChangingFunctions(): Map<string, FunctionFragment[]> {
  const found = new Map<string, FunctionFragment[]>();
  for (const source of productionSources()) {
    const name = basename(source, ".sol");
    const artifact = JSON.parse(
      readFileSync(join(ROOT, "artifacts", relative(ROOT, source), `${name}.json`), "utf8"),
    ) as { abi: unknown[]; bytecode: string };
    if (artifact.bytecode === "0x") continue; // interfaces and abstract contracts
    const fragments = new ethers.Interface(artifact.abi as string[]).fragments.filter(
      (f): f is FunctionFragment => f.type === "function" && !(f as FunctionFragment).constant,
    );
    if (fragments.length > 0) found.set(name, fragments);
  }
  return found;
}

/** A zero value of an ABI type, so a guarded function can be called before any of its own checks run. */
function zero(param: ParamType): unknown {
  if (param.baseType === "tuple") return param.components!.map(zero);
  if (param.baseType === "array") return Array.from({ length: Math.max(param.arrayLength!, 0) }, () => 0);
  if (param.baseType === "address") return ethers.ZeroAddress;
  if (param.baseType === "bool") return false;
  if (param.baseType === "string") return "";
  if (param.baseType === "bytes") return "0x";
  if (param.baseType.startsWith("bytes")) return ethers.zeroPadValue("0x", Number(param.baseType.slice(5)));
  return 0n;
}

const roleHash = (name: string) => (name === "DEFAULT_ADMIN_ROLE" ? ZeroHash : id(name));

describe("access-control matrix", function () {
  async function matrixFixture() {
    const { deployer, contracts } = await deployEverything(provider, ethers);
    const [, stranger, wrong, revoked, deviceOwner, nextOwner, buyer, meter] = await ethers.getSigners();
    const { DeviceRegistry: registry, FlexibilityMarket: market, TestStablecoin: stablecoin } = contracts;

    // A battery device owned by `deviceOwner`, committed to a request of `buyer`, for the object-owner guards.
    const now = BigInt(await networkHelpers.time.latest());
    await registry.registerDevice({
      signer: meter.address,
      owner: deviceOwner.address,
      kind: 6,
      capacityW: 1_000n,
      gridZone: ethers.encodeBytes32String("ERCOT-NORTH"),
      commissionedAt: now - 86_400n,
      metadataURI: "",
    });
    await market.grantRole(id("BUYER_ROLE"), buyer.address);
    for (const account of [buyer, deviceOwner]) {
      await stablecoin.mint(account.address, 10n ** 12n);
      await stablecoin.connect(account).approve(await market.getAddress(), ethers.MaxUint256);
    }
    const windowStart = (now / 3600n + 4n) * 3600n;
    await market.connect(buyer).openRequest({
      gridZone: ethers.encodeBytes32String("ERCOT-NORTH"),
      direction: 0,
      windowStart,
      windowEnd: windowStart + 3600n,
      commitDeadline: windowStart - 3600n,
      settlementDeadline: windowStart + 7200n,
      capacityW: 1_000n,
      pricePerWh: 1n,
      stakeBps: 1_000,
      readingTolerance: 0,
    });
    await market.connect(deviceOwner).commit(1n, 1n, 1_000n, deviceOwner.address);

    // A GPU cluster registered by `deviceOwner` with `meter` as its scheduler key, and one window of it.
    const compute = contracts.ComputeMarket;
    await compute.connect(deviceOwner).registerCluster({
      gpuClass: "H100-SXM",
      gpuCount: 8,
      gridZone: ethers.encodeBytes32String("ERCOT-NORTH"),
      minWhPerGpuHour: 500,
      maxWhPerGpuHour: 1_000,
      operator: meter.address,
      payout: deviceOwner.address,
      payoutIsIntake: false,
    });
    await compute.connect(deviceOwner).offerWindow(1n, windowStart, 1n, 1n);
    const creditId = await compute.creditId(1n, windowStart);

    // A second vault, so that "the same privilege elsewhere" can be tried against the immutable vault/note gates.
    const p = await contracts.TrancheVault.params();
    const otherVault = await new TrancheVault__factory(deployer).deploy(
      {
        asset: p.asset,
        registry: p.registry,
        admin: deployer.address,
        projectWallet: p.projectWallet,
        feeRecipient: p.feeRecipient,
        fundingDeadline: now + 86_400n,
        periodLength: p.periodLength,
        periodCount: p.periodCount,
        servicingFeePerPeriod: p.servicingFeePerPeriod,
        reserveTargetBps: p.reserveTargetBps,
        minCoverageBps: p.minCoverageBps,
      },
      [{ name: "X", symbol: "X", targetSize: 1n, minSubscription: 1n, couponBps: 0, amortizationPerPeriod: 0n }],
    );

    return {
      deployer,
      contracts,
      stranger,
      wrong,
      revoked,
      deviceOwner,
      nextOwner,
      buyer,
      meter,
      otherVault,
      creditId,
    };
  }
  type Fixture = Awaited<ReturnType<typeof matrixFixture>>;
  const load = () => networkHelpers.loadFixture(matrixFixture);

  async function impersonate(address: string): Promise<HardhatEthersSigner> {
    await networkHelpers.impersonateAccount(address);
    await networkHelpers.setBalance(address, 10n ** 18n);
    return ethers.getSigner(address);
  }

  function contractOf(f: Fixture, name: string): BaseContract {
    return (f.contracts as Record<string, BaseContract>)[name];
  }

  /** Calls `fragment` on `name` as `caller`, with zero arguments unless the guard needs a real object id. */
  function call(f: Fixture, name: string, fragment: FunctionFragment, caller: HardhatEthersSigner) {
    const contract = contractOf(f, name).connect(caller) as BaseContract;
    let args = fragment.inputs.map(zero);
    if (MATRIX[name][fragment.name].kind === "deviceOwner") args = [1n, caller.address];
    if (MATRIX[name][fragment.name].kind === "meterOwner")
      args = [{ deviceId: 1n, cumulativeWh: 0n, timestamp: 1n }, "0x"];
    if (MATRIX[name][fragment.name].kind === "provider") args = [1n, caller.address];
    if (MATRIX[name][fragment.name].kind === "clusterProvider") args = [1n, ...args.slice(1)];
    if (MATRIX[name][fragment.name].kind === "clusterOperator") args = [f.creditId, ...args.slice(1)];
    return contract.getFunction(fragment.format("sighash"))(...args);
  }

  describe("classification", function () {
    it("classifies every state-changing function of every production contract, and nothing else", function () {
      const unclassified: string[] = [];
      const found = stateChangingFunctions();
      for (const [name, fragments] of found) {
        for (const fragment of fragments) {
          if (!MATRIX[name]?.[fragment.name]) unclassified.push(`${name}.${fragment.format("sighash")}`);
        }
      }
      const stale = Object.entries(MATRIX).flatMap(([name, functions]) =>
        Object.keys(functions)
          .filter((fn) => !(found.get(name) ?? []).some((fragment) => fragment.name === fn))
          .map((fn) => `${name}.${fn}`),
      );
      expect(unclassified, "state-changing functions missing from the matrix").to.deep.equal([]);
      expect(stale, "matrix entries with no such function").to.deep.equal([]);
    });

    it("overloads only public functions (EIP-3009's v,r,s and bytes forms), so one entry per name covers them", function () {
      for (const [name, fragments] of stateChangingFunctions()) {
        const names = fragments.map((fragment) => fragment.name);
        const overloaded = names.filter((fn, i) => names.indexOf(fn) !== i);
        for (const fn of overloaded) expect(MATRIX[name][fn].kind, `${name}.${fn}`).to.equal("public");
      }
    });

    it("gives each privileged class its count (printed for the report)", function () {
      const counts: Record<string, number> = {};
      for (const functions of Object.values(MATRIX)) {
        for (const guard of Object.values(functions)) {
          const key = guard.kind === "role" ? guard.role : guard.kind;
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
      console.log(`      ${JSON.stringify(counts)}`);
      expect(counts.public).to.be.greaterThan(0);
    });
  });

  for (const [name, functions] of Object.entries(MATRIX)) {
    for (const [fn, guard] of Object.entries(functions)) {
      if (guard.kind === "public") continue;
      const fragmentOf = (f: Fixture) => contractOf(f, name).interface.getFunction(fn)!;

      describe(`${name}.${fn} (${guard.kind === "role" ? guard.role : guard.kind})`, function () {
        if (guard.kind === "role") {
          const required = roleHash(guard.role);
          const others = ["DEFAULT_ADMIN_ROLE", ...ROLES[name]].filter((r) => r !== guard.role);

          const expectDenied = async (f: Fixture, caller: HardhatEthersSigner) => {
            const contract = contractOf(f, name);
            await expect(call(f, name, fragmentOf(f), caller))
              .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
              .withArgs(caller.address, required);
            expect(await contract.getFunction("hasRole")(required, caller.address)).to.equal(false);
          };

          it("reverts for an account with no role", async function () {
            const f = await load();
            await expectDenied(f, f.stranger);
          });

          it(`reverts for an account holding another role (${others[others.length - 1]})`, async function () {
            const f = await load();
            const other = roleHash(others[others.length - 1]);
            await contractOf(f, name).getFunction("grantRole")(other, f.wrong.address);
            await expectDenied(f, f.wrong);
          });

          it("reverts for an account whose role was revoked", async function () {
            const f = await load();
            const contract = contractOf(f, name);
            await contract.getFunction("grantRole")(required, f.revoked.address);
            await contract.getFunction("revokeRole")(required, f.revoked.address);
            await expectDenied(f, f.revoked);
          });
        }

        if (guard.kind === "owner") {
          it("reverts for a stranger, an admin of another contract and the previous owner", async function () {
            const f = await load();
            const token = f.contracts.TestStablecoin;
            await f.contracts.DeviceRegistry.grantRole(ZeroHash, f.wrong.address);
            await token.transferOwnership(f.nextOwner.address);
            for (const caller of [f.stranger, f.wrong, f.deployer]) {
              await expect(call(f, name, fragmentOf(f), caller))
                .to.be.revertedWithCustomError(token, "OwnableUnauthorizedAccount")
                .withArgs(caller.address);
            }
            expect(await token.owner()).to.equal(f.nextOwner.address);
          });
        }

        if (guard.kind === "vault") {
          // The vault is immutable, so there is no role to revoke: the third case is the same privilege elsewhere.
          it("reverts for a stranger, the vault's admin and another vault", async function () {
            const f = await load();
            const note = f.contracts.TrancheNote;
            const otherVault = await impersonate(await f.otherVault.getAddress());
            for (const caller of [f.stranger, f.deployer, otherVault]) {
              await expect(call(f, name, fragmentOf(f), caller))
                .to.be.revertedWithCustomError(note, "TrancheNoteUnauthorized")
                .withArgs(caller.address);
            }
          });
        }

        if (guard.kind === "deviceOwner") {
          it("reverts for a stranger, the registrar and the previous owner", async function () {
            const f = await load();
            const registry = f.contracts.DeviceRegistry;
            await registry.connect(f.deviceOwner).setOwner(1n, f.nextOwner.address);
            for (const caller of [f.stranger, f.deployer, f.deviceOwner]) {
              await expect(call(f, name, fragmentOf(f), caller))
                .to.be.revertedWithCustomError(registry, "DeviceRegistryNotDeviceOwner")
                .withArgs(1n, caller.address);
            }
            const device = await registry.getDevice(1n);
            expect([device.owner, device.signer]).to.deep.equal([f.nextOwner.address, f.meter.address]);
          });
        }

        if (guard.kind === "meterOwner") {
          it("reverts for a stranger, the registrar, the device's signer and the previous owner", async function () {
            const f = await load();
            const energy = f.contracts.MeteredEnergy;
            await f.contracts.DeviceRegistry.connect(f.deviceOwner).setOwner(1n, f.nextOwner.address);
            for (const caller of [f.stranger, f.deployer, f.meter, f.deviceOwner]) {
              await expect(call(f, name, fragmentOf(f), caller))
                .to.be.revertedWithCustomError(energy, "MeteredEnergyNotDeviceOwner")
                .withArgs(1n, f.nextOwner.address, caller.address);
            }
            expect((await energy.meterState(1n)).timestamp).to.equal(0n);
          });
        }

        if (guard.kind === "clusterProvider") {
          it("reverts for a stranger, the cluster's operator and an admin of other contracts", async function () {
            const f = await load();
            const compute = f.contracts.ComputeMarket;
            for (const caller of [f.stranger, f.meter, f.deployer]) {
              await expect(call(f, name, fragmentOf(f), caller))
                .to.be.revertedWithCustomError(compute, "ComputeNotProvider")
                .withArgs(1n, caller.address);
            }
            const cluster = await compute.getCluster(1n);
            expect([cluster.operator, cluster.payout]).to.deep.equal([f.meter.address, f.deviceOwner.address]);
          });
        }

        if (guard.kind === "clusterOperator") {
          it("reverts for a stranger, a buyer and the operator key the provider replaced", async function () {
            const f = await load();
            const compute = f.contracts.ComputeMarket;
            await compute.connect(f.deviceOwner).setOperator(1n, f.nextOwner.address);
            for (const caller of [f.stranger, f.buyer, f.meter]) {
              await expect(call(f, name, fragmentOf(f), caller))
                .to.be.revertedWithCustomError(compute, "ComputeNotOperator")
                .withArgs(1n, caller.address);
            }
            expect((await compute.getWindow(f.creditId)).settled).to.equal(false);
          });
        }

        if (guard.kind === "provider") {
          it("reverts for a stranger, the buyer and the device's next owner", async function () {
            const f = await load();
            const market = f.contracts.FlexibilityMarket;
            await f.contracts.DeviceRegistry.connect(f.deviceOwner).setOwner(1n, f.nextOwner.address);
            for (const caller of [f.stranger, f.buyer, f.nextOwner]) {
              await expect(call(f, name, fragmentOf(f), caller))
                .to.be.revertedWithCustomError(market, "FlexibilityNotProvider")
                .withArgs(1n, caller.address);
            }
            expect((await market.getCommitment(1n)).payee).to.equal(f.deviceOwner.address);
          });
        }
      });
    }
  }

  describe("renounceRole", function () {
    it("reverts when an account tries to renounce another account's role", async function () {
      const { contracts, stranger, deployer } = await load();
      for (const name of Object.keys(ROLES)) {
        const contract = (contracts as Record<string, BaseContract>)[name];
        await expect(contract.connect(stranger).getFunction("renounceRole")(ZeroHash, deployer.address))
          .to.be.revertedWithCustomError(contract, "AccessControlBadConfirmation")
          .withArgs();
        expect(await contract.getFunction("hasRole")(ZeroHash, deployer.address)).to.equal(true);
      }
    });
  });
});
