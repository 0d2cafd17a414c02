import { proceedsAction } from "./proceeds.js";

/** `cluster claim-proceeds`: see `proceedsAction`. */
export default proceedsAction("claim");
