import { join } from "node:path";

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "chai";

import { PROJECT_ROOT } from "../helpers/node.js";

/** tsx's CLI, run with this Node: how the project starts a TypeScript entry point as its own process. */
export const TSX_CLI = join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** Calls a tool that must succeed and returns its structured result. */
export async function callOk(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, JSON.stringify(result.content)).to.not.equal(true);
  return result.structuredContent as any;
}

/** Calls a tool that must fail and returns the JSON of its tool error. */
export async function callError(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, JSON.stringify(result)).to.equal(true);
  const [content] = result.content as { type: string; text: string }[];
  return JSON.parse(content.text) as { error: string; message: string; decoded?: string; [key: string]: unknown };
}
