/**
 * Joulestack's TypeScript SDK: typed contract bindings, human units, and readable errors. Import it as
 * `import { TestStablecoin__factory, parseAmount } from "joulestack"`.
 */
export * from "./contracts.js";
export * from "./errors.js";
export * from "./units.js";
