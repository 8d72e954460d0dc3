// npm run docs: regenerate docs/checks.md from the finding catalogue and the build's codes.
import { writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksMarkdown } from '../src/check/docs.js';
import { buildCodesMarkdown } from '../src/rewrite/docs.js';

const out = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'docs', 'checks.md');
writeFileSync(out, checksMarkdown() + buildCodesMarkdown());
console.log(`wrote ${out}`);
