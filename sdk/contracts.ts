/**
 * The TypeChain factories of every contract Joulestack deploys, and of the interfaces integrators call. Test-only
 * contracts are deliberately absent: they are never published.
 */
export { IRevenueIntake__factory } from "../typechain-types/factories/interfaces/IRevenueIntake__factory.js";
export type { IRevenueIntake } from "../typechain-types/interfaces/IRevenueIntake.js";
export { ITestStablecoin__factory } from "../typechain-types/factories/interfaces/ITestStablecoin__factory.js";
export type { ITestStablecoin } from "../typechain-types/interfaces/ITestStablecoin.js";
export { TestStablecoin__factory } from "../typechain-types/factories/tokens/TestStablecoin__factory.js";
export type { TestStablecoin } from "../typechain-types/tokens/TestStablecoin.js";
