/**
 * EIP-712 domains read from the contracts themselves (EIP-5267 `eip712Domain()`), so a signer never relies on a name
 * or version written into the SDK: whatever the deployed contract hashes is what gets signed.
 */
import { Contract, type ContractRunner, type TypedDataDomain, toBeHex } from "ethers";

const EIP5267_ABI = [
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
];

/** What `eip712Domain()` returns (EIP-5267), as ethers decodes it. */
export type Eip5267Domain = readonly [
  fields: string,
  name: string,
  version: string,
  chainId: bigint,
  verifyingContract: string,
  salt: string,
  extensions: readonly bigint[],
];

const NAME = 0x01;
const VERSION = 0x02;
const CHAIN_ID = 0x04;
const VERIFYING_CONTRACT = 0x08;
const SALT = 0x10;

/**
 * The EIP-712 domain described by an `eip712Domain()` answer: only the fields its bitmap marks as used (EIP-5267).
 * Pure, for offline signers that were handed the tuple. Throws on extensions, which no Joulestack contract uses and
 * whose meaning this SDK cannot know.
 */
export function domainFromEip5267(answer: Eip5267Domain): TypedDataDomain {
  const [fieldsHex, name, version, chainId, verifyingContract, salt, extensions] = answer;
  if (extensions.length !== 0) {
    throw new Error(`the EIP-712 domain declares extensions ${extensions.join(", ")}, which this SDK does not support`);
  }
  const fields = Number(BigInt(fieldsHex));
  if ((fields & ~0x1f) !== 0) throw new Error(`the EIP-712 domain declares unknown fields ${toBeHex(fields)}`);
  const domain: TypedDataDomain = {};
  if (fields & NAME) domain.name = name;
  if (fields & VERSION) domain.version = version;
  if (fields & CHAIN_ID) domain.chainId = chainId;
  if (fields & VERIFYING_CONTRACT) domain.verifyingContract = verifyingContract;
  if (fields & SALT) domain.salt = salt;
  return domain;
}

/** Reads the EIP-712 domain a contract signs under from its `eip712Domain()` (EIP-5267). */
export async function readEip712Domain(contract: string, runner: ContractRunner): Promise<TypedDataDomain> {
  const answer = (await new Contract(contract, EIP5267_ABI, runner).eip712Domain()) as Eip5267Domain;
  return domainFromEip5267(answer);
}
