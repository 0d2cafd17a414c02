import { expect } from "chai";

import { runHardhat } from "./node.js";

/** What a task process printed and whether it exited 0. */
export interface Outcome {
  ok: boolean;
  output: string;
}

/** Runs a task and returns its output and exit status instead of throwing, so failures can be inspected. */
export async function attempt(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  try {
    return { ok: true, output: await runHardhat(args, env) };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

/** A failed task: exit 1 and exactly one `Error: …` line matching `line`, with no stack trace and no hex data. */
export function expectOneLineFailure(result: Outcome, line: string | RegExp) {
  expect(result.ok, result.output).to.equal(false);
  expect(result.output).to.match(/exited 1/);
  const errors = result.output.split("\n").filter((text) => text.startsWith("Error"));
  expect(errors, result.output).to.have.length(1);
  if (typeof line === "string") expect(errors[0]).to.equal(`Error: ${line}`);
  else expect(errors[0]).to.match(line);
  expect(result.output, "no stack trace").to.not.match(/^\s+at /m);
  expect(errors[0], "no raw revert data").to.not.match(/0x[0-9a-fA-F]{9,}(?![0-9a-fA-F])(?<!0x[0-9a-fA-F]{40})/);
}
