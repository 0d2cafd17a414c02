import { emptyTask, task } from "hardhat/config";

const reasonHelp = "A short reason code stored on chain (at most 31 bytes), e.g. audit-failed";
const buyerKeyHelp =
  "Environment variable holding the buyer's or agent's private key (default: the network's first account)";

const override = (contract: string) =>
  `${contract} address (default: deployments/<network>/${contract}.json, written by \`npm run deploy\`)`;

/**
 * The operator's command line: `npx hardhat <group> <action> --network <name>`. Every task signs with the
 * network's first account (DEPLOYER_PRIVATE_KEY on the testnets), finds the contracts in the network's deployment
 * records, takes amounts in human units and prints failures as decoded custom errors.
 */
export const operatorTasks = [
  emptyTask("device", "Register, suspend and reactivate devices, rotate their meter key, show them").build(),
  task(["device", "register"], "Register a generator, battery or load (needs REGISTRAR_ROLE)")
    .addOption({
      name: "kind",
      description: "solar, wind, hydro, geothermal, biomass, nuclear, battery, flexible-load, grid-import or fossil",
      defaultValue: "solar",
    })
    .addOption({ name: "capacity", description: 'Nameplate power, e.g. "250 kW" or "1.5 MW"', defaultValue: "" })
    .addOption({ name: "zone", description: "Grid zone code, e.g. ERCOT-NORTH", defaultValue: "" })
    .addOption({ name: "signer", description: "Address of the meter's signing key", defaultValue: "" })
    .addOption({ name: "owner", description: "Who receives the device's kWh (default: the caller)", defaultValue: "" })
    .addOption({
      name: "commissioned",
      description: "Commissioning time: unix seconds, ISO date, +2h or 30d-ago (default: now)",
      defaultValue: "now",
    })
    .addOption({ name: "metadataUri", description: "URI of the device's documentation", defaultValue: "" })
    .addOption({ name: "registry", description: override("DeviceRegistry"), defaultValue: "" })
    .setAction(() => import("./device/register.js"))
    .build(),
  task(["device", "show"], "Show a device: registry fields, meter state and minted energy")
    .addPositionalArgument({ name: "deviceId", description: "The device id" })
    .addOption({ name: "registry", description: override("DeviceRegistry"), defaultValue: "" })
    .addOption({ name: "meter", description: override("MeteredEnergy"), defaultValue: "" })
    .setAction(() => import("./device/show.js"))
    .build(),
  task(["device", "suspend"], "Stop a device from minting kWh until it is reactivated (needs REGISTRAR_ROLE)")
    .addPositionalArgument({ name: "deviceId", description: "The device id" })
    .addOption({ name: "reason", description: reasonHelp, defaultValue: "" })
    .addOption({ name: "registry", description: override("DeviceRegistry"), defaultValue: "" })
    .setAction(() => import("./device/suspend.js"))
    .build(),
  task(["device", "reactivate"], "Let a suspended device mint again from now on (needs REGISTRAR_ROLE)")
    .addPositionalArgument({ name: "deviceId", description: "The device id" })
    .addOption({ name: "reason", description: reasonHelp, defaultValue: "" })
    .addOption({ name: "registry", description: override("DeviceRegistry"), defaultValue: "" })
    .setAction(() => import("./device/reactivate.js"))
    .build(),
  task(["device", "decommission"], "Retire a device for good; it never mints again (needs REGISTRAR_ROLE)")
    .addPositionalArgument({ name: "deviceId", description: "The device id" })
    .addOption({ name: "reason", description: reasonHelp, defaultValue: "" })
    .addOption({ name: "registry", description: override("DeviceRegistry"), defaultValue: "" })
    .setAction(() => import("./device/decommission.js"))
    .build(),
  task(["device", "rotate-signer"], "As the device's owner, replace its meter key from now on")
    .addPositionalArgument({ name: "deviceId", description: "The device id" })
    .addOption({ name: "signer", description: "Address of the meter's new signing key", defaultValue: "" })
    .addOption({ name: "registry", description: override("DeviceRegistry"), defaultValue: "" })
    .setAction(() => import("./device/rotate-signer.js"))
    .build(),

  emptyTask("readings", "Sign meter readings into a file and submit such files").build(),
  task(["readings", "sign"], "Sign meter readings with a device key into a JSON file (for gateways and testing)")
    .addPositionalArgument({ name: "deviceId", description: "The device id" })
    .addOption({ name: "out", description: "File to write", defaultValue: "readings.json" })
    .addOption({
      name: "keyEnv",
      description: "Environment variable holding the device's private key",
      defaultValue: "DEVICE_PRIVATE_KEY",
    })
    .addOption({
      name: "input",
      description: 'JSON list of { "timestamp", "cumulative": "12.5 kWh" } to sign instead of generating',
      defaultValue: "",
    })
    .addOption({
      name: "count",
      description: "Number of readings to generate (1-10000)",
      defaultValue: "25",
    })
    .addOption({
      name: "energy",
      description: 'Energy added between generated readings, e.g. "250 kWh"',
      defaultValue: "1 kWh",
    })
    .addOption({
      name: "interval",
      description: "Seconds between generated readings (a divisor of 3600, so readings fall on every hour)",
      defaultValue: "3600",
    })
    .addOption({
      name: "end",
      description:
        "Time of the last generated reading (default: continue after the device's last on-chain reading, or end now)",
      defaultValue: "",
    })
    .addOption({
      name: "startWh",
      description: 'Counter of the first generated reading, e.g. "12 MWh" (default: the on-chain counter)',
      defaultValue: "",
    })
    .addOption({ name: "meter", description: override("MeteredEnergy"), defaultValue: "" })
    .setAction(() => import("./readings/sign.js"))
    .build(),
  task(["readings", "submit"], "Submit a signed-readings file; kWh are minted to each device's owner")
    .addPositionalArgument({ name: "file", description: "The signed-readings JSON file" })
    .addOption({
      name: "batchSize",
      description: "Readings per transaction (1-1000)",
      defaultValue: "100",
    })
    .addOption({ name: "meter", description: override("MeteredEnergy"), defaultValue: "" })
    .setAction(() => import("./readings/submit.js"))
    .build(),
  task(
    ["readings", "resume"],
    "As a device's owner, start its metering or resume it after a gap, from a signed-readings file",
  )
    .addPositionalArgument({ name: "file", description: "The signed-readings JSON file" })
    .addOption({ name: "meter", description: override("MeteredEnergy"), defaultValue: "" })
    .setAction(() => import("./readings/resume.js"))
    .build(),

  emptyTask(
    "rec",
    "Request, certify, reject, revoke, transfer and retire renewable energy certificates (1 REC = 1 MWh)",
  ).build(),
  task(["rec", "request"], "Lock a device's kWh of one month and request RECs for them")
    .addPositionalArgument({ name: "deviceId", description: "The device id" })
    .addOption({
      name: "vintage",
      description: "Month as YYYYMM (default: the month of the device's last reading)",
      defaultValue: "",
    })
    .addOption({
      name: "energy",
      description: 'Whole MWh to certify, e.g. "2 MWh" (default: all whole MWh held)',
      defaultValue: "",
    })
    .addOption({ name: "certificates", description: override("RenewableCertificates"), defaultValue: "" })
    .setAction(() => import("./rec/request.js"))
    .build(),
  task(["rec", "certify"], "Certify (or --reject) a pending issuance request (needs ISSUER_ROLE)")
    .addPositionalArgument({ name: "requestId", description: "The issuance request id" })
    .addOption({ name: "evidence", description: "URI of the audit evidence", defaultValue: "" })
    .addOption({ name: "reject", description: "Reject with this reason instead of certifying", defaultValue: "" })
    .addOption({
      name: "fromBlock",
      description: "Where to look for the request (default: the deployment block)",
      defaultValue: "-1",
    })
    .addOption({ name: "certificates", description: override("RenewableCertificates"), defaultValue: "" })
    .setAction(() => import("./rec/certify.js"))
    .build(),
  task(["rec", "retire"], "Retire RECs for a beneficiary and print the receipt")
    .addPositionalArgument({ name: "certificateId", description: "REC id, or <deviceId>:<YYYYMM> such as 1:202611" })
    .addOption({ name: "energy", description: 'Whole MWh to retire, e.g. "1 MWh"', defaultValue: "1 MWh" })
    .addOption({
      name: "from",
      description: "Holder (default: the caller; others must have approved the caller)",
      defaultValue: "",
    })
    .addOption({ name: "beneficiary", description: "Beneficiary address (default: the caller)", defaultValue: "" })
    .addOption({ name: "beneficiaryName", description: "Beneficiary name on the receipt", defaultValue: "" })
    .addOption({ name: "purpose", description: "Purpose on the receipt, e.g. 2026 Scope 2", defaultValue: "" })
    .addOption({ name: "certificates", description: override("RenewableCertificates"), defaultValue: "" })
    .setAction(() => import("./rec/retire.js"))
    .build(),
  task(["rec", "reject"], "Reject a pending issuance request; its kWh go back to the requester (needs ISSUER_ROLE)")
    .addPositionalArgument({ name: "requestId", description: "The issuance request id" })
    .addOption({ name: "reason", description: "Why it is rejected (stored in the event)", defaultValue: "" })
    .addOption({
      name: "fromBlock",
      description: "Where to look for the request (default: the deployment block)",
      defaultValue: "-1",
    })
    .addOption({ name: "certificates", description: override("RenewableCertificates"), defaultValue: "" })
    .setAction(() => import("./rec/reject.js"))
    .build(),
  task(["rec", "revoke"], "Revoke a REC id for fraud: its RECs can no longer move or retire (needs ISSUER_ROLE)")
    .addPositionalArgument({ name: "certificateId", description: "REC id, or <deviceId>:<YYYYMM> such as 1:202611" })
    .addOption({ name: "reason", description: "Why it is revoked (stored in the event)", defaultValue: "" })
    .addOption({ name: "certificates", description: override("RenewableCertificates"), defaultValue: "" })
    .setAction(() => import("./rec/revoke.js"))
    .build(),
  task(["rec", "transfer"], "Send whole RECs to another account")
    .addPositionalArgument({ name: "certificateId", description: "REC id, or <deviceId>:<YYYYMM> such as 1:202611" })
    .addOption({ name: "to", description: "Who receives them", defaultValue: "" })
    .addOption({ name: "energy", description: 'Whole MWh to send, e.g. "1 MWh"', defaultValue: "1 MWh" })
    .addOption({
      name: "keyEnv",
      description: "Environment variable holding the holder's private key (default: the network's first account)",
      defaultValue: "",
    })
    .addOption({ name: "certificates", description: override("RenewableCertificates"), defaultValue: "" })
    .setAction(() => import("./rec/transfer.js"))
    .build(),

  emptyTask("flex", "Open, commit to, settle, expire and claim flexibility requests").build(),
  task(["flex", "open"], "Open a flexibility request and escrow its maximum payout (needs BUYER_ROLE)")
    .addOption({ name: "zone", description: "Grid zone code, e.g. ERCOT-NORTH", defaultValue: "" })
    .addOption({ name: "direction", description: "export or consume-less", defaultValue: "export" })
    .addOption({
      name: "start",
      description: "Window start on a whole hour: unix seconds, ISO date, or +2h (rounded up to the hour)",
      defaultValue: "",
    })
    .addOption({ name: "hours", description: "Window length in hours (1-24)", defaultValue: "1" })
    .addOption({ name: "capacity", description: 'Power wanted, e.g. "250 kW"', defaultValue: "" })
    .addOption({ name: "price", description: "Price per kWh in stablecoin, e.g. 0.2", defaultValue: "" })
    .addOption({
      name: "stake",
      description: 'Provider stake as a share of the maximum payout, e.g. "10%"',
      defaultValue: "10%",
    })
    .addOption({
      name: "tolerance",
      description: "Seconds a proof reading may lie before the window start (0-3600)",
      defaultValue: "900",
    })
    .addOption({ name: "commitBy", description: "Commitment deadline (default: the window start)", defaultValue: "" })
    .addOption({
      name: "settleBy",
      description: "Settlement deadline (default: a day after the window)",
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("FlexibilityMarket"), defaultValue: "" })
    .setAction(() => import("./flex/open.js"))
    .build(),
  task(["flex", "commit"], "Commit a device's capacity to a request and post the stake")
    .addPositionalArgument({ name: "requestId", description: "The request id" })
    .addOption({ name: "device", description: "The device id (the caller must own it)", defaultValue: "" })
    .addOption({ name: "capacity", description: 'Power committed, e.g. "100 kW"', defaultValue: "" })
    .addOption({ name: "payee", description: "Who is paid (default: the caller)", defaultValue: "" })
    .addOption({ name: "market", description: override("FlexibilityMarket"), defaultValue: "" })
    .setAction(() => import("./flex/commit.js"))
    .build(),
  task(["flex", "settle"], "Settle a commitment with signed readings (export) or a verifier attestation (consume-less)")
    .addPositionalArgument({ name: "commitmentId", description: "The commitment id" })
    .addOption({
      name: "readings",
      description: "Signed-readings file bracketing the window (export)",
      defaultValue: "",
    })
    .addOption({
      name: "delivered",
      description: 'Attested reduction, e.g. "80 kWh" (consume-less; needs VERIFIER_ROLE)',
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("FlexibilityMarket"), defaultValue: "" })
    .setAction(() => import("./flex/settle.js"))
    .build(),
  task(["flex", "expire"], "Settle a commitment nobody settled by its deadline as nothing delivered (anyone may)")
    .addPositionalArgument({ name: "commitmentId", description: "The commitment id" })
    .addOption({ name: "market", description: override("FlexibilityMarket"), defaultValue: "" })
    .setAction(() => import("./flex/expire.js"))
    .build(),
  task(["flex", "return-escrow"], "Credit a closed request's unused escrow back to its buyer (anyone may)")
    .addPositionalArgument({ name: "requestId", description: "The request id" })
    .addOption({ name: "market", description: override("FlexibilityMarket"), defaultValue: "" })
    .setAction(() => import("./flex/return-escrow.js"))
    .build(),
  task(["flex", "claim"], "Withdraw what the market credited you: payouts, stakes, unused escrow")
    .addOption({ name: "to", description: "Who receives the stablecoin (default: the caller)", defaultValue: "" })
    .addOption({
      name: "keyEnv",
      description: "Environment variable holding the claimant's private key (default: the network's first account)",
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("FlexibilityMarket"), defaultValue: "" })
    .setAction(() => import("./flex/claim.js"))
    .build(),

  emptyTask(
    "cluster",
    "Register GPU clusters, bond and offer their GPU-hours, record deliveries, take proceeds",
  ).build(),
  task(["cluster", "register"], "Register a GPU cluster; the caller becomes its provider")
    .addOption({ name: "gpuClass", description: "GPU model, e.g. H100-SXM", defaultValue: "" })
    .addOption({ name: "gpus", description: "Number of GPUs", defaultValue: "" })
    .addOption({
      name: "energyPerGpuHour",
      description: 'The most energy one GPU-hour draws, e.g. "700 Wh"',
      defaultValue: "",
    })
    .addOption({
      name: "minEnergyPerGpuHour",
      description: "The least energy one delivered GPU-hour draws (default: half the most)",
      defaultValue: "",
    })
    .addOption({ name: "zone", description: "Grid zone code of the data centre, e.g. ERCOT-NORTH", defaultValue: "" })
    .addOption({ name: "operator", description: "Who records deliveries (default: the caller)", defaultValue: "" })
    .addOption({
      name: "payout",
      description: "vault (the network's TrancheVault, as compute revenue) or an address",
      defaultValue: "vault",
    })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/register.js"))
    .build(),
  task(["cluster", "offer"], "Offer a window of the cluster's GPU-hours for sale (provider only)")
    .addPositionalArgument({ name: "clusterId", description: "The cluster id" })
    .addOption({
      name: "start",
      description: "Window start on a whole hour: unix seconds, ISO date, or +2h (rounded up to the hour)",
      defaultValue: "",
    })
    .addOption({ name: "hours", description: "Window length in hours (1-744)", defaultValue: "24" })
    .addOption({ name: "price", description: "Price of one GPU-hour in stablecoin, e.g. 2.5", defaultValue: "" })
    .addOption({
      name: "bond",
      description: 'Bond to post first: an amount, or "full" to cover the whole window',
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/offer.js"))
    .build(),
  task(["cluster", "bond"], "Post stablecoin to a cluster's bond, which covers the refunds of its sales")
    .addPositionalArgument({ name: "clusterId", description: "The cluster id" })
    .addOption({ name: "amount", description: "Stablecoin to post, e.g. 500", defaultValue: "" })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/bond.js"))
    .build(),
  task(["cluster", "withdraw-bond"], "Take back bond no sale has locked (provider only)")
    .addPositionalArgument({ name: "clusterId", description: "The cluster id" })
    .addOption({ name: "amount", description: "Stablecoin to withdraw (default: all free bond)", defaultValue: "" })
    .addOption({ name: "to", description: "Who receives it (default: the caller)", defaultValue: "" })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/withdraw-bond.js"))
    .build(),
  task(
    ["cluster", "deliver"],
    "After a window, record the GPU-hours delivered and prove their energy (provider or operator)",
  )
    .addPositionalArgument({ name: "creditId", description: "The window's credit id" })
    .addOption({ name: "gpuHours", description: "Redeemed GPU-hours delivered", defaultValue: "" })
    .addOption({ name: "energy", description: 'Energy they used, e.g. "28 kWh"', defaultValue: "" })
    .addOption({
      name: "kwhFrom",
      description: "Devices whose kWh the provider holds, burned hour by hour (comma-separated ids)",
      defaultValue: "",
    })
    .addOption({
      name: "recs",
      description: "RECs to retire for the rest, <certificate>=<count>, e.g. 3:202611=1 (comma-separated)",
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/deliver.js"))
    .build(),
  task(["cluster", "push-proceeds"], "Pay a payee's accrued sales proceeds into it (anyone may)")
    .addPositionalArgument({
      name: "payee",
      description: "The payout address (default: the network's TrancheVault)",
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/push-proceeds.js"))
    .build(),
  task(["cluster", "claim-proceeds"], "As a payout address, withdraw the sales proceeds accrued to you")
    .addOption({ name: "to", description: "Who receives them (default: the caller)", defaultValue: "" })
    .addOption({
      name: "keyEnv",
      description: "Environment variable holding the payee's private key (default: the network's first account)",
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/claim-proceeds.js"))
    .build(),

  emptyTask("compute", "Buy, redeem and get refunds for GPU-hour credits, as a person or an AI agent").build(),
  task(["compute", "buy"], "Buy GPU-hour credits of a window before it starts (approve, or --permit)")
    .addPositionalArgument({ name: "creditId", description: "The window's credit id" })
    .addOption({ name: "gpuHours", description: "How many GPU-hours", defaultValue: "" })
    .addOption({ name: "receiver", description: "Who receives the credits (default: the buyer)", defaultValue: "" })
    .addFlag({ name: "permit", description: "Approve with an EIP-2612 signature in the same transaction" })
    .addOption({ name: "keyEnv", description: buyerKeyHelp, defaultValue: "" })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./compute/buy.js"))
    .build(),
  task(["compute", "redeem"], "Redeem credits for a job before the window ends")
    .addPositionalArgument({ name: "creditId", description: "The window's credit id" })
    .addOption({ name: "gpuHours", description: "How many GPU-hours", defaultValue: "" })
    .addOption({
      name: "job",
      description: "The job reference: 32-byte hex or a text hashed into one",
      defaultValue: "",
    })
    .addOption({ name: "from", description: "The holder (default: the caller; others must approve)", defaultValue: "" })
    .addOption({ name: "keyEnv", description: buyerKeyHelp, defaultValue: "" })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./compute/redeem.js"))
    .build(),
  task(["compute", "refund"], "After a settled window, pay a redeemer the refund for undelivered GPU-hours")
    .addPositionalArgument({ name: "creditId", description: "The window's credit id" })
    .addOption({ name: "holder", description: "The redeemer (default: the caller)", defaultValue: "" })
    .addOption({ name: "keyEnv", description: buyerKeyHelp, defaultValue: "" })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./compute/refund.js"))
    .build(),
  task(["compute", "lapse"], "Settle a window whose delivery period passed unrecorded as nothing delivered")
    .addPositionalArgument({ name: "creditId", description: "The window's credit id" })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./compute/lapse.js"))
    .build(),
  task(["compute", "show"], "Show a window of GPU-hours, its sales and an account's credits and refund")
    .addPositionalArgument({ name: "creditId", description: "The window's credit id" })
    .addOption({ name: "account", description: "Whose credits and refund to show", defaultValue: "" })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./compute/show.js"))
    .build(),

  emptyTask("vault", "Subscribe to, fund, draw, service, recover and redeem the tranche vault").build(),
  task(["vault", "deposit"], "Pay revenue into the vault, tagged with its source")
    .addPositionalArgument({ name: "amount", description: "Stablecoin amount, e.g. 12500.50" })
    .addOption({ name: "source", description: "compute, energy, flexibility or other", defaultValue: "energy" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/deposit.js"))
    .build(),
  task(["vault", "distribute"], "Run the waterfall of an ended period and print it")
    .addPositionalArgument({ name: "period", description: "Period number (default: the next one)", defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/distribute.js"))
    .build(),
  task(["vault", "show"], "Show the vault: schedule, tranches, distributed periods and an account's claimables")
    .addOption({
      name: "account",
      description: "Whose principal and claimables to show (default: the caller)",
      defaultValue: "",
    })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/show.js"))
    .build(),
  // --- finance and compliance: the test-dollar faucet, the investor registry, the vault's whole lifecycle ---
  task(
    ["vault", "subscribe"],
    "Buy notes of a tranche at face value (approve, or --permit); the investor must be listed",
  )
    .addPositionalArgument({ name: "amount", description: "Stablecoin to pay, e.g. 25000" })
    .addOption({ name: "tranche", description: "Tranche id or note symbol, e.g. 0 or JSN-SR", defaultValue: "" })
    .addFlag({ name: "permit", description: "Approve with an EIP-2612 signature in the same transaction" })
    .addOption({ name: "keyEnv", description: holderHelp("keyEnv"), defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/subscribe.js"))
    .build(),
  task(["vault", "close-funding"], "End the subscription phase once every tranche is full or the deadline passed")
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/close-funding.js"))
    .build(),
  task(["vault", "draw"], "Send the raise to the project wallet before the draw deadline (needs OPERATOR_ROLE)")
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/draw.js"))
    .build(),
  task(["vault", "unwind"], "Fail a vault whose raise was not drawn by the draw deadline, so holders can refund")
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/unwind.js"))
    .build(),
  task(["vault", "write-down"], "Record a loss: principal is cut equity first (needs LOSS_ASSESSOR_ROLE)")
    .addPositionalArgument({ name: "amount", description: "The loss in stablecoin, e.g. 50000" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/write-down.js"))
    .build(),
  task(["vault", "claim"], "Take your unclaimed coupons and principal")
    .addOption({ name: "tranche", description: holderHelp("tranche"), defaultValue: "" })
    .addOption({ name: "receiver", description: holderHelp("receiver"), defaultValue: "" })
    .addOption({ name: "keyEnv", description: holderHelp("keyEnv"), defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/claim.js"))
    .build(),
  task(["vault", "redeem"], "After maturity, cancel your notes and take what you are owed")
    .addOption({ name: "tranche", description: holderHelp("tranche"), defaultValue: "" })
    .addOption({ name: "receiver", description: holderHelp("receiver"), defaultValue: "" })
    .addOption({ name: "keyEnv", description: holderHelp("keyEnv"), defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/redeem.js"))
    .build(),
  task(["vault", "refund"], "After a failed funding or an unwind, cancel your notes and take back what they cost")
    .addOption({ name: "tranche", description: holderHelp("tranche"), defaultValue: "" })
    .addOption({ name: "receiver", description: holderHelp("receiver"), defaultValue: "" })
    .addOption({ name: "keyEnv", description: holderHelp("keyEnv"), defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/refund.js"))
    .build(),
  emptyTask(
    ["vault", "recover"],
    "Move a lost wallet's notes to its investor's new wallet, announced 7 days ahead",
  ).build(),
  task(["vault", "recover", "announce"], "Announce a recovery to a wallet of the same identity (needs AGENT_ROLE)")
    .addPositionalArgument({ name: "lost", description: "The lost wallet" })
    .addOption({ name: "replacement", description: "The verified wallet the notes move to", defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/recover-announce.js"))
    .build(),
  task(["vault", "recover", "cancel"], "Cancel an announced recovery, as an agent or as the holder of the lost wallet")
    .addPositionalArgument({ name: "lost", description: "The wallet whose recovery is cancelled" })
    .addOption({ name: "keyEnv", description: holderHelp("keyEnv"), defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/recover-cancel.js"))
    .build(),
  task(["vault", "recover", "execute"], "Execute an announced recovery after its contest window (anyone may)")
    .addPositionalArgument({ name: "lost", description: "The lost wallet" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./vault/recover-execute.js"))
    .build(),

  emptyTask("investor", "Keep the investor registry: list, freeze, link identities, show").build(),
  task(["investor", "list"], "List or renew investors (needs the registry's AGENT_ROLE)")
    .addVariadicArgument({ name: "accounts", description: "Investor addresses (separate arguments or commas)" })
    .addOption({
      name: "expiry",
      description: "When the verification lapses: +365d, an ISO date or unix seconds",
      defaultValue: "+365d",
    })
    .addOption({
      name: "jurisdiction",
      description: "ISO 3166-1 numeric country code, e.g. 840 (US), 276 (DE)",
      defaultValue: "",
    })
    .addOption({ name: "registry", description: override("InvestorRegistry"), defaultValue: "" })
    .setAction(() => import("./investor/list.js"))
    .build(),
  task(["investor", "freeze"], "Freeze an account: it can no longer move, claim or redeem notes")
    .addPositionalArgument({ name: "account", description: "The account" })
    .addOption({ name: "registry", description: override("InvestorRegistry"), defaultValue: "" })
    .setAction(() => import("./investor/freeze.js"))
    .build(),
  task(["investor", "unfreeze"], "Unfreeze an account")
    .addPositionalArgument({ name: "account", description: "The account" })
    .addOption({ name: "registry", description: override("InvestorRegistry"), defaultValue: "" })
    .setAction(() => import("./investor/unfreeze.js"))
    .build(),
  task(["investor", "link-identity"], "Link a wallet to an investor identity, the key of recoveries")
    .addPositionalArgument({ name: "account", description: "The wallet" })
    .addOption({
      name: "identity",
      description: "32-byte hex identity, or a text hashed into one (e.g. kyc:alice)",
      defaultValue: "",
    })
    .addFlag({ name: "unlink", description: "Remove the wallet's identity link" })
    .addOption({ name: "registry", description: override("InvestorRegistry"), defaultValue: "" })
    .setAction(() => import("./investor/link-identity.js"))
    .build(),
  task(["investor", "show"], "Show an investor: registry entry, identity, notes, claimables, pending recovery")
    .addPositionalArgument({ name: "account", description: "The account" })
    .addOption({ name: "registry", description: override("InvestorRegistry"), defaultValue: "" })
    .addOption({ name: "vault", description: override("TrancheVault"), defaultValue: "" })
    .setAction(() => import("./investor/show.js"))
    .build(),

  emptyTask("stablecoin", "Test dollars on local chains and testnets that deployed the test stablecoin").build(),
  task(["stablecoin", "faucet"], "Mint test dollars to an address (the test stablecoin's owner only)")
    .addPositionalArgument({ name: "amount", description: "Dollars to mint, e.g. 1000000" })
    .addOption({ name: "to", description: "Who receives them (default: the caller)", defaultValue: "" })
    .addOption({ name: "stablecoin", description: override("TestStablecoin"), defaultValue: "" })
    .setAction(() => import("./stablecoin/faucet.js"))
    .build(),
];

/** Option help shared by the holders' tasks (declarations, so the task list above may use them). */
function holderHelp(option: "keyEnv" | "tranche" | "receiver"): string {
  return {
    keyEnv: "Environment variable holding the investor's private key (default: the network's first account)",
    tranche: "Tranche id or note symbol (default: every tranche with something to take)",
    receiver: "Who receives the stablecoin (default: the holder)",
  }[option];
}
