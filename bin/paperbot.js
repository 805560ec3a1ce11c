#!/usr/bin/env node
import { processIo, runCli } from "../dist/src/cli.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());
