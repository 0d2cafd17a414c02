/**
 * Renders the ERC-7730 descriptors in `clear-signing/` the way a clear-signing wallet shows them: the intent, then
 * each field's label and formatted value for a sample message or call. `npx tsx scripts/clear-signing/render.ts`
 * prints the README's "What you will be asked to sign" section.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { getAddress } from "ethers";

export const DESCRIPTOR_FOLDER = fileURLToPath(new URL("../../clear-signing/", import.meta.url));

export interface Field {
  path: string;
  label: string;
  format?: string;
  params?: Record<string, unknown>;
}
export interface Format {
  $id?: string;
  intent: string;
  fields: Field[];
  required?: string[];
  excluded?: string[];
}
export interface Descriptor {
  $schema?: string;
  context: { $id?: string; contract?: { abi: unknown; deployments?: unknown[] }; eip712?: Record<string, unknown> };
  metadata: {
    owner: string;
    info?: Record<string, string>;
    token?: { name: string; ticker: string; decimals: number };
    constants?: Record<string, string>;
  };
  display: { formats: Record<string, Format> };
}

/** A token a wallet knows (it reads decimals and symbol from the chain). */
export interface TokenInfo {
  ticker: string;
  decimals: number;
}

/** What the wallet knows beyond the message: tokens by address or constant, and names of known addresses. */
export interface RenderContext {
  /** The token at `@.to` (the called contract, or the EIP-712 verifying contract). */
  self?: TokenInfo;
  /** Tokens named by a `$.metadata.constants` key (the stablecoin is set at build time per chain). */
  constants: Record<string, TokenInfo>;
  /** Names the wallet shows for known addresses (its own accounts, contacts, known contracts). */
  names: Record<string, string>;
}

/** Every descriptor file in `clear-signing/`, parsed, by file name. */
export function loadDescriptors(folder = DESCRIPTOR_FOLDER): Map<string, Descriptor> {
  const descriptors = new Map<string, Descriptor>();
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort()) {
    descriptors.set(file, JSON.parse(readFileSync(join(folder, file), "utf8")) as Descriptor);
  }
  return descriptors;
}

/** The values at a descriptor path (`a.b`, `list.[]`, `tuple.field`) of a decoded message or call. */
export function valuesAt(data: Record<string, unknown>, path: string): unknown[] {
  let current: unknown[] = [data];
  for (const part of path.split(".")) {
    current = current.flatMap((value) => {
      if (part === "[]") {
        if (!Array.isArray(value)) throw new Error(`"${path}": not an array`);
        return value as unknown[];
      }
      if (value === null || typeof value !== "object" || !(part in value)) throw new Error(`"${path}": no "${part}"`);
      return [(value as Record<string, unknown>)[part]];
    });
  }
  return current;
}

const SI = ["", "k", "M", "G", "T", "P"];

/** `value / 10^decimals` with up to `shown` decimals, trailing zeros trimmed, thousands separated. */
export function decimal(value: bigint, decimals: number, shown = decimals): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = (magnitude / scale).toLocaleString("en-US");
  const fraction = (magnitude % scale).toString().padStart(decimals, "0").slice(0, shown).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

function tokenOf(field: Field, context: RenderContext): TokenInfo {
  const params = field.params ?? {};
  if (params.tokenPath === "@.to") {
    if (context.self === undefined) throw new Error(`${field.path}: the wallet does not know the token at @.to`);
    return context.self;
  }
  const reference = params.token;
  if (typeof reference === "string" && reference.startsWith("$.metadata.constants.")) {
    const token = context.constants[reference.slice("$.metadata.constants.".length)];
    if (token === undefined) throw new Error(`${field.path}: the wallet does not know the token ${reference}`);
    return token;
  }
  throw new Error(`${field.path}: unsupported token reference ${JSON.stringify(params)}`);
}

