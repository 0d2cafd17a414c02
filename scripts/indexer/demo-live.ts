// `npm run demo:live`: a local node, the suite deployed on it, the demo scenario played, the indexer started on it
// and caught up; prints the API address with example queries and keeps everything running until Ctrl-C.
import { JsonRpcProvider } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { startLocalNode } from "../../test/helpers/node.js";
import { createStore, playDemo, startIndexer, waitCaughtUp } from "../../test/indexer/harness.js";

const periods = Number(process.env.DEMO_PERIODS ?? 2);

async function main() {
  console.log("Starting a local node on a free port");
  const node = await startLocalNode();
  const stops: (() => Promise<void>)[] = [() => node.stop()];
  const stopAll = async () => {
    while (stops.length) await stops.pop()!().catch(() => undefined);
  };
  process.once("SIGINT", () => {
    console.log("\nStopping the indexer and the node");
    void stopAll().then(() => process.exit(0));
  });
  try {
    console.log(`Deploying and playing the demo scenario (${periods} periods) on ${node.url}`);
    const chain = await playDemo(node.url, { periods });
    stops.push(() => chain.close());
    const provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 });
    const chainId = Number((await provider.getNetwork()).chainId);
    const head = await provider.getBlockNumber();
    provider.destroy();

    const store = await createStore();
    stops.push(() => store.drop());
    console.log(`Starting the indexer (${store.kind}) and indexing ${head} blocks`);
    const started = Date.now();
    const indexer = await startIndexer([{ chainId, rpcUrl: node.url, deploymentsDir: chain.deploymentsDir }], store);
    stops.push(() => indexer.stop());
    await waitCaughtUp(indexer);
    console.log(`Caught up with block ${head} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const at = (name: string) =>
      JSON.parse(readFileSync(join(chain.deploymentsDir, `${name}.json`), "utf8")).address as string;
    const lots = (await fetch(`${indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ deliveryLots(limit: 1) { items { creditId } } }` }),
    }).then((response) => response.json())) as { data: { deliveryLots: { items: { creditId: string }[] } } };
    const creditId = lots.data.deliveryLots.items[0]?.creditId ?? "1";
    const base = `${indexer.url}/v1/chains/${chainId}`;
    console.log(`
The API is at ${indexer.url} (node: ${node.url}, chain ${chainId}). Try:

  curl ${indexer.url}/v1/status
  curl ${base}/lots/${creditId}/lineage
  curl ${base}/lots/${creditId}/links
  curl ${base}/devices/2/hours
  curl ${base}/vaults/${at("TrancheVault")}
  curl ${base}/retirements/1/verification
  curl ${indexer.url}/graphql -H 'content-type: application/json' \\
    -d '{"query":"{ devices { items { deviceId source gridZone mintedWh status } } }"}'
  open ${indexer.url}/graphql in a browser for GraphiQL

Press Ctrl-C to stop the indexer and the node.`);
    await new Promise(() => undefined);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

await main();
