// Where an output may go, and what the file system said when it could not: an output kept apart
// from the inputs (by real spelling, and by device and inode), and every refusal in one line naming
// the path as the user gave it (README "Nothing is lost").
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Refusal } from '../layout/diagnostics.js';
import { fsWords, isFsError } from './fs-words.js';

/** An output that cannot or may not be written; the message names the path as the user gave it. */
export class OutputError extends Refusal {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(why);
    this.name = 'OutputError';
  }
}

// ---------------------------------------------------------------- failures in words

/** Why a path cannot be written, looked for along it: the first part that is missing, a link to
 * nothing, or not a folder (`shown` is how the user spelled `abs`). */
function pathProblem(shown: string, abs: string): string | undefined {
  // each folder on the way, with the user's spelling of it while there is one
  const chain: [string, string][] = [];
  for (let p = dirname(abs), s: string | undefined = dirname(shown); ; p = dirname(p)) {
    chain.unshift([p, s ?? p]);
    if (dirname(p) === p) break;
    s = s === undefined || s === '.' || dirname(s) === s ? undefined : dirname(s);
  }
  for (const [p, s] of chain) {
    const l = lstatSync(p, { throwIfNoEntry: false });
    if (!l) return undefined; // missing: mkdir -p makes it
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return `${s} is a symbolic link to nothing`;
    if (!st.isDirectory()) return `${s} is not a folder`;
  }
  return undefined;
}

/** A file-system failure while writing `shown` (the path as the user gave it), as one line naming it
 * (never an internal temporary name), or the error itself when it is not the file system's. */
export function failed(shown: string, abs: string, e: unknown): Error {
  if (e instanceof Refusal) return e;
  if (!isFsError(e)) return e as Error; // not the file system's: a bug
  const where = pathProblem(shown, abs);
  if (where) return new OutputError(shown, `${shown}: cannot write: ${where}`);
  return new OutputError(shown, `${shown}: cannot write: ${fsWords(e)}`);
}

/** Runs a step that makes something in the folder holding the output: a refusal there names that
 * folder (the output is made beside its old self and renamed into place). */
export function inParent<T>(shown: string, parentShown: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new OutputError(
        shown,
        `${shown}: cannot write: ${fsWords(e as NodeJS.ErrnoException)} in ${parentShown}, the folder that holds it (the new output is made ` +
          `there and renamed into place)`,
      );
    // a folder that is there but makes no new entries (/proc, /sys)
    if (code === 'ENOENT' && statSync(parentShown, { throwIfNoEntry: false })?.isDirectory())
      throw new OutputError(shown, `${shown}: cannot write: ${parentShown} does not take new files`);
    throw e;
  }
}

/** The folder holding `shown`, spelled as the user would: "." for a bare name. */
export const parentOf = (shown: string) => dirname(shown.replace(/[/\\]+$/, '') || '.');

// ---------------------------------------------------------------- paths

/** The real path of p, for the part of it that exists (symbolic links resolved), with the rest appended. */
export function realish(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(head), ...rest);
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      rest.unshift(basename(head));
      head = up;
    }
  }
}

export const within = (inner: string, outer: string) => inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);

type Identity = { dev: number; ino: number };
const identity = (p: string): Identity | undefined => {
  const st = statSync(p, { throwIfNoEntry: false });
  return st && { dev: st.dev, ino: st.ino };
};
const same = (a: Identity | undefined, b: Identity | undefined) => a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/** The identities of a path's folders, from its nearest existing one up to the root. */
function ancestors(real: string): Identity[] {
  const out: Identity[] = [];
  for (let p = real; ; p = dirname(p)) {
    const id = identity(p);
    if (id) out.push(id);
    if (dirname(p) === p) return out;
  }
}

/** Refuses an output that is an input, holds one, or lies inside an input folder (and, for a folder
 * output, one that is or holds the current folder: a shell would be left in a removed folder). Paths
 * are compared by device and inode as well as by their real spelling: a hard link to an input, or an
 * input folder reached through a bind mount, is still that input. */
export function keepApart(shown: string, real: string, inputs: readonly string[], folder: boolean): void {
  const out = identity(real);
  const outUp = ancestors(dirname(real));
  const refuse = (why: string) => {
    throw new OutputError(shown, `${shown}: ${why}: give an output apart from the inputs`);
  };
  for (const input of inputs) {
    if (input === '-') continue; // standard input (a buffer's name, <stdin>, names no file and is passed over below)
    let inReal: string;
    let st: Stats;
    try {
      inReal = realpathSync.native(input);
      st = statSync(inReal);
    } catch {
      continue; // an input that does not exist was not read
    }
    if (!st.isFile() && !st.isDirectory()) continue; // a pipe or a device: read once, nothing to overwrite
    const what = st.isDirectory() ? 'input folder' : 'input';
    const inId = { dev: st.dev, ino: st.ino };
    if (real === inReal || same(out, inId)) refuse(`the output is the ${what} ${input}`);
    if (within(inReal, real) || (out && ancestors(dirname(inReal)).some((a) => same(a, out)))) refuse(`the output folder holds the ${what} ${input}`);
    if (st.isDirectory() && (within(real, inReal) || outUp.some((a) => same(a, inId)))) refuse(`the output lies inside the input folder ${input}`);
  }
  if (folder) {
    const cwd = realish(process.cwd());
    const cwdId = identity(cwd);
    const is = real === cwd || same(out, cwdId);
    if (is || within(cwd, real) || (out && ancestors(dirname(cwd)).some((a) => same(a, out))))
      throw new OutputError(
        shown,
        `${shown}: the output folder ${is ? 'is' : 'holds'} the current folder: give a folder of its own (it is replaced as a whole)`,
      );
  }
}
