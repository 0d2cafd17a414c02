/** The MCP server's transports: stdio (for a local agent host) and streamable HTTP on 127.0.0.1. */
import type { IncomingMessage, Server, ServerResponse } from "node:http";

type Request = IncomingMessage & { body?: unknown };
type Response = ServerResponse & { status(code: number): Response; json(body: unknown): void };

import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

import type { Desk } from "../core/desk.js";
import { createMcpServer } from "./server.js";

/** Serves the tools over stdin/stdout until the input closes. */
export async function serveStdio(desk: Desk): Promise<void> {
  const server = createMcpServer(desk);
  await server.connect(new StdioServerTransport());
}

export interface RunningHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the tools over streamable HTTP at `http://127.0.0.1:<port>/mcp`, stateless: every request gets its own
 * server and transport, so no session state is kept between calls (the chain is the state). Only loopback hosts are
 * accepted (DNS-rebinding protection).
 */
export async function startMcpHttp(desk: Desk, port: number): Promise<RunningHttpServer> {
  const app = createMcpExpressApp({ host: "127.0.0.1" });
  app.post("/mcp", async (req: Request, res: Response) => {
    const server = createMcpServer(desk);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      if (!res.headersSent) {
        res.status(500).json({ jsonrpc: "2.0", error: { code: -32603, message: String(error) }, id: null });
      }
    }
  });
  const refuse = (_req: Request, res: Response) =>
    res.status(405).json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed." }, id: null });
  app.get("/mcp", refuse);
  app.delete("/mcp", refuse);
  return listen(app, port, "/mcp");
}

/** Binds an express app to 127.0.0.1:`port` (0: any free port). */
export function listen(
  app: { listen: (port: number, host: string, done: () => void) => Server },
  port: number,
  path = "",
) {
  return new Promise<RunningHttpServer>((resolve, reject) => {
    const server = app.listen(port, "127.0.0.1", () => {
      const address = server.address();
      if (typeof address !== "object" || address === null) return reject(new Error("the server has no address"));
      resolve({
        url: `http://127.0.0.1:${address.port}${path}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
    server.once("error", reject);
  });
}
