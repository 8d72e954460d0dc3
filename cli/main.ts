// The process around run(): the exit code is set, never forced (a reader that quits early, `dump …
// | head`, is met where the output is written: processIo in io.ts).
import { run } from './run.js';

export async function main(argv: string[]): Promise<void> {
  process.exitCode = await run(argv);
}
