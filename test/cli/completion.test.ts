// Shell completion: the scripts parse in their shells and complete what the program defines
// (commands, options per command, fixed choices, pass names, signatures, files). bash is driven
// through its completion function; zsh is checked for syntax and for each command's options
// (skipped with a message where zsh is not installed).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp } from '../helpers.js';
import { PASSES } from '../../src/rewrite/pipeline.js';

const has = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const HAVE_ZSH = has('zsh');
if (!HAVE_ZSH) console.warn('zsh completion test skipped: zsh is not installed');

async function script(shell: string): Promise<string> {
  const r = await cli('completion', shell);
  expect(r.code).toBe(0);
  const f = join(tmp('completion-'), `dom0-acpi.${shell}`);
  writeFileSync(f, r.out);
  return f;
}

/** What bash offers for a command line ending in `words` (the last word is the one completed). */
function bashComplete(file: string, words: string[], cwd?: string): string[] {
  const line = ['dom0-acpi', ...words];
  const src = `source ${JSON.stringify(file)}; COMP_WORDS=(${line.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${line.length - 1}; _dom0_acpi; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', src], { encoding: 'utf8', cwd });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('completion bash', () => {
  it('completes commands, each command’s options, choices, passes, signatures and files', async () => {
    const f = await script('bash');
    expect(bashComplete(f, [''])).toEqual(expect.arrayContaining(['dump', 'extract', 'convert', 'build', 'diff', 'check', 'completion', 'help']));
    expect(bashComplete(f, ['bu'])).toEqual(['build']);
    expect(bashComplete(f, ['build', '--sk'])).toEqual(['--skip']);
    expect(bashComplete(f, ['build', '--skip', ''])).toEqual(expect.arrayContaining(Object.keys(PASSES)));
    expect(bashComplete(f, ['build', '--profile', ''])).toEqual(['design', 'xen']);
    expect(bashComplete(f, ['check', '--format', ''])).toEqual(['text', 'json', 'jsonl', 'junit', 'github']);
    expect(bashComplete(f, ['dump', '-t', 'IO'])).toEqual(['IORT']);
    expect(bashComplete(f, ['dump', '--p'])).toEqual(['--partial']);
    expect(bashComplete(f, ['diff', '--ignore', 'derived,'])).toEqual(['derived,addresses']);
    expect(bashComplete(f, ['completion', ''])).toEqual(['bash', 'zsh']);
    const d = tmp('completion-files-');
    writeFileSync(join(d, 'acpidump.txt'), '');
    expect(bashComplete(f, ['dump', 'acpi'], d)).toEqual(['acpidump.txt']);
    // an option the command does not have is not offered
    expect(bashComplete(f, ['extract', '--pro'])).toEqual([]);
  });
});

describe.skipIf(!HAVE_ZSH)('completion zsh', () => {
  it('parses, and declares every option of every command', async () => {
    const f = await script('zsh');
    const r = spawnSync('zsh', ['-n', f], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // loading it defines the function (compdef is only called inside a completion-enabled shell)
    const loaded = spawnSync('zsh', ['-c', `autoload -U compinit && compinit -u -D 2>/dev/null; source ${JSON.stringify(f)} && whence -w _dom0_acpi`], {
      encoding: 'utf8',
    });
    expect(loaded.stdout.trim()).toBe('_dom0_acpi: function');
    const text = (await cli('completion', 'zsh')).out;
    for (const o of ['--skip', '--profile', '--vcpus', '--fail-on', '--ignore', '--out-base', '--partial', '--image-base']) expect(text).toContain(o);
    expect(text).toContain(':value:(design xen)');
  });
});

it('completion refuses a shell it does not know', async () => {
  const r = await cli('completion', 'fish');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^dom0-acpi: error: command-argument value 'fish' is invalid/);
});
