import type { Abi } from "viem";

/** The shape of `readSetup()` in lib/setup.js. */
export interface Setup {
  chains: {
    chainId: number;
    name: string;
    rpcUrl: string;
    deploymentsDir: string;
    genesisHash?: string;
    local: boolean;
    contracts: Partial<Record<ContractName, { address: `0x${string}`; startBlock: number; file: string }>>;
    notes: `0x${string}`[];
  }[];
  abis: Record<ContractName | "TrancheNote", Abi>;
}

export type ContractName =
  | "DeviceRegistry"
  | "MeteredEnergy"
  | "RenewableCertificates"
  | "FlexibilityMarket"
  | "ComputeMarket"
  | "InvestorRegistry"
  | "TrancheVault"
  | "TestStablecoin";
