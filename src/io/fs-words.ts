// What the file system said, in words: one table for every reader and writer, so a message names
// the path as the user gave it and says why in words, never Node's "ENOENT: … open '/x'".
import { Refusal } from '../layout/diagnostics.js';

const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder where a file was expected',
  ENAMETOOLONG: 'a name in the path is longer than the file system allows',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'the path is in use (a mount point?)',
  EXDEV: 'the path crosses file systems',
  EIO: 'input/output error',
  EMLINK: 'too many entries in the folder',
  ENOTEMPTY: 'another process wrote that folder meanwhile',
  EPIPE: 'the reader closed the pipe',
  EFBIG: 'the file is larger than the file system allows',
  ENXIO: 'no such device (a FIFO with no writer?)',
};

/** Whether an error is the operating system's (an errno code: ENOENT, EACCES …), not Node's own
 * (ERR_OUT_OF_RANGE, ERR_INVALID_ARG_TYPE: a bug of ours) or a plain exception. */
export const isFsError = (e: unknown): e is NodeJS.ErrnoException =>
  typeof (e as NodeJS.ErrnoException)?.code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);

/** Node's words for an error without its code, call and path ("ENOENT: no such file, open '/x'"). */
const bareMessage = (e: NodeJS.ErrnoException) => /^[A-Z0-9]+: (.*?)(?:, \w+(?: '.*)?)?$/.exec(e.message)?.[1] ?? e.message;

/** An operating-system error in words. */
export const fsWords = (e: NodeJS.ErrnoException): string => WORDS[e.code ?? ''] ?? bareMessage(e);

/** A path a reader could not read at all (missing, unreadable, not what it must be), naming it as
 * given; `code` is the system's (ENOENT lets a reader look for a killed run's output beside it). */
export class PathError extends Refusal {
  constructor(
    readonly path: string,
    readonly code: string,
    why: string,
  ) {
    super(`${path}: ${why}`);
    this.name = 'PathError';
  }
}
