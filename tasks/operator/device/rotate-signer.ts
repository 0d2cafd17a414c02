import { DeviceRegistry__factory } from "../../../typechain-types/index.js";
import { operatorAction } from "../context.js";
import { formatTime, parseAddress, parseId } from "../parse.js";

interface Args {
  deviceId: string;
  signer: string;
  registry: string;
}

/**
 * `device rotate-signer <deviceId> --signer 0x…`: the device's owner replaces its meter key. Readings taken from now
 * on must be signed by the new key; older ones stay valid under the old key.
 */
export default operatorAction<Args>(async (args, operator) => {
  const deviceId = parseId(args.deviceId, "device id");
  if (args.signer.trim() === "") throw new Error("--signer is required: the address of the meter's new key");
  const signer = parseAddress(args.signer.trim(), "signer");
  const registry = DeviceRegistry__factory.connect(operator.address("DeviceRegistry", args.registry), operator.signer);
  const previous = (await registry.getDevice(deviceId)).signer;
  await operator.send(`Rotated the meter key of device ${deviceId}`, registry.rotateSigner(deviceId, signer));
  const device = await registry.getDevice(deviceId);
  console.log(
    `Device ${deviceId}: signer ${previous} -> ${device.signer}, in force since ${formatTime(device.signerSince)}`,
  );
});
