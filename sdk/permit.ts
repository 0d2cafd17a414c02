import { Contract, Signature, type Signer, type TypedDataDomain } from "ethers";

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
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
];

/**
 * The EIP-712 domain of an EIP-2612 token: read from the token itself (EIP-5267) when it says, otherwise its name
 * with `fallbackVersion` (OpenZeppelin tokens use "1"; USDC uses "2").
 */
export async function permitDomain(token: string, signer: Signer, fallbackVersion = "1"): Promise<TypedDataDomain> {
  const contract = new Contract(token, PERMIT_TOKEN_ABI, signer);
  try {
    const [, name, version, chainId, verifyingContract] = await contract.eip712Domain();
    return { name, version, chainId, verifyingContract };
  } catch {
    const { chainId } = await signer.provider!.getNetwork();
    return { name: await contract.name(), version: fallbackVersion, chainId, verifyingContract: token };
  }
}

/**
 * Signs an EIP-2612 permit letting `spender` pull `value` of `token` from the signer until `deadline`, for the
 * one-transaction `buyWithPermit` and `subscribeWithPermit` paths. Reads the signer's current nonce unless given.
 */
export async function signPermit(
  owner: Signer,
  token: string,
  spender: string,
  value: bigint,
  deadline: bigint | number,
  options: { nonce?: bigint; domain?: TypedDataDomain } = {},
): Promise<Signature> {
  const ownerAddress = await owner.getAddress();
  const domain = options.domain ?? (await permitDomain(token, owner));
  const nonce = options.nonce ?? (await new Contract(token, PERMIT_TOKEN_ABI, owner).nonces(ownerAddress));
  return Signature.from(
    await owner.signTypedData(domain, PERMIT_TYPES, { owner: ownerAddress, spender, value, nonce, deadline }),
  );
}
