import { expect } from "chai";

const PREFIX = "data:application/json;base64,";

/** The JSON a token id's `uri` serves (ERC-1155 metadata) or a contract's `contractURI` (ERC-7572). */
export interface TokenJson {
  name: string;
  description: string;
  symbol?: string;
  decimals?: number;
  properties?: Record<string, unknown>;
}

/** Decodes a `data:application/json;base64,` metadata URI; fails the test if it is not valid JSON. */
export function decodeMetadata(uri: string): TokenJson {
  expect(uri.startsWith(PREFIX), `a base64 JSON data URI: ${uri.slice(0, 40)}`).to.equal(true);
  return JSON.parse(Buffer.from(uri.slice(PREFIX.length), "base64").toString("utf8"));
}

/** The UTC date and hour of a unix time as the metadata prints it, from JavaScript's own calendar. */
export function isoHour(timestamp: bigint | number): string {
  return new Date(Number(timestamp) * 1000).toISOString().slice(0, 13) + ":00Z";
}

/** A UTC month as the metadata prints it, e.g. `2026-03`. */
export function isoMonth(timestamp: bigint | number): string {
  return new Date(Number(timestamp) * 1000).toISOString().slice(0, 7);
}
