import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { BaseContract, ContractTransactionResponse } from "ethers";

/** One measured operation, next to the baseline it is compared with (measured in the same run). */
export interface GasRow {
  /** The module the operation belongs to, e.g. "energy". */
  readonly group: string;
  readonly operation: string;
  readonly gas: bigint;
  readonly baseline?: { readonly name: string; readonly gas: bigint };
  /** What the operation cannot avoid paying (see `floor.ts`), computed from the list of what it must do. */
  readonly floor?: bigint;
  /** The budget the operation must stay within: `npm run bench -- --check` fails above it. */
  readonly target?: bigint;
}

export interface BenchContext {
  readonly ethers: HardhatEthers;
  readonly networkHelpers: NetworkHelpers;
  /** The baseline gas figures, measured first, by name. */
  readonly baselines: ReadonlyMap<string, bigint>;
}

/** A module's benchmark: performs its operations on a fresh deployment and returns the gas of each. */
export type Bench = (context: BenchContext) => Promise<GasRow[]>;

/** Gas used by a sent transaction. */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was dropped");
  return receipt.gasUsed;
}

/** Gas used to deploy a contract. */
export async function deployGasOf(contract: BaseContract): Promise<bigint> {
  const receipt = await contract.deploymentTransaction()?.wait();
  if (!receipt) throw new Error("deployment was dropped");
  return receipt.gasUsed;
}

/** Gas of `total` spread over `count` operations, rounded to the nearest unit. */
export function perOperation(total: bigint, count: number): bigint {
  return (total + BigInt(count) / 2n) / BigInt(count);
}

/** EIP-7825's per-transaction gas cap (2^24): every batch and loop must fit below it at its documented maximum. */
export const TX_GAS_CAP = 16_777_216n;

/**
 * A "worst case" row: the gas of a loop at its largest allowed or recommended size, read against the transaction
 * gas cap. Throws when it does not fit, so the benchmark itself fails on an unbounded loop.
 */
export function worstCase(operation: string, gas: bigint): GasRow {
  if (gas >= TX_GAS_CAP) throw new Error(`worst case "${operation}" uses ${gas} gas, over the ${TX_GAS_CAP} cap`);
  return { group: "worst case", operation, gas, baseline: { name: "transaction gas cap (2^24)", gas: TX_GAS_CAP } };
}

/** A fixed, hour-aligned starting time (2035-01-01 00:00 UTC) so that signed calldata is the same on every run. */
export const BENCH_EPOCH = 2_051_222_400n;
