import { Contract, Signature, TypedDataEncoder, type Signer, type TypedDataDomain } from "ethers";

import { domainFromEip5267, type Eip5267Domain } from "./eip712.js";

/** EIP-2612 permit types. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

const PERMIT_TOKEN_ABI = [
  "function name() view returns (string)",
  "function nonces(address owner) view returns (uint256)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
];

/**
 * The EIP-712 domain of an EIP-2612 token, read from the token itself (EIP-5267 `eip712Domain()`). A token that does
 * not implement EIP-5267 (USDC before v2.2 on some chains) needs the caller to say its `version`: the domain is then
 * its `name()`, that version, the chain and the token, and is accepted only if it hashes to the token's own
 * `DOMAIN_SEPARATOR()`, so a wrong guess fails here instead of producing a signature the token refuses.
 */
export async function permitDomain(token: string, signer: Signer, version?: string): Promise<TypedDataDomain> {
  const contract = new Contract(token, PERMIT_TOKEN_ABI, signer);
  let declared: Eip5267Domain | undefined;
  try {
    declared = (await contract.eip712Domain()) as Eip5267Domain;
  } catch {
    declared = undefined;
  }
  if (declared !== undefined) return domainFromEip5267(declared);
  if (version === undefined) {
    throw new Error(`token ${token} does not declare its EIP-712 domain (EIP-5267): pass its permit version`);
  }
  const { chainId } = await signer.provider!.getNetwork();
  const domain = { name: (await contract.name()) as string, version, chainId, verifyingContract: token };
  let separator: string;
  try {
    separator = (await contract.DOMAIN_SEPARATOR()) as string;
  } catch {
    throw new Error(`token ${token} has neither eip712Domain() nor DOMAIN_SEPARATOR(): it does not take permits`);
  }
  if (TypedDataEncoder.hashDomain(domain) !== separator) {
    throw new Error(`token ${token}'s DOMAIN_SEPARATOR is not that of "${domain.name}" version "${version}"`);
  }
  return domain;
}

/**
 * Signs an EIP-2612 permit letting `spender` pull `value` of `token` from the signer until `deadline`, for the
 * one-transaction `buyWithPermit` and `subscribeWithPermit` paths. Reads the signer's current nonce unless given.
 * With `owner`, a key signs for a smart account that accepts it through ERC-1271; pass `signature.serialized` to the
 * token's `permit(owner, spender, value, deadline, bytes)`.
 */
export async function signPermit(
  signer: Signer,
  token: string,
  spender: string,
  value: bigint,
  deadline: bigint | number,
  options: { nonce?: bigint; domain?: TypedDataDomain; owner?: string; version?: string } = {},
): Promise<Signature> {
  const owner = options.owner ?? (await signer.getAddress());
  const domain = options.domain ?? (await permitDomain(token, signer, options.version));
  const nonce = options.nonce ?? (await new Contract(token, PERMIT_TOKEN_ABI, signer).nonces(owner));
  return Signature.from(await signer.signTypedData(domain, PERMIT_TYPES, { owner, spender, value, nonce, deadline }));
}
