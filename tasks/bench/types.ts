import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { ContractTransactionResponse } from "ethers";

/** One measured operation, next to the baseline it is compared with (measured in the same run). */
export interface GasRow {
  /** The module the operation belongs to, e.g. "energy". */
  readonly group: string;
  readonly operation: string;
  readonly gas: bigint;
  readonly baseline?: { readonly name: string; readonly gas: bigint };
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
