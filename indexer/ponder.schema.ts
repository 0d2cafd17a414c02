// The indexed chain, one table per thing a contract keeps or tells. Every table carries the chain id, so any number
// of chains share one database. Units are in the column names where they are not obvious: `wh` (watt-hours),
// `usdc6` (stablecoin base units), `At`/`Start`/`End` (unix seconds), `bps` (basis points).
import { index, onchainTable, primaryKey } from "ponder";

/** Identity of one log (`${chainId}-${blockNumber}-${logIndex}`) and where it happened. */
const logColumns = (t: any) => ({
  id: t.text().primaryKey(),
  chainId: t.integer().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  transactionHash: t.hex().notNull(),
  logIndex: t.integer().notNull(),
});

// --- energy: devices, meter readings, hour batches and what became of their Wh ---

export const device = onchainTable(
  "device",
  (t) => ({
    chainId: t.integer().notNull(),
    deviceId: t.bigint().notNull(),
    owner: t.hex().notNull(),
    signer: t.hex().notNull(),
    kind: t.integer().notNull(),
    source: t.text().notNull(),
    capacityW: t.bigint().notNull(),
    gridZone: t.text().notNull(),
    commissionedAt: t.bigint().notNull(),
    metadataUri: t.text().notNull(),
    status: t.text().notNull(),
    registeredAt: t.bigint().notNull(),
    /** The meter's last cumulative counter and its time (baseline, reading or resumption). */
    cumulativeWh: t.bigint(),
    lastReadingAt: t.bigint(),
    readings: t.integer().notNull(),
    mintedWh: t.bigint().notNull(),
    /** Counter Wh that crossed a gap in the readings and so were never minted. */
    skippedWh: t.bigint().notNull(),
    /** Wh the device proved in settled flexibility commitments. */
    flexibilityWh: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.deviceId] }) }),
);

/** Status, signer, owner and metadata changes of a device, in chain order. */
export const deviceChange = onchainTable(
  "device_change",
  (t) => ({
    ...logColumns(t),
    deviceId: t.bigint().notNull(),
    change: t.text().notNull(), // registered | status | signer | owner | metadata
    previous: t.text(),
    current: t.text().notNull(),
    reason: t.hex(),
  }),
  (t) => ({ byDevice: index().on(t.chainId, t.deviceId) }),
);

export const reading = onchainTable(
  "reading",
  (t) => ({
    ...logColumns(t),
    deviceId: t.bigint().notNull(),
    batchId: t.bigint().notNull(),
    owner: t.hex().notNull(),
    cumulativeWh: t.bigint().notNull(),
    readAt: t.bigint().notNull(),
    deltaWh: t.bigint().notNull(),
  }),
  (t) => ({ byDevice: index().on(t.chainId, t.deviceId), byBatch: index().on(t.chainId, t.batchId) }),
);

/** Baselines, resumptions after a gap and skipped (out-of-order) readings. */
export const meterEvent = onchainTable(
  "meter_event",
  (t) => ({
    ...logColumns(t),
    deviceId: t.bigint().notNull(),
    kind: t.text().notNull(), // baseline | resumed | skipped
    cumulativeWh: t.bigint(),
    readAt: t.bigint().notNull(),
    skippedWh: t.bigint(),
    gapSeconds: t.bigint(),
    lastReadAt: t.bigint(),
  }),
  (t) => ({ byDevice: index().on(t.chainId, t.deviceId) }),
);

/**
 * One kWh batch (a device-hour) and what became of its Wh: minted = certifiedWh + computeWh + consumedWh + heldWh,
 * where heldWh counts Wh still in wallets, including Wh locked in a pending REC request (lockedForRecWh).
 */
export const hourBatch = onchainTable(
  "hour_batch",
  (t) => ({
    chainId: t.integer().notNull(),
    batchId: t.bigint().notNull(),
    deviceId: t.bigint().notNull(),
    hourStart: t.bigint().notNull(),
    gridZone: t.text().notNull(),
    source: t.text().notNull(),
    readings: t.integer().notNull(),
    mintedWh: t.bigint().notNull(),
    certifiedWh: t.bigint().notNull(),
    computeWh: t.bigint().notNull(),
    consumedWh: t.bigint().notNull(),
    heldWh: t.bigint().notNull(),
    lockedForRecWh: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.batchId] }), byDevice: index().on(t.chainId, t.deviceId) }),
);

