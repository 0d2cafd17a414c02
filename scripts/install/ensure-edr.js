// Hardhat 3's runtime (@nomicfoundation/edr) ships its native binding as optional per-platform packages that
// declare `engines.node >= 22`. npm running on Node 20 silently skips them, even though every npm script here
// runs on the Node 22 pinned in devDependencies. This step installs the skipped binding from the npm
// registry, at exactly the version edr asks for. It does nothing when the binding is already present. It runs as
// `prepare`, which npm runs after installing this repository but never in the projects that install the package.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const edrDir = join(root, "node_modules", "@nomicfoundation", "edr");

function isMusl() {
  if (process.platform !== "linux") return false;
  const report = process.report?.getReport?.();
  return !report?.header?.glibcVersionRuntime;
}

function platformPackage() {
  const { platform, arch } = process;
  if (platform === "linux") return `@nomicfoundation/edr-linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
  if (platform === "darwin") return `@nomicfoundation/edr-darwin-${arch}`;
  if (platform === "win32") return `@nomicfoundation/edr-win32-${arch}-msvc`;
  return undefined;
}

function main() {
  if (!existsSync(edrDir)) return; // installed without dev dependencies: nothing to do
  const name = platformPackage();
  const { optionalDependencies = {} } = JSON.parse(readFileSync(join(edrDir, "package.json"), "utf8"));
  const version = name && optionalDependencies[name];
  if (!version) {
    console.warn(`ensure-edr: no EDR binding is published for ${process.platform}-${process.arch}`);
    return;
  }
  const target = join(root, "node_modules", ...name.split("/"));
  if (existsSync(join(target, "package.json"))) {
    const installed = JSON.parse(readFileSync(join(target, "package.json"), "utf8")).version;
    if (installed === version) return;
  }

  const work = mkdtempSync(join(tmpdir(), "joulestack-edr-"));
  try {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    execFileSync(npm, ["pack", `${name}@${version}`, "--silent", "--pack-destination", work], {
      cwd: work,
      stdio: ["ignore", "ignore", "inherit"],
      shell: process.platform === "win32",
    });
    const tarball = readdirSync(work).find((file) => file.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${name}@${version} produced no tarball`);
    execFileSync("tar", ["-xzf", tarball], { cwd: work });
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(work, "package"), target);
    console.log(`ensure-edr: installed ${name}@${version} (npm skips it when it runs on Node < 22)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
