import { expect } from "chai";
import { FunctionFragment, Interface, ParamType, TypedDataEncoder, getAddress, id } from "ethers";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";

import {
  type Descriptor,
  type Field,
  SAMPLE_CONTEXT,
  SAMPLE_SELF,
  loadDescriptors,
  parametersOfKey,
  renderFormat,
  renderReadmeSection,
  sampleData,
} from "../../scripts/clear-signing/render.js";
import { bindToChain } from "../../scripts/clear-signing/with-deployments.js";
import { METER_READING_TYPES } from "../../sdk/energy.js";
import { readEip712Domain } from "../../sdk/eip712.js";
import { DELIVERY_ATTESTATION_TYPES } from "../../sdk/flexibility.js";
import { PERMIT_TYPES } from "../../sdk/permit.js";
import {
  CANCEL_AUTHORIZATION_TYPES,
  RECEIVE_WITH_AUTHORIZATION_TYPES,
  TRANSFER_WITH_AUTHORIZATION_TYPES,
} from "../../sdk/authorization.js";
import { deployEverything } from "../helpers/security.js";

/**
 * The ERC-7730 descriptors in `clear-signing/`: each is a valid ERC-7730 v1 document (the checks below follow the
 * registry's JSON schema, `specs/erc7730-v1.schema.json`, for the parts the descriptors use), every format names a
 * function of the compiled ABI or an EIP-712 type the contracts hash, every field path exists in it, and every
 * EIP-712 type and person-facing call has a descriptor. A rename in a contract breaks this test.
 */
const ROOT = new URL("../..", import.meta.url).pathname;

/** The calls a person makes from a wallet, per contract: each must have a descriptor. */
const PERSON_FACING: Record<string, string[]> = {
  TrancheVault: ["subscribe", "subscribeWithPermit", "claim", "redeem", "refund", "cancelRecovery"],
  TrancheNote: ["transfer", "transferFrom", "approve"],
  ComputeMarket: [
    "buy",
    "buyWithPermit",
    "redeem",
    "claimRefund",
    "claimProceeds",
    "safeTransferFrom",
    "safeBatchTransferFrom",
    "setApprovalForAll",
  ],
  RenewableCertificates: [
    "retire",
    "requestIssuance",
    "safeTransferFrom",
    "safeBatchTransferFrom",
    "setApprovalForAll",
  ],
  FlexibilityMarket: [
    "commit",
    "settleWithReadings",
    "settleWithAttestation",
    "expire",
    "setPayee",
    "claim",
    "returnEscrow",
  ],
  MeteredEnergy: ["resumeMetering", "consume", "safeTransferFrom", "safeBatchTransferFrom", "setApprovalForAll"],
  TestStablecoin: [
    "transfer",
    "transferFrom",
    "approve",
    "permit(address,address,uint256,uint256,bytes)",
    "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
  ],
  DeviceRegistry: ["rotateSigner", "setOwner"],
};

/** Every EIP-712 message the suite verifies: its descriptor file, the contract and the SDK's types. */
const MESSAGES = [
  { file: "eip712-MeterReading.json", contract: "MeteredEnergy", types: METER_READING_TYPES },
  { file: "eip712-DeliveryAttestation.json", contract: "FlexibilityMarket", types: DELIVERY_ATTESTATION_TYPES },
  { file: "eip712-Permit.json", contract: "TestStablecoin", types: PERMIT_TYPES },
  {
    file: "eip712-TransferWithAuthorization.json",
    contract: "TestStablecoin",
    types: TRANSFER_WITH_AUTHORIZATION_TYPES,
  },
  { file: "eip712-ReceiveWithAuthorization.json", contract: "TestStablecoin", types: RECEIVE_WITH_AUTHORIZATION_TYPES },
  { file: "eip712-CancelAuthorization.json", contract: "TestStablecoin", types: CANCEL_AUTHORIZATION_TYPES },
];

