// The build's codes as the last section of docs/checks.md (npm run docs; a test keeps it in step).
import { BUILD_CODES } from './codes.js';

export function buildCodesMarkdown(): string {
  let out = `
## What build reports (warnings and notes)

\`build\` prints these on stderr as \`warning:\` or \`note:\` lines, lists them in the output's
manifest.json (\`warnings\`), and returns them from \`buildDom0()\` (\`warnings\`); none of them
changes the exit code. They name the table and field path of the output they are about.

| code | severity | what it means | source |
|---|---|---|---|
`;
  for (const [c, i] of Object.entries(BUILD_CODES))
    out += `| \`${c}\` | ${i.severity === 'info' ? 'note' : i.severity} | ${i.summary.replace(/\|/g, '\\|')} | ${i.source} |\n`;
  return out;
}
