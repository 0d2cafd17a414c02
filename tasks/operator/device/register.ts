import { gridZone } from "../../../sdk/energy.js";
import { formatPower } from "../../../sdk/units.js";
import { DeviceRegistry__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import {
  deviceKindName,
  formatTime,
  maxUint,
  parseAddress,
  parseDeviceKind,
  parsePowerOption,
  parseTime,
  parseZone,
} from "../parse.js";

interface Args {
  kind: string;
  capacity: string;
  zone: string;
  signer: string;
  owner: string;
  commissioned: string;
  metadataUri: string;
  registry: string;
}

/** `device register`: adds a generator, battery or load to the registry (the caller needs REGISTRAR_ROLE). */
export default operatorAction<Args>(async (args, operator) => {
  const registry = DeviceRegistry__factory.connect(operator.address("DeviceRegistry", args.registry), operator.signer);
  const latest = await operator.ethers.provider.getBlock("latest");
  const zone = parseZone(args.zone);
  const registration = {
    kind: parseDeviceKind(args.kind),
    capacityW: parsePowerOption(args.capacity, "capacity", { max: maxUint(96) }),
    gridZone: gridZone(zone),
    signer: parseAddress(args.signer, "signer"),
    owner: args.owner === "" ? operator.signer.address : parseAddress(args.owner, "owner"),
    commissionedAt: parseTime(args.commissioned, BigInt(latest?.timestamp ?? 0)),
    metadataURI: args.metadataUri,
  };

  const receipt = await operator.send("Registered the device", registry.registerDevice(registration));
  const event = receipt.logs
    .map((log) => registry.interface.parseLog(log))
    .find((parsed) => parsed?.name === "DeviceRegistered");
  if (event === undefined || event === null) throw new Error("the transaction emitted no DeviceRegistered event");
  console.log(
    `Device ${event.args.deviceId}: ${deviceKindName(registration.kind)}, ${formatPower(registration.capacityW)} in ${zone}`,
  );
  console.log(`  owner ${registration.owner}, meter signer ${registration.signer}`);
  console.log(`  commissioned ${formatTime(registration.commissionedAt)}`);
});