/** kWh burned by `consume`: for RECs (certified), for GPU-hours (compute) or by anyone else (consumed). */
export const energyConsumption = onchainTable(
  "energy_consumption",
  (t) => ({
    ...logColumns(t),
    batchId: t.bigint().notNull(),
    holder: t.hex().notNull(),
    operator: t.hex().notNull(),
    wh: t.bigint().notNull(),
    purpose: t.hex().notNull(),
    use: t.text().notNull(), // certified | compute | consumed
  }),
  (t) => ({ byBatch: index().on(t.chainId, t.batchId) }),
);

/** ERC-1155 movements of the three position tokens: kWh batches, RECs, flexibility commitments and GPU-hour credits. */
export const tokenTransfer = onchainTable(
  "token_transfer",
  (t) => ({
    id: t.text().primaryKey(),
    chainId: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    token: t.text().notNull(), // kwh | rec | flexibility | compute
    tokenId: t.bigint().notNull(),
    operator: t.hex().notNull(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
  }),
  (t) => ({ byToken: index().on(t.chainId, t.token, t.tokenId) }),
);

export const tokenBalance = onchainTable(
  "token_balance",
  (t) => ({
    chainId: t.integer().notNull(),
    token: t.text().notNull(),
    tokenId: t.bigint().notNull(),
    holder: t.hex().notNull(),
    amount: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.token, t.tokenId, t.holder] }) }),
);

// --- certificates: requests, certificates, revocations and retirement receipts ---

export const recRequest = onchainTable(
  "rec_request",
  (t) => ({
    chainId: t.integer().notNull(),
    requestId: t.bigint().notNull(),
    requester: t.hex().notNull(),
    certificateId: t.bigint().notNull(),
    batchIds: t.json().$type<string[]>().notNull(),
    amountsWh: t.json().$type<string[]>().notNull(),
    amountWh: t.bigint().notNull(),
    status: t.text().notNull(), // requested | certified | rejected
    requestedAt: t.bigint().notNull(),
    decidedAt: t.bigint(),
    issuer: t.hex(),
    recs: t.bigint(),
    firstSerial: t.bigint(),
    evidenceUri: t.text(),
    reason: t.text(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.requestId] }) }),
);

/** A REC id (device and vintage): issued, retired, revoked. */
export const certificate = onchainTable(
  "certificate",
  (t) => ({
    chainId: t.integer().notNull(),
    certificateId: t.bigint().notNull(),
    deviceId: t.bigint().notNull(),
    vintage: t.integer().notNull(), // year * 100 + month, UTC
    issued: t.bigint().notNull(),
    retired: t.bigint().notNull(),
    certifiedWh: t.bigint().notNull(),
    revoked: t.boolean().notNull(),
    revokedAt: t.bigint(),
    revokedBy: t.hex(),
    revokedReason: t.text(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.certificateId] }) }),
);

export const retirement = onchainTable(
  "retirement",
  (t) => ({
    chainId: t.integer().notNull(),
    receiptId: t.bigint().notNull(),
    certificateId: t.bigint().notNull(),
    beneficiary: t.hex().notNull(),
    holder: t.hex().notNull(),
    operator: t.hex().notNull(),
    recs: t.bigint().notNull(),
    beneficiaryName: t.text().notNull(),
    purpose: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    retiredAt: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (t) => ({
    pk: primaryKey({ columns: [t.chainId, t.receiptId] }),
    byCertificate: index().on(t.chainId, t.certificateId),
  }),
);

// --- flexibility: requests, commitments, settlements ---

export const flexRequest = onchainTable(
  "flex_request",
  (t) => ({
    chainId: t.integer().notNull(),
    requestId: t.bigint().notNull(),
    buyer: t.hex().notNull(),
    gridZone: t.text().notNull(),
    direction: t.text().notNull(), // export | consume-less
    windowStart: t.bigint().notNull(),
    windowEnd: t.bigint().notNull(),
    commitDeadline: t.bigint().notNull(),
    settlementDeadline: t.bigint().notNull(),
    capacityW: t.bigint().notNull(),
    pricePerWhUsdc6: t.bigint().notNull(),
    stakeBps: t.integer().notNull(),
    readingTolerance: t.bigint().notNull(),
    escrowUsdc6: t.bigint().notNull(),
    committedW: t.bigint().notNull(),
    paidUsdc6: t.bigint().notNull(),
    refundUsdc6: t.bigint(),
    openedAt: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.requestId] }) }),
);

