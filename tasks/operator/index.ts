import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

const override = (contract: string) =>
  `${contract} address (default: deployments/<network>/${contract}.json, written by \`npm run deploy\`)`;

/**
 * The operator's command line: `npx hardhat <group> <action> --network <name>`. Every task signs with the
 * network's first account (DEPLOYER_PRIVATE_KEY on the testnets), finds the contracts in the network's deployment
 * records, takes amounts in human units and prints failures as decoded custom errors.
 */
export const operatorTasks = [
  emptyTask("device", "Register devices and show their registry record and meter").build(),
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
      description: "Number of readings to generate",
      type: ArgumentType.INT,
      defaultValue: 25,
    })
    .addOption({
      name: "energy",
      description: 'Energy added between generated readings, e.g. "250 kWh"',
      defaultValue: "1 kWh",
    })
    .addOption({
      name: "interval",
      description: "Seconds between generated readings (a divisor of 3600, so readings fall on every hour)",
      type: ArgumentType.INT,
      defaultValue: 3600,
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
      description: "Readings per transaction",
      type: ArgumentType.INT,
      defaultValue: 100,
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

  emptyTask("rec", "Request, certify and retire renewable energy certificates (1 REC = 1 MWh)").build(),
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
      type: ArgumentType.INT,
      defaultValue: -1,
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

  emptyTask("flex", "Open, commit to and settle flexibility requests").build(),
  task(["flex", "open"], "Open a flexibility request and escrow its maximum payout (needs BUYER_ROLE)")
    .addOption({ name: "zone", description: "Grid zone code, e.g. ERCOT-NORTH", defaultValue: "" })
    .addOption({ name: "direction", description: "export or consume-less", defaultValue: "export" })
    .addOption({
      name: "start",
      description: "Window start on a whole hour: unix seconds, ISO date, or +2h (rounded up to the hour)",
      defaultValue: "",
    })
    .addOption({ name: "hours", description: "Window length in hours (1-24)", type: ArgumentType.INT, defaultValue: 1 })
    .addOption({ name: "capacity", description: 'Power wanted, e.g. "250 kW"', defaultValue: "" })
    .addOption({ name: "price", description: "Price per kWh in stablecoin, e.g. 0.2", defaultValue: "" })
    .addOption({
      name: "stake",
      description: 'Provider stake as a share of the maximum payout, e.g. "10%"',
      defaultValue: "10%",
    })
    .addOption({
      name: "tolerance",
      description: "Seconds a proof reading may lie before the window start",
      type: ArgumentType.INT,
      defaultValue: 900,
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

  emptyTask("cluster", "Register GPU clusters and offer their GPU-hours").build(),
  task(["cluster", "register"], "Register a GPU cluster; the caller becomes its provider")
    .addOption({ name: "gpuClass", description: "GPU model, e.g. H100-SXM", defaultValue: "" })
    .addOption({ name: "gpus", description: "Number of GPUs", type: ArgumentType.INT, defaultValue: 0 })
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
    .addOption({ name: "hours", description: "Window length in hours", type: ArgumentType.INT, defaultValue: 24 })
    .addOption({ name: "price", description: "Price of one GPU-hour in stablecoin, e.g. 2.5", defaultValue: "" })
    .addOption({
      name: "bond",
      description: 'Bond to post first: an amount, or "full" to cover the whole window',
      defaultValue: "",
    })
    .addOption({ name: "market", description: override("ComputeMarket"), defaultValue: "" })
    .setAction(() => import("./cluster/offer.js"))
    .build(),

  emptyTask("vault", "Pay revenue into the tranche vault, distribute periods and show its state").build(),
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
];
