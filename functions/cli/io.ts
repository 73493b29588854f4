import { readFileSync } from "node:fs";
import { InputError } from "./usage.ts";

/** Reads a file, or standard input for "-". */
export function readInput(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot read ${file === "-" ? "standard input" : file}: ${code ?? (e as Error).message}`,
    );
  }
}
