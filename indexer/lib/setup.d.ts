import type { Setup } from "../src/setup-types";

export const INDEXER_ROOT: string;
export const PROJECT_ROOT: string;
export class SetupError extends Error {}
export const CONTRACTS: Record<string, string>;
export const OPTIONAL_CONTRACTS: Record<string, string>;
export const NOTE_CONTRACT: Record<string, string>;
export function parseChains(text: string | undefined): { chainId: number; rpcUrl: string; deploymentsDir: string }[];
export function artifactAbi(name: string, folder: string, artifactsDir?: string): readonly any[];
export function readSetup(env?: NodeJS.ProcessEnv): Setup;
export function isLoopback(url: string): boolean;
export function pgliteDirectory(env?: NodeJS.ProcessEnv): string;
