import { DeviceStatus, gridZoneToString } from "../../../sdk/energy.js";
import { formatEnergy, formatPower } from "../../../sdk/units.js";
import { DeviceRegistry__factory, MeteredEnergy__factory } from "../../../typechain-types/index.js";
import { renderTable } from "../../common/table.js";
import { operatorAction } from "../context.js";
import { deviceKindName, formatTime, parseId } from "../parse.js";

interface Args {
  deviceId: string;
  registry: string;
  meter: string;
}

/** `device show <id>`: the registry record, the meter's last reading and the kWh the device has minted. */
export default operatorAction<Args>(async (args, operator) => {
  const deviceId = parseId(args.deviceId, "device id");
  const registry = DeviceRegistry__factory.connect(operator.address("DeviceRegistry", args.registry), operator.runner);
  const energy = MeteredEnergy__factory.connect(operator.address("MeteredEnergy", args.meter), operator.runner);

  const device = await registry.getDevice(deviceId);
  const [meter, minted] = await Promise.all([energy.meterState(deviceId), energy.mintedWh(deviceId)]);
  const rows: [string, string][] = [
    ["kind", deviceKindName(device.kind)],
    ["status", DeviceStatus[Number(device.status)] ?? String(device.status)],
    ["capacity", formatPower(device.capacityW)],
    ["grid zone", gridZoneToString(device.gridZone)],
    ["owner", device.owner],
    ["meter signer", device.signer],
    ["commissioned", formatTime(device.commissionedAt)],
    ["active since", formatTime(device.activeSince)],
    ["signer since", formatTime(device.signerSince)],
    ["metadata URI", device.metadataURI || "-"],
    ["meter counter", formatEnergy(meter.cumulativeWh)],
    ["last reading", formatTime(meter.timestamp)],
    ["baseline (not minted)", formatEnergy(meter.baselineWh)],
    ["minted", formatEnergy(minted)],
  ];
  console.log(`Device ${deviceId} on ${operator.networkName}`);
  console.log(renderTable(["field", "value"], rows));
});
