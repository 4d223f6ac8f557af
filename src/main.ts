#!/usr/bin/env bun
// Entry: argv → a CLI command, or serve.
import { runCli } from "./cli/index.ts";

const code = await runCli(process.argv.slice(2));
if (code !== null) process.exit(code);
