/**
 * EIP-3009 authorizations (transfer / receive with authorization, as USDC implements them) and gasless purchases of
 * GPU-hour credits: an agent that holds only the stablecoin signs a receive-authorization made out to the compute
 * market, and any relayer submits `ComputeMarket.buyWithAuthorization`, paying the gas.
 *
 * The purchase is bound to the signature through the authorization's nonce:
 * `nonce = keccak256(abi.encode(PURCHASE_TYPEHASH, market, creditId, gpuHours, receiver, value, salt))`, the hash of
 * the purchase terms (the binding Circle recommends for EIP-3009 payments to contracts). The market recomputes it
 * from the call's arguments, so whoever relays the signature cannot change the window, the GPU-hours, the price or
 * the receiver; and only the market may execute a receive-authorization made out to it.
 */
import {
  AbiCoder,
  Contract,
  Signature,
  hexlify,
  keccak256,
  randomBytes,
  toUtf8Bytes,
  type ContractRunner,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

const AUTHORIZATION_FIELDS: TypedDataField[] = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

/** EIP-3009 TransferWithAuthorization types (anyone may submit it). */
export const TRANSFER_WITH_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  TransferWithAuthorization: AUTHORIZATION_FIELDS,
};

/** EIP-3009 ReceiveWithAuthorization types (only the payee may submit it). */
export const RECEIVE_WITH_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  ReceiveWithAuthorization: AUTHORIZATION_FIELDS,
};

/** EIP-3009 CancelAuthorization types. */
export const CANCEL_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** The purchase terms hashed into the nonce (`ComputeMarket.PURCHASE_TYPEHASH`). */
export const PURCHASE_TYPE =
  "Purchase(address market,uint256 creditId,uint64 gpuHours,address receiver,uint256 value,bytes32 salt)";
export const PURCHASE_TYPEHASH = keccak256(toUtf8Bytes(PURCHASE_TYPE));

const TOKEN_ABI = [
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
];
const MARKET_ABI = [
  "function stablecoin() view returns (address)",
  "function getWindow(uint256 creditId) view returns (tuple(uint64 start, uint64 end, uint128 pricePerGpuHour, uint64 capacity, uint64 sold, uint64 redeemed, uint64 delivered, uint64 unclaimedRedeemed, uint128 bondHeld, bool settled, uint48 redeemCap))",
];

/** An EIP-3009 authorization as signed (the message of TransferWithAuthorization / ReceiveWithAuthorization). */
export interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

/** A signed authorization: the message, its 65-byte signature and its v, r, s parts. */
export interface SignedAuthorization {
  authorization: Authorization;
  signature: string;
  v: number;
  r: string;
  s: string;
}

/**
 * The EIP-712 domain of an EIP-3009 token, read from the token itself (EIP-5267 `eip712Domain()`), never assumed:
 * the test stablecoin signs as "Joulestack Test Dollar" version "1", USDC as "USD Coin" version "2".
 */
export async function authorizationDomain(token: string, runner: ContractRunner): Promise<TypedDataDomain> {
  const [, name, version, chainId, verifyingContract] = await new Contract(token, TOKEN_ABI, runner).eip712Domain();
  return { name, version, chainId, verifyingContract };
}

/** A random 32-byte nonce or salt. */
export function randomNonce(): string {
  return hexlify(randomBytes(32));
}

async function sign(
  signer: Signer,
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  authorization: Authorization,
): Promise<SignedAuthorization> {
  const signature = await signer.signTypedData(domain, types, authorization);
  const { v, r, s } = Signature.from(signature);
  return { authorization, signature, v, r, s };
}

/** What to authorize; `from` defaults to the signer (give it for a smart account whose owner key signs). */
export interface AuthorizationRequest {
  token: string;
  to: string;
  value: bigint;
  validBefore: bigint | number;
  validAfter?: bigint | number;
  nonce?: string;
  from?: string;
  domain?: TypedDataDomain;
}

async function authorization(signer: Signer, request: AuthorizationRequest) {
  const domain = request.domain ?? (await authorizationDomain(request.token, signer));
  const message: Authorization = {
    from: request.from ?? (await signer.getAddress()),
    to: request.to,
    value: request.value,
    validAfter: BigInt(request.validAfter ?? 0),
    validBefore: BigInt(request.validBefore),
    nonce: request.nonce ?? randomNonce(),
  };
  return { domain, message };
}

/** Signs an EIP-3009 TransferWithAuthorization (anyone may submit it to the token). */
export async function signTransferAuthorization(
  signer: Signer,
  request: AuthorizationRequest,
): Promise<SignedAuthorization> {
  const { domain, message } = await authorization(signer, request);
  return sign(signer, domain, TRANSFER_WITH_AUTHORIZATION_TYPES, message);
}

