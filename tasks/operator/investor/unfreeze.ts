import { freezeAction } from "./freeze.js";

/** `investor unfreeze <account>`: see `freezeAction`. */
export default freezeAction(false);
