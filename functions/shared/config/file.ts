// fs.promises, not node:fs/promises: read on first use, so a cold start that serves another source
// does not load the module (about 1.5 ms).
import { promises as fs } from "node:fs";
import { fileURLToPath } from "node:url";
import { MAX_CONFIG_BYTES } from "../../../core/config/load.ts";
import { err, ok, type Result } from "../../../core/json.ts";
import type { ConfigSource, Fetched } from "./source.ts";

/**
 * `file:///path/to/config.yaml`: a file on the instance (baked into the bundle, or a mounted
 * secret on Cloud Run). Revalidation is a stat: modification time, size and inode, so an atomic
 * replace (a new inode with the same mtime) counts as a change too.
 */
export function fileSource(url: string): Result<ConfigSource> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return err("OUTRIGGER_CONFIG_URL: not a valid file:// URL (use file:///absolute/path)");
  }
  const description = `file://${path}`;
  return ok({
    description,
    async load(previous): Promise<Fetched> {
      try {
        const before = await fs.stat(path);
        const validator = { kind: "mtime", value: `${before.mtimeMs}:${before.size}:${before.ino}` } as const;
        if (previous?.kind === "mtime" && previous.value === validator.value) return { kind: "unchanged" };
        if (before.size > MAX_CONFIG_BYTES)
          return {
            kind: "error",
            reason: `${description}: the file is ${before.size} bytes; the limit is ${MAX_CONFIG_BYTES}`,
          };
        const text = await fs.readFile(path, "utf8");
        return { kind: "changed", text, validator };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { kind: "error", reason: `${description}: cannot read (${code ?? "error"})` };
      }
    },
  });
}
