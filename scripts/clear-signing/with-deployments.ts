/**
 * Binds the clear-signing descriptors to published deployments for the package: for every chain of the address book
 * (`address-book/<chainId>.json`, written by scripts/package/write-address-book.js), a copy of each descriptor with
 * `deployments` set to that chain's address of its contract and `$.metadata.constants.stablecoin` to that chain's
 * settlement stablecoin, in `<out>/<chainId>/`. The checked-in descriptors carry no deployments: wallets match them
 * by ABI (calls) or by EIP-712 schema and domain name (messages) on any chain. Deployments that share addresses
 * across chains (CREATE2) give identical lists per chain. `npx tsx scripts/clear-signing/with-deployments.ts <out>`.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { getAddress } from "ethers";

import { type Descriptor, loadDescriptors } from "./render.js";

/** The deployment record each EIP-712 descriptor's verifying contract is, by file. */
export const MESSAGE_CONTRACTS: Record<string, string> = {
  "eip712-MeterReading.json": "MeteredEnergy",
  "eip712-DeliveryAttestation.json": "FlexibilityMarket",
  "eip712-Permit.json": "TestStablecoin",
  "eip712-TransferWithAuthorization.json": "TestStablecoin",
  "eip712-ReceiveWithAuthorization.json": "TestStablecoin",
  "eip712-CancelAuthorization.json": "TestStablecoin",
};

/** One chain of the address book. */
export interface BookEntry {
  chainId: number;
  network: string;
  contracts: Record<string, { address: string }>;
}

/** The contract a descriptor describes: its ABI's name for calls, its verifying contract for messages. */
export function contractOfDescriptor(file: string, descriptor: Descriptor): string {
  const abi = descriptor.context.contract?.abi;
  if (typeof abi === "string") return /(\w+)\.json$/.exec(abi)![1];
  const contract = MESSAGE_CONTRACTS[file];
  if (contract === undefined) throw new Error(`${file}: no contract for this message`);
  return contract;
}

/**
 * The descriptors bound to one chain: those whose contract the chain has (tranche notes are created by the vault,
 * not deployed by name, and stay matched by ABI), with the chain's deployment and stablecoin.
 */
export function bindToChain(descriptors: Map<string, Descriptor>, entry: BookEntry): Map<string, Descriptor> {
  // A chain settles in its external stablecoin when it has one ("Stablecoin"), otherwise in the test dollar.
  const stablecoin = entry.contracts.Stablecoin ?? entry.contracts.TestStablecoin;
  const bound = new Map<string, Descriptor>();
  for (const [file, descriptor] of descriptors) {
    const record = entry.contracts[contractOfDescriptor(file, descriptor)];
    if (record === undefined) continue;
    const copy = structuredClone(descriptor);
    const deployments = [{ chainId: entry.chainId, address: getAddress(record.address) }];
    if (copy.context.contract !== undefined) copy.context.contract.deployments = deployments;
    else copy.context.eip712!.deployments = deployments;
    if (stablecoin !== undefined) {
      copy.metadata.constants = { ...copy.metadata.constants, stablecoin: getAddress(stablecoin.address) };
    }
    bound.set(file, copy);
  }
  return bound;
}

function main(out: string) {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const bookFolder = join(root, "address-book");
  const chains = existsSync(bookFolder) ? readdirSync(bookFolder).filter((name) => name.endsWith(".json")) : [];
  const descriptors = loadDescriptors();
  for (const file of chains) {
    const entry = JSON.parse(readFileSync(join(bookFolder, file), "utf8")) as BookEntry;
    const folder = join(out, String(entry.chainId));
    mkdirSync(folder, { recursive: true });
    for (const [name, descriptor] of bindToChain(descriptors, entry)) {
      writeFileSync(join(folder, name), JSON.stringify(descriptor, null, 2) + "\n");
    }
  }
  console.log(`clear-signing: bound ${descriptors.size} descriptors to ${chains.length} chain(s) in ${out}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv[2] ?? "clear-signing/deployments");
}
