import { parseDocument as parseYamlDocument } from "yaml";
import { MAX_DEPTH } from "../json.ts";

/** One document of a multi-document file, as written: untouched documents are given back byte for byte. */
export interface RawDocument {
  /** 1-based position among the file's documents, as messages name it. */
  index: number;
  /** 1-based line where the document's text starts. */
  line: number;
  text: string;
}

// A document marker line; whatever follows `---` on it (a comment, usually) goes with the marker.
const MARKER = /^---(?:[ \t].*)?$/;

/**
 * The documents of a YAML stream, split on `---` lines in one pass, so a file of thousands of
 * documents costs what its documents cost. Documents that hold nothing (blank lines only) are left out.
 * A `---` line inside a block scalar would have to be indented, so a marker at column 0 always
 * separates documents.
 */
export function splitDocuments(text: string): RawDocument[] {
  const docs: RawDocument[] = [];
  const lines = text.split("\n");
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end).join("\n");
    if (body.trim() !== "") docs.push({ index: docs.length + 1, line: start + 1, text: body });
  };
  for (const [i, line] of lines.entries()) {
    if (MARKER.test(line.replace(/\r$/, ""))) {
      flush(i);
      start = i + 1;
    }
  }
  flush(lines.length);
  return docs;
}

/** A parse error of one document, said so that a user can act on it. */
export interface ParseProblem {
  /** 1-based line of the error within the text given, where the parser knows it. */
  line?: number;
  message: string;
}

/**
 * The YAML parser's error for `text` (which failed to parse with `error`), placed on its own line and
 * reworded where the parser speaks of itself: a stack overflow is the depth limit, and "please use
 * YAML.parseAllDocuments()" means the file holds several documents. Only called once parsing has
 * failed, so the second parse costs nothing on good input.
 */
export function parseProblem(text: string, error: string): ParseProblem {
  let line: number | undefined;
  try {
    const first = parseYamlDocument(text, { prettyErrors: false }).errors[0];
    if (first) line = lineAt(text, first.pos[0]);
  } catch {
    // The parser itself gave up (a stack overflow): the error given stands, without a line.
  }
  return { line, message: reworded(error) };
}

export function reworded(error: string): string {
  if (/Maximum call stack size exceeded|nested too deeply/.test(error))
    return `document is nested deeper than ${MAX_DEPTH} levels`;
  if (error.includes("Source contains multiple documents"))
    return "holds more than one YAML document (a --- line); give one document";
  return error;
}

/** The 1-based line of an offset; an error at the end of the text is on its last line that holds anything. */
function lineAt(text: string, offset: number): number {
  const end = Math.min(offset, text.trimEnd().length);
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
