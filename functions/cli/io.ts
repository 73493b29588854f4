import { closeSync, openSync, readSync } from "node:fs";
import { InputError } from "./usage.ts";

/**
 * The most the CLI reads from one file. Far above any manifest, and below what a JavaScript string can
 * hold, so an endless source (`-f /dev/zero`, `yes |`) ends with a message instead of a crash.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const CHUNK = 1024 * 1024;

/** What an errno means to the person who typed the path. */
export function fileProblem(code: string | undefined, fallback: string): string {
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EISDIR":
      return "is a directory, not a file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "ELOOP":
      return "too many symbolic links";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    default:
      return code ?? fallback;
  }
}

/**
 * Reads a text file, or standard input for "-", in chunks: binary data (a NUL byte) and sources
 * longer than MAX_INPUT_BYTES are refused as soon as they are seen.
 */
export function readInput(file: string): string {
  const name = file === "-" ? "standard input" : file;
  const chunks: Buffer[] = [];
  let total = 0;
  let fd: number | undefined;
  try {
    fd = file === "-" ? 0 : openSync(file, "r");
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK, null);
      } catch (e) {
        // A non-blocking standard input (a terminal or some pipes) has nothing yet: wait a little.
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        throw e;
      }
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      if (chunk.includes(0)) throw new InputError(`${name}: binary data, not a YAML or JSON text`);
      total += n;
      if (total > MAX_INPUT_BYTES)
        throw new InputError(
          `${name}: larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, the most the CLI reads`,
        );
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${name}: ${fileProblem(code, (e as Error).message)}`);
  } finally {
    if (fd !== undefined && fd !== 0) closeSync(fd);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

/**
 * The config's load warnings (an unknown mesh field, the built-in config used unasked, ...), one line
 * each on standard error, where they do not mix with the output.
 */
export function printWarnings(verb: string, warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`outrigger ${verb}: warning: ${w}\n`);
}
