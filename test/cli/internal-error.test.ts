// Our bugs are ours: an exception in dom0-acpi's own code (a pass, a check rule, a renderer) is an
// internal error, exit 70, never "cannot build from this input" or a finding about the input; the
// stack comes with --debug or DOM0_ACPI_DEBUG=1; the library throws it unchanged.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { cli, SAMPLES, tmp } from '../helpers.js';
import { PASSES } from '../../src/rewrite/pipeline.js';
import { defFor } from '../../src/tables/registry.js';
import { buildDom0 } from '../../src/rewrite/build.js';
import { readTables } from '../../src/io/read.js';
import { BuildError } from '../../src/rewrite/types.js';
import { Refusal } from '../../src/layout/diagnostics.js';
import type { TableRule } from '../../src/model/rules.js';
import { PathError, isFsError } from '../../src/io/fs-words.js';

const HOST = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const INTERNAL = /^dom0-acpi: error: internal error: TypeError: injected fault \(a bug in dom0-acpi; please report it with this input\)\n/;

const undo: (() => void)[] = [];
afterEach(() => {
  while (undo.length) undo.pop()!();
});

/** Replace obj[key] for this test. */
function inject<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
  const was = obj[key];
  obj[key] = value;
  undo.push(() => (obj[key] = was));
}

const fault = (): never => {
  throw new TypeError('injected fault');
};

describe('an exception in our own code is an internal error (exit 70)', () => {
  it('in a pass: build exits 70 naming the bug, writes nothing; buildDom0 throws it unchanged', async () => {
    inject(PASSES.fadt, 'run', fault as never);
    const out = join(tmp('bug-'), 'out');
    const r = await cli('build', HOST, '-o', out);
    expect(r.code).toBe(70);
    expect(r.err).toMatch(INTERNAL);
    expect(r.err).not.toMatch(/cannot build from this input|\n\s+at /);
    expect(r.err).toMatch(/run with --debug \(or DOM0_ACPI_DEBUG=1\) for the stack trace/);
    expect(existsSync(out)).toBe(false);
    const thrown = (() => {
      try {
        buildDom0(readTables(HOST).set);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown).not.toBeInstanceOf(BuildError);
    expect(thrown).not.toBeInstanceOf(Refusal);
  });

  it('in a check rule: exit 70, not a finding and not exit 1', async () => {
    const madt = defFor('APIC');
    const rule: TableRule = { codes: [], run: fault } as unknown as TableRule;
    inject(madt, 'rules', [...(madt.rules ?? []), rule]);
    const r = await cli('check', HOST);
    expect(r.code).toBe(70);
    expect(r.err).toMatch(INTERNAL);
  });

  it('in a renderer: exit 70', async () => {
    inject(defFor('APIC'), 'summary', fault as never);
    const r = await cli('dump', HOST, '--summary');
    expect(r.code).toBe(70);
    expect(r.err).toMatch(INTERNAL);
  });

  it('--debug and DOM0_ACPI_DEBUG=1 print the stack', async () => {
    inject(defFor('APIC'), 'summary', fault as never);
    const r = await cli('dump', HOST, '--summary', '--debug');
    expect(r.code).toBe(70);
    expect(r.err).toMatch(/\nTypeError: injected fault\n\s+at /);
    process.env.DOM0_ACPI_DEBUG = '1';
    undo.push(() => delete process.env.DOM0_ACPI_DEBUG);
    expect((await cli('dump', HOST, '--summary')).err).toMatch(/\n\s+at /);
  });

  it('a fault the tool recognises stays exit 2, in words', async () => {
    const r = await cli('build', HOST, '-o', join(tmp('bug-'), 'out'), '--vcpus', '0');
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/internal error/);
  });
});

describe("the file system's errors are the user's; Node's own are ours", () => {
  it('readTables on a path it cannot read throws a PathError (a Refusal) with the system code, in words', () => {
    const missing = join(tmp('nothing-'), 'no-such.txt');
    let thrown: unknown;
    try {
      readTables(missing);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PathError);
    expect(thrown).toMatchObject({ code: 'ENOENT', message: `${missing}: no such file or folder` });
  });

  it('an errno code is the operating system’s; an ERR_ code (a Buffer read past its end) is not', () => {
    expect(isFsError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(true);
    let nodes: unknown;
    try {
      Buffer.alloc(4).readUInt32LE(8);
    } catch (e) {
      nodes = e;
    }
    expect((nodes as NodeJS.ErrnoException).code).toBe('ERR_OUT_OF_RANGE');
    expect(isFsError(nodes)).toBe(false);
  });
});
