import type { SolidityHooks } from "hardhat/types/hooks";

interface KnownWarning {
  /** solc's numeric warning code. */
  errorCode: string;
  /** The only source file the warning is expected from, as the warning's `-->` location names it. */
  sourceFile: RegExp;
  /** Why it is safe to hide. */
  reason: string;
}

export const KNOWN_WARNINGS: readonly KnownWarning[] = [
  {
    // "Transient storage as defined by EIP-1153 can break the composability of smart contracts ..."
    errorCode: "2394",
    sourceFile: /@openzeppelin\/contracts(@[^/]+)?\/utils\/TransientSlot\.sol$/,
    reason:
      "OpenZeppelin's ReentrancyGuardTransient keeps its lock in transient storage and clears it at the end of " +
      "every guarded call: the use solc's own warning calls safe.",
  },
];

/** The file a solc message points at (`--> path:line:column`); Hardhat's remapped errors carry no source location. */
const locationOf = (formattedMessage: string | undefined): string =>
  /-->\s+(\S+?):\d+:\d+/.exec(formattedMessage ?? "")?.[1] ?? "";

export const isKnownWarning = (error: { severity: string; errorCode?: string; formattedMessage?: string }): boolean =>
  error.severity === "warning" &&
  KNOWN_WARNINGS.some(
    (known) => error.errorCode === known.errorCode && known.sourceFile.test(locationOf(error.formattedMessage)),
  );

export default async (): Promise<Partial<SolidityHooks>> => ({
  async getCompilationJobErrors(context, compilationJob, compilerOutput, next) {
    const errors = await next(context, compilationJob, compilerOutput);
    return errors.filter((error) => !isKnownWarning(error));
  },
});
