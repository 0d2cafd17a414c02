/**
 * Joulestack's TypeScript SDK: typed contract bindings, EIP-712 signing of meter readings and id encoding for device
 * gateways, the lineage reader for indexers, human units, readable errors, and the address book of every published
 * deployment (`getDeployment(chainId)`, `connectDeployment(chainId, runner)`), EIP-3009 gasless purchases
 * (`signPurchaseAuthorization`) and the offers of every open window with the choice among them (`listOffers`,
 * `bestOffer`). Import it as
 * `import { MeteredEnergy__factory, signReading, readLineage, parseAmount } from "joulestack"`.
 */
export * from "./authorization.js";
export * from "./contracts.js";
export * from "./deployments.js";
export * from "./energy.js";
export * from "./enums.js";
export * from "./errors.js";
export * from "./lineage.js";
export * from "./offers.js";
export * from "./permit.js";
export * from "./readings.js";
export * from "./units.js";
export * from "./vault.js";
