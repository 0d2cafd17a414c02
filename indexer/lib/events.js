// Events that carry no domain state of their own (roles, pauses, approvals, URIs, EIP-712 domains, ownership and the
// test stablecoin's movements): src/other.ts records each of them in `contract_event`; every other event of every
// Joulestack contract has a handler in its module's file (src/energy.ts, certificates, flexibility, compute, finance,
// compliance). test/indexer/Coverage.ts checks that together they cover every event of every ABI.
export const GENERIC_EVENTS = [
  "RoleGranted",
  "RoleRevoked",
  "RoleAdminChanged",
  "Paused",
  "Unpaused",
  "ApprovalForAll",
  "URI",
  "EIP712DomainChanged",
  "OwnershipTransferred",
  "Approval",
];
/** Contracts whose every event is generic. */
export const GENERIC_CONTRACTS = ["TestStablecoin"];

export const isGeneric = (contract, event) => GENERIC_CONTRACTS.includes(contract) || GENERIC_EVENTS.includes(event);