/** One value formatted as the field's format says. */
export function formatValue(field: Field, value: unknown, context: RenderContext): string {
  const params = field.params ?? {};
  switch (field.format ?? "raw") {
    case "raw":
      return typeof value === "string" ? value : String(value);
    case "addressName": {
      const address = getAddress(value as string);
      const name = context.names[address];
      return name === undefined ? address : `${name} (${address.slice(0, 6)}…${address.slice(-4)})`;
    }
    case "tokenAmount": {
      const token = tokenOf(field, context);
      return `${decimal(BigInt(value as bigint), token.decimals)} ${token.ticker}`;
    }
    case "unit": {
      let amount = BigInt(value as bigint);
      let decimals = Number(params.decimals ?? 0);
      let step = 0;
      if (params.prefix === true) {
        while (step < SI.length - 1 && amount >= 1000n * 10n ** BigInt(decimals) * 1000n ** BigInt(step)) step++;
        decimals += 3 * step;
      }
      return `${decimal(amount, decimals, 3)} ${SI[step]}${String(params.base)}`;
    }
    case "date": {
      const seconds = Number(BigInt(value as bigint));
      return new Date(seconds * 1000)
        .toISOString()
        .replace("T", " ")
        .replace(/\.000Z$/, " UTC");
    }
    default:
      throw new Error(`${field.path}: unsupported format ${field.format}`);
  }
}

/** The lines a wallet shows for one format and one decoded message or call. */
export function renderFormat(format: Format, data: Record<string, unknown>, context: RenderContext): string[] {
  const lines = [format.intent];
  for (const field of format.fields) {
    const shown = valuesAt(data, field.path).map((value) => formatValue(field, value, context));
    lines.push(`${field.label}: ${shown.join(", ")}`);
  }
  return lines;
}

// ---- samples for the README ----

const WALLET = getAddress("0x8ba1f109551bd432803012645ac136ddd64dba72");
const DEVICE_SIGNER = getAddress("0x2546bcd3c84621e976d8185a91a922ae77ecec30");
const VERIFIER = getAddress("0xbda5747bfd65f08deb54cb465eb87d40e51b197e");
const SPENDER = getAddress("0xdd2fd4581271e230360230f9337d5c0430bf44c0");
const OTHER = getAddress("0x71be63f3384f5fb98995898a86b02fb2426c5788");

/** Sample names a wallet would show: its own account, a contact, a known contract. */
export const SAMPLE_CONTEXT: RenderContext = {
  self: { ticker: "tUSD", decimals: 6 },
  constants: { stablecoin: { ticker: "USDC", decimals: 6 } },
  names: { [WALLET]: "My wallet", [SPENDER]: "Joulestack Tranche Vault", [VERIFIER]: "Grid verifier" },
};

/** The token a descriptor's `@.to` names, where it is not the test dollar: a senior tranche note. */
export const SAMPLE_SELF: Record<string, TokenInfo> = { "calldata-TrancheNote.json": { ticker: "JS-SR", decimals: 6 } };

/** A sample value for a parameter, by its name (then its type): what a person would typically sign. */
function sampleValue(name: string, type: string): unknown {
  const byName: Record<string, unknown> = {
    deviceId: 7n,
    cumulativeWh: 1_576_000_000n,
    timestamp: 1_772_413_200n,
    commitmentId: 12n,
    deliveredWh: 2_400_000n,
    verifier: VERIFIER,
    owner: WALLET,
    spender: SPENDER,
    value: 25_000_000_000n,
    amount: 25_000_000_000n,
    nonce: 0n,
    deadline: 1_772_416_800n,
    validAfter: 1_772_413_200n,
    validBefore: 1_772_416_800n,
    authorizer: WALLET,
    trancheId: 0n,
    receiver: WALLET,
    to: OTHER,
    from: WALLET,
    lost: WALLET,
    id: 42n,
    gpuHours: 120n,
    jobReference: "0x6a6f622d37343200000000000000000000000000000000000000000000000000",
    holder: WALLET,
    certificateId: (7n << 64n) | 202_603n,
    beneficiary: WALLET,
    beneficiaryName: "Acme Data Centers Inc.",
    purpose: "2026 Scope 2 market-based claim",
    batchIds: [(7n << 64n) | 492_337n, (7n << 64n) | 492_338n],
    amountsWh: [1_000_000n, 1_000_000n],
    ids: [(7n << 64n) | 492_337n],
    values: [1_500_000n],
    requestId: 3n,
    capacityW: 2_000_000n,
    payee: WALLET,
    operator: SPENDER,
    approved: true,
    newSigner: DEVICE_SIGNER,
    newOwner: OTHER,
    startReading: { deviceId: 7n, cumulativeWh: 1_574_000_000n, timestamp: 1_772_409_600n },
    endReading: { deviceId: 7n, cumulativeWh: 1_576_400_000n, timestamp: 1_772_413_200n },
    reading: { deviceId: 7n, cumulativeWh: 1_576_000_000n, timestamp: 1_772_413_200n },
    attestation: { commitmentId: 12n, deliveredWh: 2_400_000n, verifier: VERIFIER },
  };
  if (name in byName) return byName[name];
  if (type === "address") return OTHER;
  if (type.startsWith("uint")) return 1n;
  if (type === "bool") return true;
  return "0x";
}

