#!/usr/bin/env node
import { run } from './run.js';

// a reader that quits early (`dump … | head`) closes the pipe: end quietly, as Unix tools do
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await run(process.argv.slice(2));
