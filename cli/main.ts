// The process around run(): a reader that quits early (`dump … | head`) closes the pipe, and the
// command ends quietly, as Unix tools do; the exit code is set, never forced.
import { run } from './run.js';

export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = await run(argv);
}
