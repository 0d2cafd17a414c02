import { statusAction } from "./status.js";

/** `device suspend <deviceId> --reason <code>`: see `statusAction`. */
export default statusAction("suspend");
