/**
 * What the agent entry points do on chain, shared by the MCP tools and the x402 route: quote, buy, redeem, claim a
 * refund, read a lot's lineage and a vault's status. Every failure is an `AgentError` with a machine-readable code
 * and, for a contract revert, the decoded custom error; a call that fails before sending anything charges nothing.
 */
import { type ContractTransactionResponse, id, isHexString } from "ethers";

import { ComputeMarket__factory, TestStablecoin__factory, TrancheVault__factory } from "../../sdk/contracts.js";
import { enumName } from "../../sdk/enums.js";
import { decodeRevert, describeError } from "../../sdk/errors.js";
import { readLineage, type Lineage } from "../../sdk/lineage.js";
import { signPurchaseAuthorization } from "../../sdk/authorization.js";
import { signPermit } from "../../sdk/permit.js";
import { readVaultPeriod } from "../../sdk/vault.js";
import type { AgentChain } from "./chain.js";
import {
  type Allocation,
  type AllocationPart,
  type Offer,
  OfferInputError,
  type OfferRequest,
  bestOffer,
  listOffers,
} from "../../sdk/offers.js";

export type AgentErrorCode =
  | "invalid-input"
  | "unknown-window"
  | "cannot-fill"
  | "price-above-limit"
  | "insufficient-balance"
  | "authorization-expired"
  | "authorization-used"
  | "invalid-authorization"
  | "lineage-not-recorded"
  | "no-vault"
  | "reverted"
  | "partially-filled";

/** A failure an agent can act on: `code` says what kind, `decoded` carries the contract's custom error if any. */
export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    readonly decoded?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The HTTP status for this failure: the caller's request (4xx), never the server's fault. */
  get status(): number {
    if (this.code === "unknown-window") return 404;
    const conflict: AgentErrorCode[] = ["cannot-fill", "partially-filled", "lineage-not-recorded"];
    return conflict.includes(this.code) ? 409 : 400;
  }

  toJSON() {
    return { error: this.code, message: this.message, decoded: this.decoded, ...this.details };
  }
}

/** Wraps a contract failure: its decoded custom error when there is one. */
export function revertError(error: unknown, doing: string): AgentError {
  if (error instanceof AgentError) return error;
  const decoded = decodeRevert(error);
  const code: AgentErrorCode = decoded?.startsWith("StablecoinAuthorizationExpired(")
    ? "authorization-expired"
    : decoded?.startsWith("StablecoinAuthorizationUsed(")
      ? "authorization-used"
      : decoded?.startsWith("StablecoinAuthorization")
        ? "invalid-authorization"
        : "reverted";
  return new AgentError(code, `${doing} failed: ${describeError(error)}`, decoded);
}

export interface Purchase {
  readonly creditId: bigint;
  readonly clusterId: bigint;
  readonly gpuHours: bigint;
  readonly cost: bigint;
  readonly receiver: string;
  readonly transactionHash: string;
  readonly reason: string;
}

export class Desk {
  constructor(readonly chain: AgentChain) {}

  get market() {
    return ComputeMarket__factory.connect(this.chain.addresses.market, this.chain.signer);
  }

  get stablecoin() {
    return TestStablecoin__factory.connect(this.chain.addresses.stablecoin, this.chain.signer);
  }

  async now(): Promise<bigint> {
    return BigInt((await this.chain.provider.getBlock("latest"))!.timestamp);
  }

  offers(): Promise<Offer[]> {
    return listOffers(this.chain.provider, this.chain.addresses.market, { fromBlock: this.chain.fromBlock });
  }

  /** Chooses windows for `request` from the open offers (`bestOffer`); `AgentError("cannot-fill")` if none can. */
  async quote(request: OfferRequest): Promise<Allocation> {
    let choice: ReturnType<typeof bestOffer>;
    try {
      choice = bestOffer(await this.offers(), request);
    } catch (error) {
      if (error instanceof OfferInputError) throw new AgentError("invalid-input", error.message);
      throw error;
    }
    if (choice.kind === "cannot-fill") {
      throw new AgentError("cannot-fill", choice.reason, undefined, {
        bound: choice.bound,
        availableGpuHours: choice.available.toString(),
        requestedGpuHours: request.gpuHours.toString(),
      });
    }
    return choice;
  }

  /** The window of `creditId`, or `AgentError("unknown-window")`. */
  async window(creditId: bigint) {
    try {
      return await this.market.getWindow(creditId);
    } catch (error) {
      throw new AgentError("unknown-window", `no window has credit id ${creditId}`, decodeRevert(error), {
        creditId: creditId.toString(),
      });
    }
  }