export const flexCommitment = onchainTable(
  "flex_commitment",
  (t) => ({
    chainId: t.integer().notNull(),
    commitmentId: t.bigint().notNull(),
    requestId: t.bigint().notNull(),
    deviceId: t.bigint().notNull(),
    provider: t.hex().notNull(),
    payee: t.hex().notNull(),
    capacityW: t.bigint().notNull(),
    stakeUsdc6: t.bigint().notNull(),
    committedAt: t.bigint().notNull(),
    settled: t.boolean().notNull(),
    settledAt: t.bigint(),
    deliveredWh: t.bigint(),
    payoutUsdc6: t.bigint(),
    slashedUsdc6: t.bigint(),
    stakeReturnedUsdc6: t.bigint(),
    // What the settlement measured: the two ledger readings inside the window (DeliveryMeasured).
    measuredFrom: t.bigint(),
    measuredTo: t.bigint(),
    measuredFromWh: t.bigint(),
    measuredToWh: t.bigint(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.commitmentId] }), byRequest: index().on(t.chainId, t.requestId) }),
);

/** Stablecoin leaving the flexibility market: claims by payees, revenue pushed to an intake, escrow returned. */
export const flexPayment = onchainTable("flex_payment", (t) => ({
  ...logColumns(t),
  kind: t.text().notNull(), // claim | revenue | escrow-return
  account: t.hex().notNull(),
  to: t.hex().notNull(),
  requestId: t.bigint(),
  amountUsdc6: t.bigint().notNull(),
}));

// --- compute: clusters, windows, credits, redemptions, delivery lots ---

export const cluster = onchainTable(
  "cluster",
  (t) => ({
    chainId: t.integer().notNull(),
    clusterId: t.bigint().notNull(),
    provider: t.hex().notNull(),
    operator: t.hex().notNull(),
    gpuClass: t.text().notNull(),
    gpuCount: t.integer().notNull(),
    gridZone: t.text().notNull(),
    minWhPerGpuHour: t.bigint().notNull(),
    maxWhPerGpuHour: t.bigint().notNull(),
    payout: t.hex(),
    payoutIsIntake: t.boolean(),
    bondUsdc6: t.bigint().notNull(),
    registeredAt: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.clusterId] }) }),
);

/** Bond posted, withdrawn, or released to a window's redeemers. */
export const bondMovement = onchainTable("bond_movement", (t) => ({
  ...logColumns(t),
  clusterId: t.bigint().notNull(),
  kind: t.text().notNull(), // posted | withdrawn | released
  account: t.hex(),
  creditId: t.bigint(),
  amountUsdc6: t.bigint().notNull(),
}));

/** A compute window, whose credit id is the GPU-hour credit's ERC-1155 id, with its delivery lot once recorded. */
export const computeWindow = onchainTable(
  "compute_window",
  (t) => ({
    chainId: t.integer().notNull(),
    creditId: t.bigint().notNull(),
    clusterId: t.bigint().notNull(),
    windowStart: t.bigint().notNull(),
    windowEnd: t.bigint().notNull(),
    capacityGpuHours: t.bigint().notNull(),
    pricePerGpuHourUsdc6: t.bigint().notNull(),
    soldGpuHours: t.bigint().notNull(),
    redeemedGpuHours: t.bigint().notNull(),
    salesUsdc6: t.bigint().notNull(),
    refundsUsdc6: t.bigint().notNull(),
    status: t.text().notNull(), // offered | delivered | lapsed
    offeredAt: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.creditId] }) }),
);

export const creditSale = onchainTable("credit_sale", (t) => ({
  ...logColumns(t),
  creditId: t.bigint().notNull(),
  buyer: t.hex().notNull(),
  receiver: t.hex().notNull(),
  gpuHours: t.bigint().notNull(),
  costUsdc6: t.bigint().notNull(),
}));

export const creditRedemption = onchainTable("credit_redemption", (t) => ({
  ...logColumns(t),
  creditId: t.bigint().notNull(),
  holder: t.hex().notNull(),
  jobReference: t.hex().notNull(),
  gpuHours: t.bigint().notNull(),
}));

