// "Caught up" means: for every chain, the last block Ponder indexed is the RPC's head block right now.
import { sql } from "ponder";
import { db } from "ponder:api";

import { readSetup } from "../../lib/setup.js";
import type { Setup } from "../setup-types";

export const setup: Setup = readSetup(process.env);
const SCHEMA = (process.env.DATABASE_SCHEMA ?? "public").replaceAll('"', "");

export interface ChainFreshness {
  chainId: number;
  indexedBlock: number | null;
  headBlock: number | null;
  caughtUp: boolean;
  error?: string;
}

async function headBlock(rpcUrl: string): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    signal: AbortSignal.timeout(3_000),
  });
  const body = (await response.json()) as { result?: string };
  if (body.result === undefined) throw new Error(`the RPC answered ${response.status} without a block number`);
  return Number(BigInt(body.result));
}

export async function freshness(): Promise<ChainFreshness[]> {
  const result: any = await db.execute(
    sql.raw(`SELECT chain_id, latest_checkpoint FROM "${SCHEMA}"."_ponder_checkpoint"`),
  );
  const rows: { chain_id: number | string; latest_checkpoint: string }[] = result.rows ?? result;
  // A checkpoint is fixed-width: 10 digits of timestamp, 16 of chain id, 16 of block number, ...
  const indexed = new Map(rows.map((row) => [Number(row.chain_id), Number(row.latest_checkpoint.slice(26, 42))]));
  return Promise.all(
    setup.chains.map(async (chain) => {
      const indexedBlock = indexed.get(chain.chainId) ?? null;
      try {
        const head = await headBlock(chain.rpcUrl);
        return {
          chainId: chain.chainId,
          indexedBlock,
          headBlock: head,
          caughtUp: indexedBlock !== null && indexedBlock >= head,
        };
      } catch (error) {
        return {
          chainId: chain.chainId,
          indexedBlock,
          headBlock: null,
          caughtUp: false,
          error: `RPC ${chain.rpcUrl} unreachable: ${(error as Error).message}`,
        };
      }
    }),
  );
}
