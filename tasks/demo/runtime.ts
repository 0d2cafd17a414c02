import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

import type { GasLine } from "./model.js";

/** A small deterministic PRNG (mulberry32): the same seed gives the same demo, run after run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Sends transactions and keeps the gas each kind of operation used, for the report. */
export class GasMeter {
  readonly #lines = new Map<string, { count: number; totalGas: bigint }>();

  async track(operation: string, sent: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    const receipt = await (await sent).wait();
    if (receipt === null) throw new Error(`${operation}: transaction was dropped`);
    const line = this.#lines.get(operation) ?? { count: 0, totalGas: 0n };
    line.count += 1;
    line.totalGas += receipt.gasUsed;
    this.#lines.set(operation, line);
    return receipt;
  }

  lines(): GasLine[] {
    return [...this.#lines].map(([operation, line]) => ({ operation, ...line }));
  }
}

/** Progress lines while the demo runs: `[3/9] Minting kWh from signed readings…`. */
export function progress(total: number): (message: string) => void {
  let step = 0;
  return (message) => {
    step += 1;
    console.log(`[${step}/${total}] ${message}`);
  };
}