  /**
   * Buys `allocations` from the signer's own balance, each with an EIP-2612 permit for its exact cost (deadline
   * `deadline`, default one hour from the chain's clock), credits to `receiver`. Checks the balance and the deadline
   * before sending anything; a purchase the market refuses reverts in gas estimation, before it is sent.
   */
  async buyWithPermits(
    allocations: readonly AllocationPart[],
    receiver: string,
    deadline?: bigint,
  ): Promise<Purchase[]> {
    const now = await this.now();
    const validBefore = deadline ?? now + 3_600n;
    const market = await this.market.getAddress();
    let nonce = await this.stablecoin.nonces(this.chain.address);
    const args = async (allocation: AllocationPart, permitNonce: bigint) => {
      const signature = await signPermit(
        this.chain.signer,
        this.chain.addresses.stablecoin,
        market,
        allocation.cost,
        validBefore,
        {
          nonce: permitNonce,
        },
      );
      return [
        allocation.offer.creditId,
        allocation.gpuHours,
        receiver,
        validBefore,
        signature.v,
        signature.r,
        signature.s,
      ] as const;
    };
    if (validBefore <= now) {
      throw await this.refusal(
        new AgentError("authorization-expired", `the permit deadline ${validBefore} is not after ${now}`, undefined, {
          deadline: validBefore.toString(),
          currentTime: now.toString(),
        }),
        async () => this.market.buyWithPermit.staticCall(...(await args(allocations[0], nonce))),
      );
    }
    await this.requireBalance(this.chain.address, allocations, async () =>
      this.market.buyWithPermit.staticCall(...(await args(allocations[0], nonce))),
    );
    const purchases: Purchase[] = [];
    for (const allocation of allocations) {
      const sent = this.market.buyWithPermit(...(await args(allocation, nonce++)));
      purchases.push(await this.settle(sent, allocation, receiver, purchases));
    }
    return purchases;
  }

  /**
   * Buys `allocations` gaslessly in form: one EIP-3009 receive-authorization per window, signed by this account,
   * whose nonce binds the purchase terms (`signPurchaseAuthorization`), relayed to `buyWithAuthorization`. Valid until
   * `deadline` (default one hour on the chain's clock). A refused authorization (expired, underfunded) reverts in gas
   * estimation with the token's custom error, before anything is sent.
   */
  async buyWithAuthorizations(
    allocations: readonly AllocationPart[],
    receiver: string,
    deadline?: bigint,
  ): Promise<Purchase[]> {
    const validBefore = deadline ?? (await this.now()) + 3_600n;
    const sign = (allocation: AllocationPart) =>
      signPurchaseAuthorization(this.chain.signer, {
        market: this.chain.addresses.market,
        creditId: allocation.offer.creditId,
        gpuHours: allocation.gpuHours,
        validBefore,
        receiver,
        pricePerGpuHour: allocation.offer.pricePerGpuHour,
        stablecoin: this.chain.addresses.stablecoin,
      });
    await this.requireBalance(this.chain.address, allocations, async () =>
      this.market.buyWithAuthorization.staticCall(...(await sign(allocations[0])).args),
    );
    const purchases: Purchase[] = [];
    for (const allocation of allocations) {
      const signed = await sign(allocation);
      purchases.push(
        await this.settle(this.market.buyWithAuthorization(...signed.args), allocation, receiver, purchases),
      );
    }
    return purchases;
  }

  /**
   * Buys `allocations` for `receiver` with stablecoin the signer already holds (the x402 desk's path): approves the
   * market for exactly each cost, then buys.
   */
  async buyFromBalance(allocations: readonly AllocationPart[], receiver: string): Promise<Purchase[]> {
    await this.requireBalance(this.chain.address, allocations);
    const purchases: Purchase[] = [];
    for (const allocation of allocations) {
      await (await this.stablecoin.approve(this.chain.addresses.market, allocation.cost)).wait();
      const sent = this.market.buy(allocation.offer.creditId, allocation.gpuHours, receiver);
      purchases.push(await this.settle(sent, allocation, receiver, purchases));
    }
    return purchases;
  }

  /**
   * Refuses a purchase the holder cannot pay in full before anything is sent (a split purchase must not stop half
   * way), with the error the chain gives the first purchase if it fails too (`simulate`).
   */
  private async requireBalance(
    holder: string,
    allocations: readonly AllocationPart[],
    simulate?: () => Promise<unknown>,
  ) {
    const total = allocations.reduce((sum, allocation) => sum + allocation.cost, 0n);
    const balance = await this.stablecoin.balanceOf(holder);
    if (balance < total) {
      const failure = new AgentError(
        "insufficient-balance",
        `${holder} holds ${balance} stablecoin units, the purchase costs ${total}`,
        undefined,
        { balanceUsdcUnits: balance.toString(), costUsdcUnits: total.toString() },
      );
      throw simulate === undefined ? failure : await this.refusal(failure, simulate);
    }
  }

  /** `failure`, carrying the custom error the chain gives the call `simulate` makes, when it gives one. */
  private async refusal(failure: AgentError, simulate: () => Promise<unknown>): Promise<AgentError> {
    const decoded = await simulate().then(
      () => undefined,
      (error: unknown) => decodeRevert(error),
    );
    return decoded === undefined ? failure : new AgentError(failure.code, failure.message, decoded, failure.details);
  }

