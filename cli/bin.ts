#!/usr/bin/env node
// The unbundled entry (dist/cli/bin.js); the installed command is the launcher (launch.ts).
import { main } from './main.js';

await main(process.argv.slice(2));
