import { payoutAction } from "./payout.js";

/** `vault claim [--tranche <id|symbol>] [--receiver 0x…]`: see `payoutAction`. */
export default payoutAction("claim");
