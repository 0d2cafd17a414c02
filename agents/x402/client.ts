/** An agent's side of x402 with an ethers wallet: its signer for the `exact` EVM scheme and a paying `fetch`. */
import { x402Client, x402HTTPClient } from "@x402/core/client";
import type { ClientEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import type { TypedDataField, Wallet } from "ethers";

/** The wallet as x402's client signer: it signs the EIP-712 payment authorization locally. */
export function x402Signer(wallet: Wallet): ClientEvmSigner {
  return {
    address: wallet.address as `0x${string}`,
    async signTypedData({ domain, types, message }) {
      // ethers derives the domain's type itself and refuses it among the types.
      const { EIP712Domain: _domain, ...fields } = types as Record<string, TypedDataField[]>;
      return (await wallet.signTypedData(domain, fields, message)) as `0x${string}`;
    },
  };
}

/** An x402 client paying with `wallet` in the `exact` scheme on any EVM chain. */
export function x402ClientFor(wallet: Wallet): x402Client {
  return new x402Client().register("eip155:*", new ExactEvmScheme(x402Signer(wallet)));
}

/** `fetch` that answers a 402 by paying with `wallet` and retrying once. */
export function payingFetch(wallet: Wallet): typeof fetch {
  return wrapFetchWithPayment(fetch, x402ClientFor(wallet));
}

/** The HTTP half of the client, to build payment headers by hand (e.g. to pay later, or to test). */
export function x402HttpClientFor(wallet: Wallet): x402HTTPClient {
  return new x402HTTPClient(x402ClientFor(wallet));
}