/**
 * Type hashes that are never signed as a message of their own: the compute market's `Purchase` terms are hashed into
 * the nonce of a ReceiveWithAuthorization (described above), which binds them without a wallet display of its own.
 */
const NONCE_DERIVATIONS = new Set(["PURCHASE_TYPEHASH"]);

/** `$.metadata.constants` keys filled per chain when the package is built (see the notes on deployments). */
const BUILD_CONSTANTS = new Set(["stablecoin"]);

const FORMATS = new Set(["raw", "addressName", "tokenAmount", "unit", "date", "duration", "amount", "calldata"]);
const ADDRESS_TYPES = new Set(["wallet", "eoa", "contract", "token", "collection"]);
const ADDRESS_SOURCES = new Set(["local", "ens"]);

function artifactAbi(contract: string): Interface {
  const find = (folder: string): string | undefined => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === `${contract}.sol`) return join(path, `${contract}.json`);
        const found = entry.name === "mocks" ? undefined : find(path);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  const file = find(join(ROOT, "artifacts/contracts"));
  if (file === undefined) throw new Error(`no artifact for ${contract}`);
  return new Interface(JSON.parse(readFileSync(file, "utf8")).abi);
}

/** The contract a calldata descriptor is for, from its ABI reference `../abis/<Contract>.json`. */
function contractOf(descriptor: Descriptor): string {
  const abi = descriptor.context.contract?.abi;
  const match = typeof abi === "string" ? /^\.\.\/abis\/(\w+)\.json$/.exec(abi) : null;
  if (match === null) throw new Error(`the ABI reference ${String(abi)} is not ../abis/<Contract>.json`);
  return match[1];
}

/** Schema problems of one descriptor (the ERC-7730 v1 rules for what these descriptors use). */
export function schemaProblems(descriptor: Descriptor): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const record = descriptor as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    check(["$schema", "includes", "context", "metadata", "display"].includes(key), `unknown top-level key ${key}`);
  }
  const { context, metadata, display } = descriptor;
  check(typeof context === "object" && context !== null, "no context");
  check((context.contract === undefined) !== (context.eip712 === undefined), "context binds neither or both kinds");
  if (context.contract !== undefined) {
    for (const key of Object.keys(context.contract)) {
      check(["abi", "deployments", "addressMatcher", "factory"].includes(key), `unknown contract key ${key}`);
    }
  }
  if (context.eip712 !== undefined) {
    for (const key of Object.keys(context.eip712)) {
      check(["schemas", "domain", "domainSeparator", "deployments"].includes(key), `unknown eip712 key ${key}`);
    }
    check(Array.isArray(context.eip712.schemas), "eip712 context without schemas");
  }
  const deployments = context.contract?.deployments ?? (context.eip712?.deployments as unknown[] | undefined);
  for (const deployment of deployments ?? []) {
    const { chainId, address } = deployment as { chainId: unknown; address: unknown };
    check(Number.isInteger(chainId), `deployment chain id ${String(chainId)} is not an integer`);
    check(typeof address === "string" && getAddress(address) === address, `deployment ${String(address)} not EIP-55`);
  }
  check(typeof metadata?.owner === "string" && metadata.owner !== "", "metadata without owner");
  if (metadata.info !== undefined) {
    check(typeof metadata.info.legalName === "string", "metadata.info without legalName");
    check(/^https?:\/\//.test(metadata.info.url ?? ""), "metadata.info.url is not a URL");
    check(!Number.isNaN(Date.parse(metadata.info.lastUpdate ?? "")), "metadata.info.lastUpdate is not a date-time");
  }
  if (metadata.token !== undefined) {
    const { name, ticker, decimals } = metadata.token;
    check(typeof name === "string" && typeof ticker === "string" && Number.isInteger(decimals), "bad metadata.token");
  }
  const formats = Object.entries(display?.formats ?? {});
  check(formats.length > 0, "display has no formats");
  for (const [key, format] of formats) {
    check(typeof format.intent === "string" && format.intent !== "", `${key}: no intent`);
    check(Array.isArray(format.fields) && format.fields.length > 0, `${key}: no fields`);
    for (const field of format.fields ?? []) problems.push(...fieldProblems(key, field, metadata.constants ?? {}));
  }
  return problems;
}

