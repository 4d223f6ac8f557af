#!/usr/bin/env bun
// Entry: argv → a CLI command, or serve.
import "./production-mode.ts"; // first: Elysia reads NODE_ENV when it loads
import { runCli } from "./cli/index.ts";

const code = await runCli(process.argv.slice(2));
if (code !== null) process.exit(code);
