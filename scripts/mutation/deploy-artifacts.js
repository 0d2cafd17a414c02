// Regenerates the deployment artifacts in generated/ from what artifacts/ holds now. hardhat-deploy writes them
// (and the deploy scripts and TypeScript tests deploy from them) only after a full compile; a mutation run compiles
// just the mutated contract, so without this the TypeScript suites would deploy the unmutated one.
//
// The generator is hardhat-deploy's own (the version is pinned in package.json). Its module is not in the package's
// exports map, so it is imported by path, beside the entry point (dist/index.js). hardhat.config.ts sets no
// `generateTypedArtifacts`, so its defaults apply.
const load = (file) => import(new URL(file, import.meta.resolve("hardhat-deploy")).href);
const { generateTypes } = await load("generate-types.js");
const { getConfig } = await load("config/get-config.js");

await generateTypes({ artifacts: ["artifacts"] }, getConfig(undefined));
