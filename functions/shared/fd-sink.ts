import { writeSync } from "node:fs";

/**
 * A log sink that writes lines to stdout (fd 1) or stderr (fd 2) with write(2) directly, not
 * through process.stdout / process.stderr: those streams are created on first use, and creating
 * one (a net.Socket for a pipe, with the modules it loads) was about 2-3 ms of a cold start. The
 * bytes are the same, and the write is synchronous, as the streams' writes to a file or a pipe on
 * Linux are.
 *
 * Should write(2) not take a line whole (a non-blocking pipe that is full: EAGAIN, or any other
 * error), the rest of it, and every line after it, goes through the stream as before, so lines
 * keep their order and an error surfaces the way the stream reports it.
 */
export function fdSink(
  fd: 1 | 2,
  write: (bytes: Buffer, offset: number) => number = (bytes, offset) => writeSync(fd, bytes, offset),
  stream: () => NodeJS.WritableStream = () => (fd === 1 ? process.stdout : process.stderr),
): (line: string) => void {
  let fallback: NodeJS.WritableStream | undefined;
  return (line) => {
    if (fallback !== undefined) {
      fallback.write(`${line}\n`);
      return;
    }
    const bytes = Buffer.from(`${line}\n`);
    let written = 0;
    try {
      while (written < bytes.length) written += write(bytes, written);
    } catch {
      fallback = stream();
      fallback.write(bytes.subarray(written));
    }
  };
}
