import type { ContractRunner } from "ethers";

import { ADDRESS_BOOK } from "./address-book.js";
import {
  ComputeMarket__factory,
  DeviceRegistry__factory,
  FlexibilityMarket__factory,
  InvestorRegistry__factory,
  ITestStablecoin__factory,
  MeteredEnergy__factory,
  RenewableCertificates__factory,
  TrancheVault__factory,
  type ComputeMarket,
  type DeviceRegistry,
  type FlexibilityMarket,
  type InvestorRegistry,
  type ITestStablecoin,
  type MeteredEnergy,
  type RenewableCertificates,
  type TrancheVault,
} from "./contracts.js";

/** The contracts of a Joulestack deployment, by their deployment record names. */
export type DeploymentName =
  | "DeviceRegistry"
  | "MeteredEnergy"
  | "RenewableCertificates"
  | "FlexibilityMarket"
  | "ComputeMarket"
  | "InvestorRegistry"
  | "TrancheVault"
  | "Stablecoin"
  | "TestStablecoin";

/** One deployed contract: where it is, the block it was deployed in (a lower bound for event queries), its ABI. */
export interface DeployedContract {
  readonly address: string;
  readonly blockNumber: number;
  /** The ABI's name: `joulestack/abis/<abi>.json`, or `<lowerCamel>Abi` from `joulestack/abis`. */
  readonly abi: string;
}

/** A chain's Joulestack deployment, as the address book records it. */
export interface Deployment {
  readonly chainId: number;
  /** The network's name in this project's Hardhat config, e.g. `baseSepolia`. */
  readonly network: string;
  readonly contracts: Readonly<Partial<Record<DeploymentName, DeployedContract>>>;
}

/** The chain ids the package's address book has a deployment for. */
export function deployedChainIds(): number[] {
  return Object.keys(ADDRESS_BOOK).map(Number);
}

/**
 * The Joulestack deployment on `chainId` (e.g. from `provider.getNetwork()`), or an error naming the chains the
 * address book knows.
 */
export function getDeployment(chainId: number | bigint): Deployment {
  const deployment = ADDRESS_BOOK[Number(chainId)];
  if (deployment === undefined) {
    const known = deployedChainIds();
    throw new Error(
      `joulestack has no deployment on chain ${chainId}; the address book has ${known.length === 0 ? "none" : known.join(", ")}`,
    );
  }
  return deployment;
}

/** Every contract of a deployment, connected to a provider or signer with its TypeChain binding. */
export interface JoulestackContracts {
  readonly deviceRegistry: DeviceRegistry;
  readonly meteredEnergy: MeteredEnergy;
  readonly renewableCertificates: RenewableCertificates;
  readonly flexibilityMarket: FlexibilityMarket;
  readonly computeMarket: ComputeMarket;
  readonly investorRegistry: InvestorRegistry;
  readonly trancheVault: TrancheVault;
  /** The settlement stablecoin (ERC-20 with EIP-2612 permits). */
  readonly stablecoin: ITestStablecoin;
}

/**
 * Connects every contract of a deployment (or of the chain id's deployment in the address book) to `runner`. A
 * contract the deployment lacks throws when it is first used, naming it.
 */
export function connectDeployment(
  deployment: Deployment | number | bigint,
  runner: ContractRunner | null,
): JoulestackContracts {
  const book = typeof deployment === "object" ? deployment : getDeployment(deployment);
  const address = (name: DeploymentName): string => {
    const contract = book.contracts[name];
    if (contract === undefined)
      throw new Error(`the ${book.network} deployment (chain ${book.chainId}) has no ${name}`);
    return contract.address;
  };
  const contracts = {
    get deviceRegistry() {
      return DeviceRegistry__factory.connect(address("DeviceRegistry"), runner);
    },
    get meteredEnergy() {
      return MeteredEnergy__factory.connect(address("MeteredEnergy"), runner);
    },
    get renewableCertificates() {
      return RenewableCertificates__factory.connect(address("RenewableCertificates"), runner);
    },
    get flexibilityMarket() {
      return FlexibilityMarket__factory.connect(address("FlexibilityMarket"), runner);
    },
    get computeMarket() {
      return ComputeMarket__factory.connect(address("ComputeMarket"), runner);
    },
    get investorRegistry() {
      return InvestorRegistry__factory.connect(address("InvestorRegistry"), runner);
    },
    get trancheVault() {
      return TrancheVault__factory.connect(address("TrancheVault"), runner);
    },
    get stablecoin() {
      return ITestStablecoin__factory.connect(address("Stablecoin"), runner);
    },
  };
  return contracts;
}