/** Compute revenue paid out of a window (to the cluster's payout, through an intake or not) and bond refunds. */
export const computePayment = onchainTable(
  "compute_payment",
  (t) => ({
    ...logColumns(t),
    kind: t.text().notNull(), // revenue (accrued per sale) | proceeds (paid out to a payee) | refund
    creditId: t.bigint(), // none for proceeds, which sum a payee's sales
    clusterId: t.bigint(),
    account: t.hex().notNull(),
    receiver: t.hex(),
    viaIntake: t.boolean(),
    amountUsdc6: t.bigint().notNull(),
  }),
  (t) => ({ byCredit: index().on(t.chainId, t.creditId) }),
);

export const deliveryLot = onchainTable(
  "delivery_lot",
  (t) => ({
    chainId: t.integer().notNull(),
    creditId: t.bigint().notNull(),
    clusterId: t.bigint().notNull(),
    gpuHoursDelivered: t.bigint().notNull(),
    gpuHoursRedeemed: t.bigint().notNull(),
    whUsed: t.bigint().notNull(),
    whHourlyMatched: t.bigint().notNull(),
    whRecMatched: t.bigint().notNull(),
    carbonFreeBps: t.integer().notNull(),
    recordedAt: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.creditId] }) }),
);

export const lotKwh = onchainTable(
  "lot_kwh",
  (t) => ({
    ...logColumns(t),
    creditId: t.bigint().notNull(),
    batchId: t.bigint().notNull(),
    deviceId: t.bigint().notNull(),
    hourStart: t.bigint().notNull(),
    gridZone: t.text().notNull(),
    kind: t.integer().notNull(),
    wh: t.bigint().notNull(),
  }),
  (t) => ({ byCredit: index().on(t.chainId, t.creditId) }),
);

export const lotRec = onchainTable(
  "lot_rec",
  (t) => ({
    ...logColumns(t),
    creditId: t.bigint().notNull(),
    certificateId: t.bigint().notNull(),
    receiptId: t.bigint().notNull(),
    recs: t.bigint().notNull(),
    wh: t.bigint().notNull(),
  }),
  (t) => ({ byCredit: index().on(t.chainId, t.creditId) }),
);

// --- finance: the vault, its periods with revenue by source, tranche reports, notes, payouts and claims ---

export const vault = onchainTable(
  "vault",
  (t) => ({
    chainId: t.integer().notNull(),
    address: t.hex().notNull(),
    state: t.text().notNull(), // funding | failed | active | matured
    raisedUsdc6: t.bigint().notNull(),
    drawnUsdc6: t.bigint().notNull(),
    startTime: t.bigint(),
    lastDistributedPeriod: t.integer().notNull(),
    pendingRevenueUsdc6: t.bigint().notNull(),
    revenueUsdc6: t.bigint().notNull(),
    feesPaidUsdc6: t.bigint().notNull(),
    feeRecipient: t.hex(),
    covenantBreached: t.boolean().notNull(),
    maturedPeriod: t.integer(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.address] }) }),
);

export const tranche = onchainTable(
  "tranche",
  (t) => ({
    chainId: t.integer().notNull(),
    vault: t.hex().notNull(),
    trancheId: t.integer().notNull(),
    note: t.hex().notNull(),
    subscribedUsdc6: t.bigint().notNull(),
    refundedUsdc6: t.bigint().notNull(),
    interestPaidUsdc6: t.bigint().notNull(),
    principalPaidUsdc6: t.bigint().notNull(),
    allottedUsdc6: t.bigint().notNull(),
    writtenDownUsdc6: t.bigint().notNull(),
    principalAfterWriteDownUsdc6: t.bigint(),
    claimedUsdc6: t.bigint().notNull(),
    redeemedUsdc6: t.bigint().notNull(),
    notesOutstanding: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.vault, t.trancheId] }) }),
);

/** Revenue the vault received, with the period it counts towards (the one after the last distributed). */
export const vaultRevenue = onchainTable(
  "vault_revenue",
  (t) => ({
    ...logColumns(t),
    vault: t.hex().notNull(),
    period: t.integer().notNull(),
    source: t.text().notNull(), // compute | energy | flexibility | other
    payer: t.hex().notNull(),
    amountUsdc6: t.bigint().notNull(),
  }),
  (t) => ({ byPeriod: index().on(t.chainId, t.vault, t.period) }),
);

