/**
 * The gas floor of an operation: what its semantics cannot avoid paying at Cancun prices (EIP-2929 access costs,
 * EIP-2200/3529 storage costs, EIP-2028 calldata), ignoring refunds and the execution around those costs. A row's
 * floor is written as the list of what the operation must do, so a reader can check the list against the
 * operation's contract, and the gap between `gas` and `floor` is what the data model and code add on top.
 */
export interface FloorParts {
  /** Calldata of the transaction (function selector and arguments), priced per byte. */
  readonly calldata: string;
  /** Contracts called besides the transaction's target (each a cold account: a token, a registry). */
  readonly coldCalls?: number;
  /** Storage slots written from zero (a new balance, a new record). */
  readonly newSlots?: number;
  /** Storage slots changed from one non-zero value to another (first write in the transaction). */
  readonly changedSlots?: number;
  /** Storage slots only read, cold (a registry record, a configuration word). */
  readonly coldReads?: number;
  /** Events: one entry per event, as [indexed topics including the signature, bytes of data]. */
  readonly logs?: readonly (readonly [topics: number, dataBytes: number])[];
  /** Signatures recovered with `ecrecover`. */
  readonly signatures?: number;
}

export const TX_BASE = 21_000;
export const COLD_ACCOUNT = 2_600;
export const NEW_SLOT = 22_100; // 20,000 for zero to non-zero plus the 2,100 cold access
export const CHANGED_SLOT = 5_000; // 2,900 for non-zero to non-zero plus the 2,100 cold access
export const COLD_SLOAD = 2_100;
export const ECRECOVER = 3_000;

/** EIP-2028: 16 gas per non-zero calldata byte, 4 per zero byte. */
export function calldataGas(calldata: string): number {
  const hex = calldata.startsWith("0x") ? calldata.slice(2) : calldata;
  let gas = 0;
  for (let i = 0; i < hex.length; i += 2) gas += hex.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

/** EIP-1: 375 per log, 375 per topic, 8 per byte of data. */
export function logGas(topics: number, dataBytes: number): number {
  return 375 + 375 * topics + 8 * dataBytes;
}

/** The floor of one transaction doing exactly `parts`. */
export function floorOf(parts: FloorParts): bigint {
  const gas =
    TX_BASE +
    calldataGas(parts.calldata) +
    COLD_ACCOUNT * (parts.coldCalls ?? 0) +
    NEW_SLOT * (parts.newSlots ?? 0) +
    CHANGED_SLOT * (parts.changedSlots ?? 0) +
    COLD_SLOAD * (parts.coldReads ?? 0) +
    (parts.logs ?? []).reduce((sum, [topics, bytes]) => sum + logGas(topics, bytes), 0) +
    ECRECOVER * (parts.signatures ?? 0);
  return BigInt(gas);
}

/** The floor of a batch transaction doing `parts` in total, per operation of the `count` it carries. */
export function floorPerOperation(parts: FloorParts, count: number): bigint {
  return (floorOf(parts) + BigInt(count) / 2n) / BigInt(count);
}
