import { proceedsAction } from "./proceeds.js";

/** `cluster push-proceeds`: see `proceedsAction`. */
export default proceedsAction("push");
