import { payoutAction } from "./payout.js";

/** `vault redeem [--tranche <id|symbol>] [--receiver 0x…]`: see `payoutAction`. */
export default payoutAction("redeem");
