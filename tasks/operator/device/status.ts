import { DeviceStatus } from "../../../sdk/energy.js";
import { DeviceRegistry__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatReason, formatTime, parseId, parseReason } from "../parse.js";

interface Args {
  deviceId: string;
  reason: string;
  registry: string;
}

/** A registrar's status change of a device, as the registry names them. */
export type StatusChange = "suspend" | "reactivate" | "decommission";

const PAST: Record<StatusChange, string> = {
  suspend: "Suspended",
  reactivate: "Reactivated",
  decommission: "Decommissioned",
};

/**
 * `device suspend|reactivate|decommission <deviceId> --reason <code>`: a registrar (REGISTRAR_ROLE) changes a
 * device's status, with a short reason code stored on chain, and prints the status before and after.
 */
export function statusAction(change: StatusChange) {
  return operatorAction<Args>(async (args, operator) => {
    const deviceId = parseId(args.deviceId, "device id");
    const reason = parseReason(args.reason);
    const registry = DeviceRegistry__factory.connect(
      operator.address("DeviceRegistry", args.registry),
      operator.signer,
    );
    const before = (await registry.getDevice(deviceId)).status;
    const call =
      change === "suspend"
        ? registry.suspendDevice(deviceId, reason)
        : change === "reactivate"
          ? registry.reactivateDevice(deviceId, reason)
          : registry.decommissionDevice(deviceId, reason);
    await operator.send(`${PAST[change]} device ${deviceId} (${formatReason(reason)})`, call);
    const device = await registry.getDevice(deviceId);
    console.log(
      `Device ${deviceId}: ${DeviceStatus[Number(before)]} -> ${DeviceStatus[Number(device.status)]}` +
        (change === "reactivate"
          ? `; active since ${formatTime(device.activeSince)}: its owner resumes metering with \`readings resume\``
          : ""),
    );
  });
}
