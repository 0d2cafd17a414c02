/**
 * The x402 facilitator the project runs itself, in process: the `exact` EVM scheme of @x402/evm (EIP-3009
 * `transferWithAuthorization`) verifying and settling payments with the desk's own key through ethers. No external
 * facilitator service is called.
 */
import { x402Facilitator } from "@x402/core/facilitator";
import type { FacilitatorClient } from "@x402/core/server";
import type { Network, PaymentPayload, PaymentRequirements } from "@x402/core/types";
import type { FacilitatorEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import {
  type FunctionFragment,
  type InterfaceAbi,
  Interface,
  TypedDataEncoder,
  getAddress,
  verifyTypedData,
} from "ethers";

import { describeError } from "../../sdk/errors.js";
import type { AgentChain } from "../core/chain.js";

type Hex = `0x${string}`;
const ERC1271_MAGIC = "0x1626ba7e";
const ERC1271 = new Interface(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);

/** The function of `abi` named `name` that takes `args` (EIP-3009 tokens overload their functions). */
function resolve(
  abi: readonly unknown[],
  name: string,
  args: readonly unknown[],
): { iface: Interface; fragment: FunctionFragment } {
  const iface = new Interface(abi as InterfaceAbi);
  const candidates = iface.fragments.filter(
    (fragment): fragment is FunctionFragment =>
      fragment.type === "function" &&
      (fragment as FunctionFragment).name === name &&
      fragment.inputs.length === args.length,
  );
  for (const fragment of candidates) {
    try {
      iface.encodeFunctionData(fragment, args);
      return { iface, fragment };
    } catch {
      // another overload
    }
  }
  throw new Error(`no function ${name} taking ${args.length} arguments in the ABI`);
}

/** A contract failure as an Error whose message names the decoded custom error (x402 classifies by message). */
const failure = (error: unknown) => new Error(describeError(error), { cause: error });

/** The facilitator's view of the chain, backed by ethers and the desk's signer. */
export function ethersFacilitatorSigner(chain: AgentChain): FacilitatorEvmSigner {
  const { provider, signer } = chain;
  const send = async (to: string, data: string): Promise<Hex> => {
    try {
      return (await signer.sendTransaction({ to, data })).hash as Hex;
    } catch (error) {
      signer.reset();
      throw failure(error);
    }
  };
  return {
    getAddresses: () => [chain.address as Hex],
    async readContract({ address, abi, functionName, args = [] }) {
      const { iface, fragment } = resolve(abi, functionName, args);
      try {
        const result = await provider.call({
          to: address,
          from: chain.address,
          data: iface.encodeFunctionData(fragment, args),
        });
        const decoded = iface.decodeFunctionResult(fragment, result);
        return decoded.length === 1 ? decoded[0] : decoded.toArray();
      } catch (error) {
        throw failure(error);
      }
    },
    async verifyTypedData({ address, domain, types, primaryType, message, signature }) {
      const fields = { [primaryType]: (types as Record<string, never>)[primaryType] } as Record<
        string,
        { name: string; type: string }[]
      >;
      // Any struct the primary type refers to travels along; the domain's type is derived by ethers itself.
      for (const [name, value] of Object.entries(types as Record<string, { name: string; type: string }[]>)) {
        if (name !== "EIP712Domain") fields[name] = value;
      }
      try {
        if (getAddress(verifyTypedData(domain, fields, message, signature)) === getAddress(address)) return true;
      } catch {
        // not an EOA signature: an ERC-1271 account may still accept it
      }
      if ((await provider.getCode(address)) === "0x") return false;
      try {
        const hash = TypedDataEncoder.hash(domain, fields, message);
        const result = await provider.call({
          to: address,
          data: ERC1271.encodeFunctionData("isValidSignature", [hash, signature]),
        });
        return result.slice(0, 10).toLowerCase() === ERC1271_MAGIC;
      } catch {
        return false;
      }
    },
    async writeContract({ address, abi, functionName, args, dataSuffix }) {
      const { iface, fragment } = resolve(abi, functionName, args);
      return send(address, iface.encodeFunctionData(fragment, args) + (dataSuffix ?? "0x").slice(2));
    },
    sendTransaction: ({ to, data }) => send(to, data),
    async waitForTransactionReceipt({ hash }) {
      const receipt = (await provider.waitForTransaction(hash))!;
      return {
        status: receipt.status === 1 ? "success" : "reverted",
        logs: receipt.logs.map((log) => ({
          address: log.address as Hex,
          topics: log.topics as [Hex, ...Hex[]],
          data: log.data as Hex,
          blockHash: log.blockHash as Hex,
          blockNumber: BigInt(log.blockNumber),
          logIndex: log.index,
          transactionHash: log.transactionHash as Hex,
          transactionIndex: log.transactionIndex,
          removed: log.removed,
        })),
      };
    },
    async getCode({ address }) {
      const code = await provider.getCode(address);
      return code === "0x" ? undefined : (code as Hex);
    },
  };
}

/** An in-process facilitator for `network` (e.g. `eip155:31337`), as the resource server's facilitator client. */
export function localFacilitator(chain: AgentChain, network: Network): FacilitatorClient {
  const facilitator = new x402Facilitator().register(network, new ExactEvmScheme(ethersFacilitatorSigner(chain)));
  return {
    verify: (payload: PaymentPayload, requirements: PaymentRequirements) => facilitator.verify(payload, requirements),
    settle: (payload: PaymentPayload, requirements: PaymentRequirements) => facilitator.settle(payload, requirements),
    getSupported: async () => facilitator.getSupported() as Awaited<ReturnType<FacilitatorClient["getSupported"]>>,
  };
}
