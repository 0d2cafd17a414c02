import { definePlugin } from "hardhat/plugins";

/**
 * Hides compiler warnings that are known, reviewed and documented, and nothing else. Each entry names the solc
 * warning code and the one dependency file it comes from, so the same warning raised by Joulestack's own code still
 * shows.
 */
const knownWarnings = definePlugin({
  id: "joulestack-known-warnings",
  hookHandlers: {
    solidity: () => import("./known-warnings-hooks.js"),
  },
});

export default knownWarnings;
