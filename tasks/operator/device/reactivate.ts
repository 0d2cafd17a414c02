import { statusAction } from "./status.js";

/** `device reactivate <deviceId> --reason <code>`: see `statusAction`. */
export default statusAction("reactivate");
