/**
 * Runs the Joulestack MCP server: `tsx agents/mcp/main.ts` over stdio, `tsx agents/mcp/main.ts --http <port>` over
 * streamable HTTP on 127.0.0.1. Reads JOULESTACK_RPC_URL, JOULESTACK_AGENT_PRIVATE_KEY and, for a local deployment,
 * JOULESTACK_DEPLOYMENTS (the folder of deployment records); see the README's "Agents" section.
 */
import { agentChainOptionsFromEnv, connectAgentChain } from "../core/chain.js";
import { Desk } from "../core/desk.js";
import { serveStdio, startMcpHttp } from "./transports.js";

async function main() {
  const chain = await connectAgentChain(agentChainOptionsFromEnv());
  const desk = new Desk(chain);
  const httpAt = process.argv.indexOf("--http");
  if (httpAt === -1) {
    await serveStdio(desk);
    return;
  }
  const port = Number(process.argv[httpAt + 1] ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--http needs a port, got ${process.argv[httpAt + 1]}`);
  const server = await startMcpHttp(desk, port);
  // The one line on stdout a supervisor (or a test) reads to learn where the server listens.
  console.log(`joulestack mcp listening on ${server.url}`);
  const stop = async () => {
    await server.close();
    chain.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error) => {
  // stdout belongs to the protocol on stdio: errors go to stderr, one line.
  console.error(`joulestack mcp: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
