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

/**
 * What an agent agrees to pay in: the stablecoin on a chain (`eip155:<chainId>`) and, optionally, the most it pays
 * at once in base units. x402 clients refuse any asset not listed, so a server cannot switch the token.
 */
export interface Budget {
  readonly network: `${string}:${string}`;
  readonly asset: string;
  readonly maxAmountPerPayment?: bigint;
}

/** An x402 client paying with `wallet` in the `exact` scheme, within `budget`. */
export function x402ClientFor(wallet: Wallet, budget: Budget): x402Client {
  return new x402Client().register(budget.network, new ExactEvmScheme(x402Signer(wallet))).setSpendControls({
    maxAmountPerPayment: false,
    allowedAssets: [
      {
        network: budget.network,
        asset: budget.asset,
        maxAmountPerPayment: budget.maxAmountPerPayment?.toString(),
      },
    ],
  });
}

/** `fetch` that answers a 402 by paying with `wallet` within `budget` and retrying once. */
export function payingFetch(wallet: Wallet, budget: Budget): typeof fetch {
  return wrapFetchWithPayment(fetch, x402ClientFor(wallet, budget));
}

/** The HTTP half of the client, to build payment headers by hand (e.g. to pay later, or to test). */
export function x402HttpClientFor(wallet: Wallet, budget: Budget): x402HTTPClient {
  return new x402HTTPClient(x402ClientFor(wallet, budget));
}
