/**
 * Joulestack's TypeScript SDK: typed contract bindings, EIP-712 signing of meter readings and id encoding for device
 * gateways, the lineage reader for indexers, human units, readable errors, and the address book of every published
 * deployment (`getDeployment(chainId)`, `connectDeployment(chainId, runner)`). Import it as
 * `import { MeteredEnergy__factory, signReading, readLineage, parseAmount } from "joulestack"`.
 */
export * from "./contracts.js";
export * from "./deployments.js";
export * from "./eip712.js";
export * from "./energy.js";
export * from "./enums.js";
export * from "./errors.js";
export * from "./flexibility.js";
export * from "./lineage.js";
export * from "./permit.js";
export * from "./readings.js";
export * from "./units.js";
export * from "./vault.js";
