// Every event without domain state of its own (see lib/events.js), recorded with its arguments.
import { ponder } from "ponder:registry";
import { contractEvent } from "ponder:schema";

import { isGeneric } from "../lib/events.js";
import { readSetup } from "../lib/setup.js";
import type { Setup } from "./setup-types";
import { jsonArgs, logColumns } from "./util";

const on = ponder.on.bind(ponder) as any;
const setup: Setup = readSetup(process.env);

for (const [contract, abi] of Object.entries(setup.abis)) {
  const deployed = contract === "TrancheNote" || setup.chains.some((chain) => chain.contracts[contract as never]);
  if (!deployed) continue;
  for (const item of abi) {
    if (item.type !== "event" || !isGeneric(contract, item.name)) continue;
    on(`${contract}:${item.name}`, async ({ event, context }: any) => {
      await context.db.insert(contractEvent).values({
        ...logColumns(event, context),
        contract,
        address: event.log.address,
        event: item.name,
        args: jsonArgs(event.args),
      });
    });
  }
}