function fieldProblems(key: string, field: Field, constants: Record<string, string>): string[] {
  const problems: string[] = [];
  const where = `${key} ${field.path}`;
  if (typeof field.path !== "string" || field.path === "") problems.push(`${key}: a field without a path`);
  // Labels are plain words for people: no camelCase identifiers (units such as kWh are fine), no underscores.
  if (!/^[A-Za-z0-9][A-Za-z0-9 ()',-]*$/.test(field.label ?? "") || /[a-z]{2,}[A-Z]/.test(field.label)) {
    problems.push(`${where}: label "${field.label}" is not plain words`);
  }
  const format = field.format ?? "raw";
  if (!FORMATS.has(format)) problems.push(`${where}: unknown format ${format}`);
  const params = field.params ?? {};
  if (format === "tokenAmount") {
    const { tokenPath, token } = params as { tokenPath?: string; token?: string };
    if ((tokenPath === undefined) === (token === undefined)) problems.push(`${where}: tokenAmount needs one token`);
    if (typeof token === "string") {
      const constant = /^\$\.metadata\.constants\.(\w+)$/.exec(token)?.[1];
      if (constant === undefined) problems.push(`${where}: token ${token} is not a metadata constant`);
      else if (!(constant in constants) && !BUILD_CONSTANTS.has(constant)) {
        problems.push(`${where}: constant ${constant} is not defined`);
      }
    }
  }
  if (format === "unit") {
    if (typeof params.base !== "string") problems.push(`${where}: unit without base`);
    if (params.decimals !== undefined && !Number.isInteger(params.decimals)) problems.push(`${where}: bad decimals`);
    if (params.prefix !== undefined && typeof params.prefix !== "boolean") problems.push(`${where}: bad prefix`);
  }
  if (format === "date" && !["timestamp", "blockheight"].includes(params.encoding as string)) {
    problems.push(`${where}: date without a timestamp or blockheight encoding`);
  }
  if (format === "addressName") {
    for (const type of (params.types as string[] | undefined) ?? []) {
      if (!ADDRESS_TYPES.has(type)) problems.push(`${where}: unknown address type ${type}`);
    }
    for (const source of (params.sources as string[] | undefined) ?? []) {
      if (!ADDRESS_SOURCES.has(source)) problems.push(`${where}: unknown address source ${source}`);
    }
  }
  return problems;
}

/** Whether `path` (`a.b`, `list.[]`) leads to a leaf of the given parameters. */
function pathExists(params: readonly ParamType[], path: string): boolean {
  let current: readonly ParamType[] = params;
  let leaf: ParamType | undefined;
  for (const part of path.split(".")) {
    if (part === "[]") {
      if (leaf?.arrayChildren === null || leaf?.arrayChildren === undefined) return false;
      leaf = leaf.arrayChildren;
      current = leaf.components ?? [];
      continue;
    }
    leaf = current.find((param) => param.name === part);
    if (leaf === undefined) return false;
    current = leaf.components ?? [];
  }
  return leaf !== undefined && leaf.components === null && leaf.arrayChildren === null;
}

/** All leaf paths of the parameters (what a format must show or exclude). */
function leafPaths(params: readonly ParamType[], prefix = ""): string[] {
  return params.flatMap((param) => {
    const path = `${prefix}${param.name}`;
    if (param.arrayChildren !== null) {
      const child = param.arrayChildren;
      return child.components !== null ? leafPaths(child.components, `${path}.[].`) : [`${path}.[]`];
    }
    return param.components !== null ? leafPaths(param.components, `${path}.`) : [path];
  });
}

/** Problems of a calldata descriptor against the compiled ABI of its contract. */
export function abiProblems(descriptor: Descriptor, abi: Interface): string[] {
  const problems: string[] = [];
  for (const [key, format] of Object.entries(descriptor.display.formats)) {
    let fragment: FunctionFragment;
    try {
      const declared = FunctionFragment.from(key);
      const compiled = abi.getFunction(declared.selector);
      if (compiled === null) {
        problems.push(`${key}: no such function in the ABI`);
        continue;
      }
      fragment = FunctionFragment.from(compiled);
      if (declared.inputs.map((p) => p.name).join() !== fragment.inputs.map((p) => p.name).join()) {
        problems.push(`${key}: parameter names differ from the ABI's ${fragment.format("full")}`);
      }
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
      continue;
    }
    problems.push(...pathProblems(key, format, fragment.inputs));
  }
  return problems;
}

function pathProblems(
  key: string,
  format: { fields: Field[]; excluded?: string[]; required?: string[] },
  params: readonly ParamType[],
): string[] {
  const problems: string[] = [];
  const shown = new Set<string>();
  for (const field of format.fields) {
    if (!pathExists(params, field.path)) problems.push(`${key}: field ${field.path} does not exist`);
    shown.add(field.path);
    const tokenPath = field.params?.tokenPath;
    if (typeof tokenPath === "string" && tokenPath !== "@.to" && !pathExists(params, tokenPath)) {
      problems.push(`${key}: token path ${tokenPath} does not exist`);
    }
  }
  for (const path of [...(format.excluded ?? []), ...(format.required ?? [])]) {
    if (!pathExists(params, path)) problems.push(`${key}: ${path} does not exist`);
  }
  // Nothing the person signs is left out silently: every parameter is shown or explicitly excluded.
  const excluded = new Set(format.excluded ?? []);
  for (const path of leafPaths(params)) {
    if (!shown.has(path) && !excluded.has(path)) problems.push(`${key}: ${path} is neither shown nor excluded`);
  }
  return problems;
}

/** Problems of an EIP-712 descriptor against the types the contracts hash (the SDK's types, checked on chain). */
function eip712Problems(descriptor: Descriptor, types: Record<string, { name: string; type: string }[]>): string[] {
  const problems: string[] = [];
  const [primaryType] = Object.keys(types);
  const schemas = descriptor.context.eip712!.schemas as { primaryType: string; types: Record<string, unknown> }[];
  const schema = schemas.find((candidate) => candidate.primaryType === primaryType);
  if (schema === undefined) return [`no schema for ${primaryType}`];
  expect(schema.types[primaryType], `${primaryType} schema types`).to.deep.equal(types[primaryType]);
  const encodeType = TypedDataEncoder.from(types).encodeType(primaryType);
  for (const [key, format] of Object.entries(descriptor.display.formats)) {
    if (key !== encodeType) problems.push(`format ${key} is not the type ${encodeType}`);
    const params = types[primaryType].map((field) => ParamType.from(`${field.type} ${field.name}`));
    problems.push(...pathProblems(key, format, params));
  }
  return problems;
}

const { ethers, provider } = await network.create();

describe("clear-signing descriptors (ERC-7730)", function () {
  const descriptors = loadDescriptors();

  it("each parses and follows the ERC-7730 v1 schema", function () {
    expect(descriptors.size).to.equal(Object.keys(PERSON_FACING).length + MESSAGES.length);
    for (const [file, descriptor] of descriptors) {
      expect(schemaProblems(descriptor), file).to.deep.equal([]);
    }
  });

  it("name only functions and parameters of the compiled ABIs, and show or exclude every parameter", function () {
    for (const [file, descriptor] of descriptors) {
      if (descriptor.context.contract === undefined) continue;
      expect(abiProblems(descriptor, artifactAbi(contractOf(descriptor))), file).to.deep.equal([]);
    }
  });

  it("cover every person-facing call", function () {
    for (const [contract, calls] of Object.entries(PERSON_FACING)) {
      const descriptor = descriptors.get(`calldata-${contract}.json`);
      expect(descriptor, contract).to.not.equal(undefined);
      const abi = artifactAbi(contract);
      const described = new Set(
        Object.keys(descriptor!.display.formats).map((key) => FunctionFragment.from(key).selector),
      );
      for (const call of calls) {
        const fragment = abi.getFunction(call);
        expect(fragment, `${contract}.${call} is in the ABI`).to.not.equal(null);
        expect(described.has(fragment!.selector), `${contract}.${call} has a format`).to.equal(true);
      }
    }
  });

  it("cover every EIP-712 type the suite hashes, with the contracts' own type hashes and domains", async function () {
    const { contracts } = await deployEverything(provider, ethers);
    // Every *_TYPEHASH a production contract publishes is one of the described messages.
    const published = new Set<string>();
    for (const contract of Object.keys(PERSON_FACING)) {
      for (const fragment of artifactAbi(contract).fragments) {
        if (
          fragment instanceof FunctionFragment &&
          fragment.name.endsWith("_TYPEHASH") &&
          !NONCE_DERIVATIONS.has(fragment.name)
        ) {
          const deployed = contracts[contract as keyof typeof contracts];
          published.add(await deployed.getFunction(fragment.name).staticCall());
        }
      }
    }
    const described = new Set<string>();
    for (const { file, contract, types } of MESSAGES) {
      const descriptor = descriptors.get(file);
      expect(descriptor, file).to.not.equal(undefined);
      expect(eip712Problems(descriptor!, types), file).to.deep.equal([]);
      const [key] = Object.keys(descriptor!.display.formats);
      described.add(id(key));
      // The descriptor's domain constraint is what the deployed contract declares through EIP-5267.
      const deployed = contracts[contract as keyof typeof contracts];
      const domain = await readEip712Domain(await deployed.getAddress(), ethers.provider);
      expect(descriptor!.context.eip712!.domain, file).to.deep.equal({ name: domain.name, version: domain.version });
    }
    expect(id(TypedDataEncoder.from(PERMIT_TYPES).encodeType("Permit"))).to.equal(
      "0x6e71edae12b1b97f4d1f60370fef10105fa2faae0126114a169c64845d6126c9",
    );
    for (const typeHash of published) expect(described.has(typeHash), `type hash ${typeHash} described`).to.equal(true);
    expect(published.size).to.equal(5);
  });

  it("fail when a function, a parameter or a message field is renamed", function () {
    const vault = structuredClone(descriptors.get("calldata-TrancheVault.json")!);
    const abi = artifactAbi("TrancheVault");
    expect(abiProblems(vault, abi)).to.deep.equal([]);
    const subscribe = vault.display.formats["subscribe(uint256 trancheId,uint256 amount)"];
    subscribe.fields[1].path = "amountUsd";
    expect(abiProblems(vault, abi)).to.include.members([
      "subscribe(uint256 trancheId,uint256 amount): field amountUsd does not exist",
      "subscribe(uint256 trancheId,uint256 amount): amount is neither shown nor excluded",
    ]);
    vault.display.formats["subscribeFor(uint256 trancheId,uint256 amount)"] = subscribe;
    expect(abiProblems(vault, abi)).to.include(
      "subscribeFor(uint256 trancheId,uint256 amount): no such function in the ABI",
    );
    const reading = structuredClone(descriptors.get("eip712-MeterReading.json")!);
    const renamed = {
      MeterReading: METER_READING_TYPES.MeterReading.map((f) =>
        f.name === "timestamp" ? { ...f, name: "readAt" } : f,
      ),
    };
    expect(() => eip712Problems(reading, renamed)).to.throw(/MeterReading schema types/);
  });

  it("flag schema mistakes: unknown formats, missing units, non-plain labels, undefined constants", function () {
    const note = structuredClone(descriptors.get("calldata-TrancheNote.json")!);
    const [key] = Object.keys(note.display.formats);
    note.display.formats[key].fields = [
      { path: "to", label: "toAddress", format: "address" },
      { path: "amount", label: "Notes", format: "unit", params: {} },
      { path: "amount", label: "Notes", format: "tokenAmount", params: { token: "$.metadata.constants.usd" } },
    ];
    expect(schemaProblems(note)).to.deep.equal([
      `${key} to: label "toAddress" is not plain words`,
      `${key} to: unknown format address`,
      `${key} amount: unit without base`,
      `${key} amount: constant usd is not defined`,
    ]);
  });
});

describe("clear-signing deployments (scripts/clear-signing/with-deployments.ts)", function () {
  it("binds each descriptor to a chain's deployment and stablecoin, and the result still follows the schema", function () {
    const descriptors = loadDescriptors();
    const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
    const names = ["MeteredEnergy", "FlexibilityMarket", "TestStablecoin", "TrancheVault", "ComputeMarket"];
    const contracts = Object.fromEntries(names.map((name, index) => [name, { address: address(index + 1) }]));
    const bound = bindToChain(descriptors, {
      chainId: 84_532,
      network: "baseSepolia",
      contracts: { ...contracts, Stablecoin: { address: address(99) } },
    });
    // Only the contracts the chain has; tranche notes (created by the vault) stay matched by ABI.
    expect([...bound.keys()].sort()).to.deep.equal([
      "calldata-ComputeMarket.json",
      "calldata-FlexibilityMarket.json",
      "calldata-MeteredEnergy.json",
      "calldata-TestStablecoin.json",
      "calldata-TrancheVault.json",
      "eip712-CancelAuthorization.json",
      "eip712-DeliveryAttestation.json",
      "eip712-MeterReading.json",
      "eip712-Permit.json",
      "eip712-ReceiveWithAuthorization.json",
      "eip712-TransferWithAuthorization.json",
    ]);
    expect(bound.get("calldata-TrancheVault.json")!.context.contract!.deployments).to.deep.equal([
      { chainId: 84_532, address: address(4) },
    ]);
    expect(bound.get("eip712-MeterReading.json")!.context.eip712!.deployments).to.deep.equal([
      { chainId: 84_532, address: address(1) },
    ]);
    expect(bound.get("calldata-TrancheVault.json")!.metadata.constants).to.deep.equal({ stablecoin: address(99) });
    for (const [file, descriptor] of bound) expect(schemaProblems(descriptor), file).to.deep.equal([]);
    // The checked-in descriptors are left as they were.
    expect(descriptors.get("calldata-TrancheVault.json")!.context.contract!.deployments).to.equal(undefined);
  });
});

describe("clear-signing renderer (scripts/clear-signing/render.ts)", function () {
  it("renders every format of every descriptor with formatted values", function () {
    for (const [file, descriptor] of loadDescriptors()) {
      for (const [key, format] of Object.entries(descriptor.display.formats)) {
        const context = { ...SAMPLE_CONTEXT, self: SAMPLE_SELF[file] ?? SAMPLE_CONTEXT.self };
        const lines = renderFormat(format, sampleData(parametersOfKey(key), file), context);
        expect(lines, `${file} ${key}`).to.have.length(format.fields.length + 1);
        expect(lines.join("\n"), `${file} ${key}`).to.not.match(/undefined|NaN|\[object/);
      }
    }
  });

  it("are shown in the README exactly as the renderer prints them (npm run clear-signing:readme)", function () {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).to.contain(renderReadmeSection().trimEnd());
  });

  it("shows a meter reading in MWh/GWh and UTC, and a permit in dollars", function () {
    const section = renderReadmeSection();
    expect(section).to.contain(
      "▶ Sign a meter reading\n  Device: 7\n  Meter counter: 1.576 GWh\n  Read at: 2026-03-02 01:00:00 UTC",
    );
    expect(section).to.contain("  Energy delivered: 2.4 MWh\n  Verifier: Grid verifier (0xbDA5…197E)");
    expect(section).to.contain("  Amount: 25,000 tUSD\n  Valid until: 2026-03-02 02:00:00 UTC");
    expect(section).to.contain("  Amount: 25,000 USDC");
  });
});
