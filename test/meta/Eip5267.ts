import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * EIP-5267: every contract that verifies a signature publishes its EIP-712 domain (`eip712Domain()`), so wallets and
 * the SDK read it from the chain instead of trusting a name and version written down elsewhere. The signature-taking
 * contracts are found from the compiled ABIs: a function with a `bytes` signature parameter, or with `v, r, s`.
 */
const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * Contracts whose signature parameters they do not verify themselves: they hand an EIP-2612 permit to the
 * stablecoin, whose own `eip712Domain()` describes it. Each entry says which functions and where the check happens.
 */
const FORWARDS_PERMIT_TO_TOKEN: Record<string, string[]> = {
  ComputeMarket: ["buyWithPermit"],
  TrancheVault: ["subscribeWithPermit"],
};
/** Functions that take an EIP-3009 receive-authorization and hand it to the token, which verifies it. */
const FORWARDS_AUTHORIZATION_TO_TOKEN: Record<string, string[]> = {
  ComputeMarket: ["buyWithAuthorization"],
};

interface AbiInput {
  name: string;
  type: string;
}
interface AbiEntry {
  type: string;
  name?: string;
  inputs?: AbiInput[];
}

function productionArtifacts(folder = join(ROOT, "artifacts/contracts")): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory())
      return ["mocks", "interfaces", "libraries"].includes(entry.name) ? [] : productionArtifacts(path);
    return entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json") ? [path] : [];
  });
}

const takesSignature = (inputs: AbiInput[]) =>
  inputs.some((input) => input.type === "bytes" && /^signatures?$|Signature$/.test(input.name)) ||
  inputs.some((input) => input.type === "bytes[]" && /signatures$/i.test(input.name)) ||
  ["v", "r", "s"].every((name) => inputs.some((input) => input.name === name));

describe("EIP-5267 domains", function () {
  const contracts = productionArtifacts().map((file) => {
    const artifact = JSON.parse(readFileSync(file, "utf8")) as {
      contractName: string;
      sourceName: string;
      abi: AbiEntry[];
    };
    return { file: relative(ROOT, file), source: artifact.sourceName, name: artifact.contractName, abi: artifact.abi };
  });

  it("finds the signature-taking functions of the suite", function () {
    const found = contracts
      .map(({ name, abi }) => ({
        name,
        functions: abi.filter((entry) => entry.type === "function" && takesSignature(entry.inputs ?? [])),
      }))
      .filter(({ functions }) => functions.length > 0)
      .map(({ name }) => name)
      .sort();
    // The detector is not vacuous: it sees every contract that verifies or forwards a signature.
    expect(found).to.deep.equal([
      "ComputeMarket",
      "FlexibilityMarket",
      "MeteredEnergy",
      "TestStablecoin",
      "TrancheVault",
    ]);
  });

  it("is published by every contract that verifies a signature", function () {
    for (const { file, name, abi } of contracts) {
      const signatureFunctions = abi
        .filter((entry) => entry.type === "function" && takesSignature(entry.inputs ?? []))
        .map((entry) => entry.name!);
      if (signatureFunctions.length === 0) continue;
      const forwarded = [...(FORWARDS_PERMIT_TO_TOKEN[name] ?? []), ...(FORWARDS_AUTHORIZATION_TO_TOKEN[name] ?? [])];
      const verified = signatureFunctions.filter((fn) => !forwarded.includes(fn));
      if (verified.length === 0) continue;
      const domain = abi.find((entry) => entry.type === "function" && entry.name === "eip712Domain");
      expect(
        domain,
        `${name} (${file}) verifies signatures in ${verified.join(", ")} but has no eip712Domain()`,
      ).to.not.equal(undefined);
      expect(domain!.inputs).to.deep.equal([]);
    }
  });

  it("lists only real forwarders: each forwarded function takes v, r, s and hands them to the token", function () {
    for (const [name, functions] of Object.entries(FORWARDS_PERMIT_TO_TOKEN)) {
      const contract = contracts.find((candidate) => candidate.name === name);
      expect(contract, name).to.not.equal(undefined);
      for (const fn of functions) {
        const entry = contract!.abi.find((candidate) => candidate.type === "function" && candidate.name === fn);
        expect(entry !== undefined && takesSignature(entry.inputs ?? []), `${name}.${fn} takes v, r, s`).to.equal(true);
      }
      const source = readFileSync(join(ROOT, contract!.source), "utf8");
      expect(source, `${name} hands the permit to the token`).to.match(
        /IERC20Permit\(address\(\w+\)\)\.permit\(msg\.sender, address\(this\)/,
      );
    }
  });

  it("lists only real authorization forwarders: each takes a signature and hands it to the token's receive", function () {
    for (const [name, functions] of Object.entries(FORWARDS_AUTHORIZATION_TO_TOKEN)) {
      const contract = contracts.find((candidate) => candidate.name === name);
      expect(contract, name).to.not.equal(undefined);
      for (const fn of functions) {
        const entry = contract!.abi.find((candidate) => candidate.type === "function" && candidate.name === fn);
        expect(entry !== undefined && takesSignature(entry.inputs ?? []), `${name}.${fn} takes a signature`).to.equal(
          true,
        );
      }
      const source = readFileSync(join(ROOT, contract!.source), "utf8");
      expect(source, `${name} hands the authorization to the token`).to.match(
        /\.receiveWithAuthorization\(\s*buyer,\s*address\(this\)/,
      );
    }
  });
});