  private async settle(
    sent: Promise<ContractTransactionResponse>,
    allocation: AllocationPart,
    receiver: string,
    done: readonly Purchase[],
  ): Promise<Purchase> {
    try {
      const receipt = (await (await sent).wait())!;
      return {
        creditId: allocation.offer.creditId,
        clusterId: allocation.offer.clusterId,
        gpuHours: allocation.gpuHours,
        cost: allocation.cost,
        receiver,
        transactionHash: receipt.hash,
        reason: allocation.reason,
      };
    } catch (error) {
      // Nonces the failed call never used must not block the next one.
      this.chain.signer.reset();
      const failure = revertError(
        error,
        `buying ${allocation.gpuHours} GPU-hours of window ${allocation.offer.creditId}`,
      );
      if (done.length === 0) throw failure;
      throw new AgentError("partially-filled", failure.message, failure.decoded, {
        bought: done.map(purchaseJson),
      });
    }
  }

  /** Redeems the signer's credits of `creditId` for a job; `jobReference` is a 32-byte hex or any text (hashed). */
  async redeem(creditId: bigint, gpuHours: bigint, jobReference: string) {
    await this.window(creditId);
    const reference = isHexString(jobReference, 32) ? jobReference : id(jobReference);
    try {
      const receipt = (await (await this.market.redeem(this.chain.address, creditId, gpuHours, reference)).wait())!;
      return { creditId, gpuHours, jobReference: reference, transactionHash: receipt.hash };
    } catch (error) {
      this.chain.signer.reset();
      throw revertError(error, `redeeming ${gpuHours} GPU-hours of window ${creditId}`);
    }
  }

  /** Claims the signer's refund for undelivered GPU-hours of `creditId`. */
  async claimRefund(creditId: bigint) {
    await this.window(creditId);
    const before = await this.stablecoin.balanceOf(this.chain.address);
    try {
      const receipt = (await (await this.market.claimRefund(creditId, this.chain.address)).wait())!;
      const after = await this.stablecoin.balanceOf(this.chain.address, { blockTag: receipt.blockNumber });
      return { creditId, refund: after - before, transactionHash: receipt.hash };
    } catch (error) {
      this.chain.signer.reset();
      throw revertError(error, `claiming the refund of window ${creditId}`);
    }
  }

  /** The lineage of the delivery lot of `creditId`; `lineage-not-recorded` until its delivery is recorded. */
  async lineage(creditId: bigint): Promise<Lineage> {
    const window = await this.window(creditId);
    if (!window.settled) {
      throw new AgentError(
        "lineage-not-recorded",
        `the delivery of window ${creditId} is not recorded yet (the window ends at ${window.end})`,
        undefined,
        { creditId: creditId.toString(), windowEnd: window.end.toString() },
      );
    }
    const { market, energy, certificates, registry } = this.chain.addresses;
    return readLineage(this.chain.provider, { market, energy, certificates, registry }, creditId, this.chain.fromBlock);
  }

  /** The lineage of every delivery lot `clusterId` recorded, oldest first. */
  async deliveredLots(clusterId: bigint): Promise<Lineage[]> {
    const logs = await this.market.queryFilter(
      this.market.filters.DeliveryRecorded(undefined, clusterId),
      this.chain.fromBlock,
    );
    const lots: Lineage[] = [];
    for (const log of logs) {
      const { market, energy, certificates, registry } = this.chain.addresses;
      lots.push(
        await readLineage(
          this.chain.provider,
          { market, energy, certificates, registry },
          log.args.creditId,
          this.chain.fromBlock,
        ),
      );
    }
    return lots;
  }

  /** The vault's state, its open period and the last distributed period's waterfall. */
  async vaultStatus() {
    const address = this.chain.addresses.vault;
    if (address === undefined) throw new AgentError("no-vault", "this deployment has no tranche vault");
    const vault = TrancheVault__factory.connect(address, this.chain.provider);
    const [state, lastDistributed, openPeriodRevenue, reserve, pendingRevenue, covenantBreached, trancheCount] =
      await Promise.all([
        vault.state(),
        vault.lastDistributedPeriod(),
        vault.openPeriodRevenue(),
        vault.reserve(),
        vault.pendingRevenue(),
        vault.covenantBreached(),
        vault.trancheCount(),
      ]);
    const period = lastDistributed + 1n;
    const [open, last] = await Promise.all([
      readVaultPeriod(this.chain.provider, address, period, this.chain.fromBlock),
      lastDistributed > 0n
        ? readVaultPeriod(this.chain.provider, address, lastDistributed, this.chain.fromBlock)
        : undefined,
    ]);
    return {
      vault: address,
      state: enumName("enum ITrancheVault.VaultState", state),
      openPeriod: period,
      openPeriodRevenue,
      revenueBySource: open.revenueBySource,
      reserve,
      pendingRevenue,
      covenantBreached,
      trancheCount,
      lastDistributed: last,
    };
  }
}

export const purchaseJson = (purchase: Purchase) => ({
  creditId: purchase.creditId.toString(),
  clusterId: purchase.clusterId.toString(),
  gpuHours: Number(purchase.gpuHours),
  costUsdcUnits: purchase.cost.toString(),
  receiver: purchase.receiver,
  transactionHash: purchase.transactionHash,
  reason: purchase.reason,
});
