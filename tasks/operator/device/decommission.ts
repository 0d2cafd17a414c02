import { statusAction } from "./status.js";

/** `device decommission <deviceId> --reason <code>`: see `statusAction`. */
export default statusAction("decommission");
