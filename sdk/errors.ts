import { type InterfaceAbi, ErrorFragment, Interface, isError } from "ethers";

import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  InvestorRegistry__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TestStablecoin__factory,
  TrancheNote__factory,
  TrancheVault__factory,
} from "./contracts.js";
import { enumName } from "./enums.js";

/**
 * The ABIs of every contract Joulestack deploys. A call into one contract can fail with another's error (a purchase
 * that pays the vault, a REC request that moves kWh), so errors are decoded against all of them by default.
 */
export const JOULESTACK_ABIS: readonly InterfaceAbi[] = [
  DeviceRegistry__factory.abi,
  MeteredEnergy__factory.abi,
  RenewableCertificates__factory.abi,
  FlexibilityMarket__factory.abi,
  ComputeMarket__factory.abi,
  TrancheVault__factory.abi,
  TrancheNote__factory.abi,
  InvestorRegistry__factory.abi,
  TestStablecoin__factory.abi,
];

interface AbiInput {
  name?: string;
  type?: string;
  internalType?: string;
}

/** ethers drops `internalType`; the raw ABI keeps it, and with it the enum an argument belongs to. */
function internalTypesOf(abi: InterfaceAbi, fragment: ErrorFragment): readonly (string | undefined)[] {
  if (typeof abi === "string" || abi instanceof Interface) return [];
  for (const item of abi as readonly unknown[]) {
    const raw = (typeof item === "string" ? undefined : item) as
      { type?: string; name?: string; inputs?: AbiInput[] } | undefined;
    if (raw?.type !== "error" || raw.name !== fragment.name) continue;
    if (ErrorFragment.from(raw).selector !== fragment.selector) continue;
    return (raw.inputs ?? []).map((input) => input.internalType);
  }
  return [];
}

/**
 * Turns a failed call into a sentence a person can read: the custom error's name with its named arguments, enum
 * values by name, e.g. `DeviceRegistryInvalidStatusTransition(deviceId=7, currentStatus=Decommissioned,
 * newStatus=Active)`, instead of hex revert data. Decodes with every Joulestack ABI unless told otherwise.
 */
export function decodeRevert(error: unknown, abis: readonly InterfaceAbi[] = JOULESTACK_ABIS): string | undefined {
  const data = revertData(error);
  if (data === undefined || data === "0x") return undefined;
  for (const abi of abis) {
    const iface = abi instanceof Interface ? abi : new Interface(abi);
    try {
      const parsed = iface.parseError(data);
      if (parsed === null) continue;
      const internalTypes = internalTypesOf(abi, parsed.fragment);
      const args = parsed.fragment.inputs.map((input, index) => {
        const raw = parsed.args[index];
        const internalType = internalTypes[index];
        const value = internalType?.startsWith("enum ") ? enumName(internalType, raw) : String(raw);
        return input.name ? `${input.name}=${value}` : value;
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
export function describeError(error: unknown, abis: readonly InterfaceAbi[] = JOULESTACK_ABIS): string {
  const decoded = decodeRevert(error, abis);
  if (decoded !== undefined) return `reverted with ${decoded}`;
  if (isError(error, "CALL_EXCEPTION") && error.reason) return `reverted: ${error.reason}`;
  if (error instanceof Error) return (error as Error & { shortMessage?: string }).shortMessage ?? error.message;
  return String(error);
}