/** Token quantities of ERC-1155 transfers, by descriptor: 2 MWh of energy, 2 certificates or 2 GPU-hours. */
const TRANSFER_UNITS: Record<string, bigint> = { "calldata-MeteredEnergy.json": 2_000_000n };

/** Sample data for a format of descriptor `file`: the call's parameters (by name) or the message's fields. */
export function sampleData(names: { name: string; type: string }[], file = ""): Record<string, unknown> {
  const data = Object.fromEntries(names.map(({ name, type }) => [name, sampleValue(name, type)]));
  if (names.some(({ name, type }) => name === "id" && type === "uint256") && "value" in data) {
    data.value = TRANSFER_UNITS[file] ?? 2n;
  }
  if ("values" in data) data.values = [TRANSFER_UNITS[file] ?? 2n];
  if (file === "calldata-RenewableCertificates.json" && "amount" in data) data.amount = 3n;
  return data;
}

/** The parameter names and types of a format key: a function signature or an EIP-712 encodeType. */
export function parametersOfKey(key: string): { name: string; type: string }[] {
  const inner = /^[A-Za-z_]\w*\((.*)\)$/.exec(key.replace(/\)[A-Z]\w*\(.*$/, ")"))?.[1];
  if (inner === undefined) throw new Error(`format key ${key} is not a signature`);
  const parameters: { name: string; type: string }[] = [];
  let depth = 0;
  let current = "";
  for (const char of inner + ",") {
    if (char === "," && depth === 0) {
      if (current.trim() !== "") {
        const at = current.trim().lastIndexOf(" ");
        parameters.push({ type: current.trim().slice(0, at), name: current.trim().slice(at + 1) });
      }
      current = "";
      continue;
    }
    if (char === "(") depth++;
    if (char === ")") depth--;
    current += char;
  }
  return parameters;
}

/** The README section: every descriptor's formats as a wallet shows them for a sample. */
export function renderReadmeSection(descriptors = loadDescriptors()): string {
  const out = ["## What you will be asked to sign", ""];
  out.push(
    "Wallets that read ERC-7730 descriptors (the `clear-signing/` folder of the package) show Joulestack's messages " +
      "and calls like this (sample values; amounts in the stablecoin's decimals, energy in Wh with an SI prefix, " +
      "times in UTC):",
    "",
  );
  for (const [file, descriptor] of descriptors) {
    const kind = descriptor.context.eip712 !== undefined ? "EIP-712 message" : "transaction";
    out.push(`### ${descriptor.context.$id} (${kind}, \`${file}\`)`, "");
    for (const [key, format] of Object.entries(descriptor.display.formats)) {
      const context = { ...SAMPLE_CONTEXT, self: SAMPLE_SELF[file] ?? SAMPLE_CONTEXT.self };
      const lines = renderFormat(format, sampleData(parametersOfKey(key), file), context);
      out.push("```text", ...lines.map((line, index) => (index === 0 ? `▶ ${line}` : `  ${line}`)), "```", "");
    }
  }
  return out.join("\n");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(renderReadmeSection());
}
