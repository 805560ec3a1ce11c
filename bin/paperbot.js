#!/usr/bin/env node
import { cliMain } from "../dist/src/cli.js";

process.exitCode = await cliMain(process.argv.slice(2));
