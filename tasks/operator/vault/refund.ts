import { payoutAction } from "./payout.js";

/** `vault refund [--tranche <id|symbol>] [--receiver 0x…]`: see `payoutAction`. */
export default payoutAction("refund");
