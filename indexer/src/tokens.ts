import { tokenBalance, tokenTransfer } from "ponder:schema";

/**
 * Records one ERC-1155 movement (each id of a batch separately) and moves the balance. Mints come from and burns go
 * to the zero address, whose balance is not kept.
 */
export async function recordTransfer(
  event: any,
  context: any,
  token: "kwh" | "rec" | "flexibility" | "compute",
  index: number,
  tokenId: bigint,
  amount: bigint,
) {
  const { operator, from, to } = event.args;
  const chainId = context.chain.id as number;
  await context.db.insert(tokenTransfer).values({
    id: `${chainId}-${event.block.number}-${event.log.logIndex}-${index}`,
    chainId,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    token,
    tokenId,
    operator,
    from,
    to,
    amount,
  });
  const zero = "0x0000000000000000000000000000000000000000";
  if (from !== zero) {
    await context.db
      .insert(tokenBalance)
      .values({ chainId, token, tokenId, holder: from, amount: -amount })
      .onConflictDoUpdate((row: any) => ({ amount: row.amount - amount }));
  }
  if (to !== zero) {
    await context.db
      .insert(tokenBalance)
      .values({ chainId, token, tokenId, holder: to, amount })
      .onConflictDoUpdate((row: any) => ({ amount: row.amount + amount }));
  }
}

/** Registers the ERC-1155 transfer events of a position token. */
export function onTransfers(
  ponder: any,
  contract: string,
  token: "kwh" | "rec" | "flexibility" | "compute",
  after?: (event: any, context: any, tokenId: bigint, amount: bigint) => Promise<void>,
) {
  ponder.on(`${contract}:TransferSingle`, async ({ event, context }: any) => {
    await recordTransfer(event, context, token, 0, event.args.id, event.args.value);
    if (after) await after(event, context, event.args.id, event.args.value);
  });
  ponder.on(`${contract}:TransferBatch`, async ({ event, context }: any) => {
    const { ids, values } = event.args;
    for (let i = 0; i < ids.length; i++) {
      await recordTransfer(event, context, token, i, ids[i], values[i]);
      if (after) await after(event, context, ids[i], values[i]);
    }
  });
}
