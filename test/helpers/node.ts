import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Hardhat node's well-known development mnemonic: its first accounts are funded on every fresh node. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export interface LocalNode {
  readonly url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function rpcReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts a real `hardhat node` process bound to 127.0.0.1 on a free port and waits until it answers JSON-RPC.
 * Tests talk to it over HTTP exactly as a wallet or a deploy script would. `chainId` replaces Hardhat's 31337.
 */
export async function startLocalNode(timeoutMs = 60_000, options: { chainId?: number } = {}): Promise<LocalNode> {
  // The free port is probed, then bound by the node a moment later: another process may take it in between, so a
  // node that fails to bind is started again on a new port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocalNodeOnce(await freePort(), timeoutMs, options.chainId);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE|address already in use/i.test(String(error))) throw error;
    }
  }
}

async function startLocalNodeOnce(port: number, timeoutMs: number, chainId?: number): Promise<LocalNode> {
  const url = `http://127.0.0.1:${port}`;
  const args = ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)];
  if (chainId !== undefined) args.push("--chain-id", String(chainId));
  const child: ChildProcess = spawn("npx", args, {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    detached: process.platform !== "win32",
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk.toString()));

  const stop = async () => {
    // A node killed by a signal has a null exit code: it is stopped all the same, and will not emit "exit" again.
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // The node runs under npx: signal the whole process group so no grandchild keeps the port.
    if (process.platform === "win32") child.kill();
    else process.kill(-child.pid, "SIGTERM");
    await exited;
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited early (${child.exitCode}): ${stderr}`);
    if (await rpcReady(url)) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs} ms: ${stderr}`);
}

/** Runs a Hardhat CLI command in the project and resolves with its output; rejects when it exits non-zero. */
export async function runHardhat(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["hardhat", ...args], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk.toString()));
    child.stderr.on("data", (chunk) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`hardhat ${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}
