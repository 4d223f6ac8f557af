#!/usr/bin/env node
// `npx holdfast …` in a checkout: run the same entry point with the pinned Bun from node_modules.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bun = join(root, "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");
const result = spawnSync(bun, [join(root, "src", "main.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
if (result.error) {
  console.error(`holdfast: could not start Bun (${result.error.message}); run npm install first`);
  process.exit(1);
}
process.exit(result.status ?? 1);