/** Signs an EIP-3009 ReceiveWithAuthorization (only `to` may submit it to the token). */
export async function signReceiveAuthorization(
  signer: Signer,
  request: AuthorizationRequest,
): Promise<SignedAuthorization> {
  const { domain, message } = await authorization(signer, request);
  return sign(signer, domain, RECEIVE_WITH_AUTHORIZATION_TYPES, message);
}

/** Signs an EIP-3009 CancelAuthorization of `nonce`; `authorizer` defaults to the signer. */
export async function signCancelAuthorization(
  signer: Signer,
  token: string,
  nonce: string,
  options: { authorizer?: string; domain?: TypedDataDomain } = {},
): Promise<{ authorizer: string; nonce: string; signature: string; v: number; r: string; s: string }> {
  const domain = options.domain ?? (await authorizationDomain(token, signer));
  const authorizer = options.authorizer ?? (await signer.getAddress());
  const signature = await signer.signTypedData(domain, CANCEL_AUTHORIZATION_TYPES, { authorizer, nonce });
  const { v, r, s } = Signature.from(signature);
  return { authorizer, nonce, signature, v, r, s };
}

/** The terms of a purchase of credits, all bound to the authorization by its nonce. */
export interface PurchaseTerms {
  market: string;
  creditId: bigint;
  gpuHours: bigint;
  receiver: string;
  /** The total price, gpuHours × the window's price per GPU-hour, in the stablecoin's base units. */
  value: bigint;
  salt: string;
}

/** The nonce binding a purchase to its authorization; equals `ComputeMarket.purchaseNonce(...)`. */
export function purchaseNonce(terms: PurchaseTerms): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "address", "uint256", "uint64", "address", "uint256", "bytes32"],
      [PURCHASE_TYPEHASH, terms.market, terms.creditId, terms.gpuHours, terms.receiver, terms.value, terms.salt],
    ),
  );
}

/** A signed purchase: the terms, the authorization, and the arguments of `buyWithAuthorization` in order. */
export interface SignedPurchase extends SignedAuthorization {
  terms: PurchaseTerms;
  /** `[creditId, gpuHours, receiver, salt, buyer, value, validAfter, validBefore, signature]`. */
  args: [bigint, bigint, string, string, string, bigint, bigint, bigint, string];
}

/**
 * Signs a gasless purchase of `gpuHours` credits of window `creditId` on `market`: a ReceiveWithAuthorization of
 * the stablecoin from the buyer to the market for the exact price, with the purchase-binding nonce. Reads the
 * stablecoin, its EIP-712 domain and the window's price from the chain unless given. `buyer` defaults to the signer
 * (give it for a smart-account buyer whose owner key signs); `receiver` defaults to the buyer; `validAfter` to 0.
 * Hand the result's `args` to any relayer: `market.buyWithAuthorization(...args)`.
 */
export async function signPurchaseAuthorization(
  signer: Signer,
  request: {
    market: string;
    creditId: bigint;
    gpuHours: bigint | number;
    validBefore: bigint | number;
    validAfter?: bigint | number;
    receiver?: string;
    buyer?: string;
    salt?: string;
    pricePerGpuHour?: bigint;
    stablecoin?: string;
    domain?: TypedDataDomain;
  },
): Promise<SignedPurchase> {
  const market = new Contract(request.market, MARKET_ABI, signer);
  const buyer = request.buyer ?? (await signer.getAddress());
  const gpuHours = BigInt(request.gpuHours);
  const price = request.pricePerGpuHour ?? (await market.getWindow(request.creditId)).pricePerGpuHour;
  const token = request.stablecoin ?? (await market.stablecoin());
  const terms: PurchaseTerms = {
    market: request.market,
    creditId: request.creditId,
    gpuHours,
    receiver: request.receiver ?? buyer,
    value: gpuHours * BigInt(price),
    salt: request.salt ?? randomNonce(),
  };
  const signed = await signReceiveAuthorization(signer, {
    token,
    to: request.market,
    from: buyer,
    value: terms.value,
    validAfter: request.validAfter ?? 0,
    validBefore: request.validBefore,
    nonce: purchaseNonce(terms),
    domain: request.domain,
  });
  const { authorization: a } = signed;
  return {
    ...signed,
    terms,
    args: [
      terms.creditId,
      terms.gpuHours,
      terms.receiver,
      terms.salt,
      a.from,
      a.value,
      a.validAfter,
      a.validBefore,
      signed.signature,
    ],
  };
}
