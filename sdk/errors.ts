import { type InterfaceAbi, Interface, isError } from "ethers";

/**
 * Turns a failed call into a sentence a person can read: the custom error's name with its named arguments, e.g.
 * `EnergyReadingCounterDecreased(deviceId=7, lastWh=1200, givenWh=1100)`, instead of hex revert data.
 */
export function decodeRevert(error: unknown, abis: readonly InterfaceAbi[]): string | undefined {
  const data = revertData(error);
  if (data === undefined || data === "0x") return undefined;
  for (const abi of abis) {
    const iface = abi instanceof Interface ? abi : new Interface(abi);
    try {
      const parsed = iface.parseError(data);
      if (parsed === null) continue;
      const args = parsed.fragment.inputs.map((input, index) => {
        const value = parsed.args[index];
        return input.name ? `${input.name}=${String(value)}` : String(value);
      });
      return `${parsed.name}(${args.join(", ")})`;
    } catch {
      // not an error of this ABI: try the next one
    }
  }
  return undefined;
}

/** Digs the revert data out of the shapes ethers and JSON-RPC nodes give errors. */
export function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    if (typeof record.data === "string" && /^0x[0-9a-fA-F]*$/.test(record.data)) return record.data;
    queue.push(record.data, record.error, record.info, record.cause);
  }
  return undefined;
}

/** The most useful one-line description of any error thrown by a contract call. */
export function describeError(error: unknown, abis: readonly InterfaceAbi[]): string {
  const decoded = decodeRevert(error, abis);
  if (decoded !== undefined) return `reverted with ${decoded}`;
  if (isError(error, "CALL_EXCEPTION") && error.reason) return `reverted: ${error.reason}`;
  if (error instanceof Error) return (error as Error & { shortMessage?: string }).shortMessage ?? error.message;
  return String(error);
}
