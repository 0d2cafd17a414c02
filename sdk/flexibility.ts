/**
 * Delivery attestations of the flexibility market: the EIP-712 message an accredited verifier (a key or an ERC-1271
 * contract account) signs to settle a consume-less commitment, matching `FlexibilityMarket.sol`.
 */
import { type ContractRunner, type TypedDataDomain, type TypedDataField } from "ethers";

import { readEip712Domain } from "./eip712.js";
import type { TypedDataSigner } from "./energy.js";

/** A verifier's statement of the energy a consume-less commitment delivered. */
export interface DeliveryAttestation {
  commitmentId: bigint;
  deliveredWh: bigint;
  /** The accredited verifier that signs (an EOA, or a contract answering ERC-1271). */
  verifier: string;
}

/** EIP-712 types of a delivery attestation. */
export const DELIVERY_ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  DeliveryAttestation: [
    { name: "commitmentId", type: "uint256" },
    { name: "deliveredWh", type: "uint256" },
    { name: "verifier", type: "address" },
  ],
};

/** The EIP-712 domain of a FlexibilityMarket deployment, read from its `eip712Domain()` (EIP-5267). */
export function flexibilityMarketDomain(market: string, runner: ContractRunner): Promise<TypedDataDomain> {
  return readEip712Domain(market, runner);
}

/**
 * Signs a delivery attestation. For a contract verifier, `signer` is the key its `isValidSignature` accepts (for
 * example the owner of a one-owner smart account); the attestation still names the contract as `verifier`.
 */
export function signAttestation(
  signer: TypedDataSigner,
  domain: TypedDataDomain,
  attestation: DeliveryAttestation,
): Promise<string> {
  return signer.signTypedData(domain, DELIVERY_ATTESTATION_TYPES, { ...attestation });
}
