/**
 * The TypeChain factories and types of every contract Joulestack deploys, and of the interfaces integrators call.
 * Test-only contracts are deliberately absent: they are never published.
 */
export { IBoundedPause__factory } from "../typechain-types/factories/interfaces/IBoundedPause__factory.js";
export type { IBoundedPause } from "../typechain-types/interfaces/IBoundedPause.js";
export { IComputeMarket__factory } from "../typechain-types/factories/interfaces/IComputeMarket__factory.js";
export type { IComputeMarket } from "../typechain-types/interfaces/IComputeMarket.js";
export { IDeviceRegistry__factory } from "../typechain-types/factories/interfaces/IDeviceRegistry__factory.js";
export type { IDeviceRegistry } from "../typechain-types/interfaces/IDeviceRegistry.js";
export { IFlexibilityMarket__factory } from "../typechain-types/factories/interfaces/IFlexibilityMarket__factory.js";
export type { IFlexibilityMarket } from "../typechain-types/interfaces/IFlexibilityMarket.js";
export { IInvestorRegistry__factory } from "../typechain-types/factories/interfaces/IInvestorRegistry__factory.js";
export type { IInvestorRegistry } from "../typechain-types/interfaces/IInvestorRegistry.js";
export { IMeteredEnergy__factory } from "../typechain-types/factories/interfaces/IMeteredEnergy__factory.js";
export type { IMeteredEnergy } from "../typechain-types/interfaces/IMeteredEnergy.js";
export { IRenewableCertificates__factory } from "../typechain-types/factories/interfaces/IRenewableCertificates__factory.js";
export type { IRenewableCertificates } from "../typechain-types/interfaces/IRenewableCertificates.js";
export { IRevenueIntake__factory } from "../typechain-types/factories/interfaces/IRevenueIntake__factory.js";
export type { IRevenueIntake } from "../typechain-types/interfaces/IRevenueIntake.js";
export { ITestStablecoin__factory } from "../typechain-types/factories/interfaces/ITestStablecoin__factory.js";
export type { ITestStablecoin } from "../typechain-types/interfaces/ITestStablecoin.js";
export { ITrancheNote__factory } from "../typechain-types/factories/interfaces/ITrancheNote__factory.js";
export type { ITrancheNote } from "../typechain-types/interfaces/ITrancheNote.js";
export { ITrancheVault__factory } from "../typechain-types/factories/interfaces/ITrancheVault__factory.js";
export type { ITrancheVault } from "../typechain-types/interfaces/ITrancheVault.js";
export { DeviceRegistry__factory } from "../typechain-types/factories/energy/DeviceRegistry__factory.js";
export type { DeviceRegistry } from "../typechain-types/energy/DeviceRegistry.js";
export { MeteredEnergy__factory } from "../typechain-types/factories/energy/MeteredEnergy__factory.js";
export type { MeteredEnergy } from "../typechain-types/energy/MeteredEnergy.js";
export { RenewableCertificates__factory } from "../typechain-types/factories/certificates/RenewableCertificates__factory.js";
export type { RenewableCertificates } from "../typechain-types/certificates/RenewableCertificates.js";
export { FlexibilityMarket__factory } from "../typechain-types/factories/flexibility/FlexibilityMarket__factory.js";
export type { FlexibilityMarket } from "../typechain-types/flexibility/FlexibilityMarket.js";
export { ComputeMarket__factory } from "../typechain-types/factories/compute/ComputeMarket__factory.js";
export type { ComputeMarket } from "../typechain-types/compute/ComputeMarket.js";
export { TrancheNote__factory } from "../typechain-types/factories/finance/TrancheNote__factory.js";
export type { TrancheNote } from "../typechain-types/finance/TrancheNote.js";
export { TrancheVault__factory } from "../typechain-types/factories/finance/TrancheVault__factory.js";
export type { TrancheVault } from "../typechain-types/finance/TrancheVault.js";
export { InvestorRegistry__factory } from "../typechain-types/factories/compliance/InvestorRegistry__factory.js";
export type { InvestorRegistry } from "../typechain-types/compliance/InvestorRegistry.js";
export { TestStablecoin__factory } from "../typechain-types/factories/tokens/TestStablecoin__factory.js";
export type { TestStablecoin } from "../typechain-types/tokens/TestStablecoin.js";
