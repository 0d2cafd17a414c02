// Prints the address every deterministic suite contract gets on any chain, from the compiled bytecode and the
// deployer alone, without a node: `node scripts/package/deterministic-addresses.js [--deployer 0x...]
// [--stablecoin 0x...]`. The deploy scripts send each contract through the deterministic-deployment proxy with the
// suite salt (rocketh/deploy.ts), so `hardhat deploy` lands at these addresses on every chain. The deployer defaults
// to Hardhat's first development account; --stablecoin names a chain's own settlement token (STABLECOIN_ADDRESS),
// which changes the addresses of the two markets that take it as a constructor argument. Run `hardhat compile` first.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { AbiCoder, encodeBytes32String, getAddress, getCreate2Address, keccak256 } from "ethers";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FACTORY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";
const SALT = encodeBytes32String("Joulestack suite v1");

const option = (name) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : getAddress(process.argv[index + 1]);
};
const deployer = option("deployer") ?? "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const externalStablecoin = option("stablecoin");

const artifact = (folder, name) =>
  JSON.parse(readFileSync(join(root, "artifacts", "contracts", folder, `${name}.sol`, `${name}.json`), "utf8"));

const addresses = {};
const place = (name, folder, types, args) => {
  const { bytecode } = artifact(folder, name);
  const initCode = bytecode + AbiCoder.defaultAbiCoder().encode(types, args).slice(2);
  addresses[name] = getCreate2Address(FACTORY, SALT, keccak256(initCode));
  return addresses[name];
};

const stablecoin = externalStablecoin ?? place("TestStablecoin", "tokens", ["address"], [deployer]);
const registry = place("DeviceRegistry", "energy", ["address"], [deployer]);
const energy = place("MeteredEnergy", "energy", ["address", "address"], [registry, deployer]);
const certificates = place("RenewableCertificates", "certificates", ["address", "address"], [energy, deployer]);
place("FlexibilityMarket", "flexibility", ["address", "address", "address"], [stablecoin, energy, deployer]);
place("ComputeMarket", "compute", ["address", "address", "address"], [stablecoin, energy, certificates]);
place("InvestorRegistry", "compliance", ["address"], [deployer]);

console.log(`deployer ${deployer}${externalStablecoin ? `, stablecoin ${externalStablecoin}` : ""}`);
for (const [name, address] of Object.entries(addresses)) console.log(`${name.padEnd(22)} ${address}`);
