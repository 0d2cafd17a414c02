export const GENERIC_EVENTS: string[];
export const GENERIC_CONTRACTS: string[];
export function isGeneric(contract: string, event: string): boolean;
