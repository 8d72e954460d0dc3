// npm run docs: regenerate docs/checks.md from the finding catalogue.
import { writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksMarkdown } from '../src/check/docs.js';

const out = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'docs', 'checks.md');
writeFileSync(out, checksMarkdown());
console.log(`wrote ${out}`);
