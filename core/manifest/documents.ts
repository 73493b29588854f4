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