export const vaultPeriod = onchainTable(
  "vault_period",
  (t) => ({
    chainId: t.integer().notNull(),
    vault: t.hex().notNull(),
    period: t.integer().notNull(),
    computeRevenueUsdc6: t.bigint().notNull(),
    energyRevenueUsdc6: t.bigint().notNull(),
    flexibilityRevenueUsdc6: t.bigint().notNull(),
    otherRevenueUsdc6: t.bigint().notNull(),
    distributed: t.boolean().notNull(),
    distributedAt: t.bigint(),
    revenueUsdc6: t.bigint(),
    cashAvailableUsdc6: t.bigint(),
    feeDueUsdc6: t.bigint(),
    feePaidUsdc6: t.bigint(),
    reserveDrawnUsdc6: t.bigint(),
    reserveToppedUpUsdc6: t.bigint(),
    reserveReleasedUsdc6: t.bigint(),
    sweptUsdc6: t.bigint(),
    equityResidualUsdc6: t.bigint(),
    coverageBps: t.bigint(),
    covenantBreached: t.boolean(),
    covenantEvent: t.text(), // breached | cured
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.vault, t.period] }) }),
);

export const trancheReport = onchainTable(
  "tranche_report",
  (t) => ({
    chainId: t.integer().notNull(),
    vault: t.hex().notNull(),
    period: t.integer().notNull(),
    trancheId: t.integer().notNull(),
    interestDueUsdc6: t.bigint().notNull(),
    interestPaidUsdc6: t.bigint().notNull(),
    principalDueUsdc6: t.bigint().notNull(),
    principalPaidUsdc6: t.bigint().notNull(),
    allottedUsdc6: t.bigint().notNull(),
    cashPerNote: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.vault, t.period, t.trancheId] }) }),
);

/** A holder's notes of one tranche (ERC-20 balance of the note) and the cash it claimed and redeemed. */
export const noteHolding = onchainTable(
  "note_holding",
  (t) => ({
    chainId: t.integer().notNull(),
    vault: t.hex().notNull(),
    trancheId: t.integer().notNull(),
    holder: t.hex().notNull(),
    notes: t.bigint().notNull(),
    subscribedUsdc6: t.bigint().notNull(),
    claimedUsdc6: t.bigint().notNull(),
    redeemedUsdc6: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.vault, t.trancheId, t.holder] }) }),
);

export const noteTransfer = onchainTable("note_transfer", (t) => ({
  ...logColumns(t),
  note: t.hex().notNull(),
  trancheId: t.integer().notNull(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
  notes: t.bigint().notNull(),
}));

/** Cash movements of the vault: subscriptions, refunds, drawdown, claims, redemptions, fees, recoveries. */
export const vaultFlow = onchainTable(
  "vault_flow",
  (t) => ({
    ...logColumns(t),
    vault: t.hex().notNull(),
    kind: t.text().notNull(), // subscribed | refunded | drawn | claimed | redeemed | fees | recovery-announced | recovery-cancelled | notes-recovered | written-down | funding-closed | funding-failed | unwound | matured
    trancheId: t.integer(),
    account: t.hex(),
    receiver: t.hex(),
    notes: t.bigint(),
    amountUsdc6: t.bigint(),
  }),
  (t) => ({ byVault: index().on(t.chainId, t.vault) }),
);

// --- compliance ---

export const investor = onchainTable(
  "investor",
  (t) => ({
    chainId: t.integer().notNull(),
    account: t.hex().notNull(),
    listed: t.boolean().notNull(),
    expiry: t.bigint(),
    jurisdiction: t.integer(),
    frozen: t.boolean().notNull(),
    identity: t.hex(),
    updatedAt: t.bigint().notNull(),
  }),
  (t) => ({ pk: primaryKey({ columns: [t.chainId, t.account] }) }),
);

export const investorChange = onchainTable("investor_change", (t) => ({
  ...logColumns(t),
  account: t.hex().notNull(),
  change: t.text().notNull(), // listed | delisted | frozen | unfrozen | identity-linked
  expiry: t.bigint(),
  jurisdiction: t.integer(),
}));

// --- every other event: roles, pauses, approvals, URIs, domains, the test stablecoin ---

export const contractEvent = onchainTable(
  "contract_event",
  (t) => ({
    ...logColumns(t),
    contract: t.text().notNull(),
    address: t.hex().notNull(),
    event: t.text().notNull(),
    args: t.json().notNull(),
  }),
  (t) => ({ byContract: index().on(t.chainId, t.contract, t.event) }),
);
