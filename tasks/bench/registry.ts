import type { Bench } from "./types.js";

import { computeBench } from "./compute.js";
import { energyBench } from "./energy.js";
import { financeBench } from "./finance.js";
import { flexibilityBench } from "./flexibility.js";
import { stablecoinBench } from "./stablecoin.js";

/** Every module's benchmark, in value-chain order. */
export const BENCHES: readonly Bench[] = [stablecoinBench, energyBench, flexibilityBench, computeBench, financeBench];
