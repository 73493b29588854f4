import { err, ok, type Result } from "../json.ts";

/**
 * Istio custom injection templates are Go text/template; Outrigger's are Handlebars. This translates
 * the Go-template subset Istio users write into Handlebars, so an exported Istio template works as it
 * is: actions `{{ pipeline }}`, `{{- ` / ` -}}` trimming, comments, `if` / `else if` / `else`,
 * `range` (lists, maps in key order, integers; `$i, $v :=`), `with`, variables (`$x := …`, `$x = …`,
 * `$`), fields and map keys (`.Spec.Containers`, `$c.Name`, `.Values.global.hub`,
 * `(.Values.pilot.env).X`), proto getters (`.GetTracing`, `.GetValue`, `.String`), literals, and
 * pipelines into the helpers (`x | default "a" | quote`). `define`, `template` and `block` are
 * refused with a message.
 *
 * Safety (the one-value rule, for Go syntax): Go pastes text, and pod annotations reach templates, so
 * where each action's output lands decides how it is written. The YAML context of every action is
 * read from the template text around it:
 *   - a whole plain scalar (`name: {{ .X }}`): the value is written plain when YAML would read it
 *     back as one scalar, otherwise as a quoted string;
 *   - inside a double-quoted or single-quoted scalar: escaped for that quoting, so it cannot close it;
 *   - part of a plain scalar (`a-{{ .X }}`): only characters that cannot end or restructure the
 *     scalar, else rendering fails;
 *   - a line of a block scalar (`value: |`): continuation lines must stay inside the block, else
 *     rendering fails;
 *   - a comment: line breaks become spaces.
 * The output of `toYaml`, `indent`/`nindent` over it, and `quote`/`squote` is structure built by a
 * serializer or quoting and is inserted as it is. Quotes and block headers must be written in the
 * template text, not produced by actions or conditionals: the context is read from the text.
 */

// ---------------------------------------------------------------------------------------------------
// Detection

const ACTION = /\{\{(\{?)([\s\S]*?)\}\}/g;

/**
 * Whether a template is Go text/template syntax (Istio's) rather than Handlebars: some action uses
 * Go-only syntax (`.Field` or `$var` operands, `{{- ` / ` -}}` trimming, Go comments, `end`) and
 * none uses Handlebars-only syntax (`{{#…}}`, `{{/…}}`, `{{^…}}`, `{{>…}}`, `{{!…}}`, `{{~…}}`,
 * `{{{…}}}`, `@data`). A template with neither, such as plain YAML, is the same in both.
 */
export function isGoTemplate(text: string): boolean {
  let go = false;
  for (const m of text.matchAll(ACTION)) {
    if (m[1] === "{") return false;
    const body = m[2] as string;
    if (/^[#^>!~&]|^\/(?!\*)|[\s(]@[A-Za-z]|^@/.test(body)) return false;
    if (
      /^-\s|\s-$|^\/\*|^\s*end\s*$|(?:^|[\s(|,])[.$][A-Za-z_]|(?:^|[\s(|,])\$(?:[\s.)|]|$)|(?:^|\s)\.(?:\s|$)/.test(
        body,
      )
    )
      go = true;
  }
  return go;
}

// ---------------------------------------------------------------------------------------------------
// Lexing the template into text and actions, with Go's trim markers applied.

interface RawAction {
  body: string;
  line: number;
}

type Piece = { text: string } | { action: RawAction };

function split(text: string): Result<Piece[]> {
  const pieces: Piece[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= text.length) {
    const open = text.indexOf("{{", pos);
    let chunk = open < 0 ? text.slice(pos) : text.slice(pos, open);
    if (trimNext) chunk = chunk.replace(/^[ \t\r\n]+/, "");
    trimNext = false;
    if (open < 0) {
      pieces.push({ text: chunk });
      break;
    }
    let start = open + 2;
    if (/^-[ \t\r\n]/.test(text.slice(start, start + 2))) {
      chunk = chunk.replace(/[ \t\r\n]+$/, "");
      start += 1;
    }
    pieces.push({ text: chunk });
    const line = text.slice(0, open).split("\n").length;
    // Find the closing braces outside string literals and comments.
    let i = start;
    let close = -1;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
        i++;
      } else if (c === "`") {
        const end = text.indexOf("`", i + 1);
        if (end < 0) return err(`line ${line}: unterminated raw string`);
        i = end + 1;
      } else if (text.startsWith("/*", i)) {
        const end = text.indexOf("*/", i + 2);
        if (end < 0) return err(`line ${line}: unclosed comment`);
        i = end + 2;
      } else if (text.startsWith("}}", i)) {
        close = i;
        break;
      } else i++;
    }
    if (close < 0) return err(`line ${line}: unclosed action`);
    let body = text.slice(start, close);
    if (/[ \t\r\n]-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    pieces.push({ action: { body: body.trim(), line } });
    pos = close + 2;
  }
  return ok(pieces);
}

// ---------------------------------------------------------------------------------------------------
// Pipelines → Handlebars expressions.

type Token =
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "word"; v: string }
  | { t: "field"; v: string[] }
  | { t: "var"; v: string; path: string[] }
  | { t: "("; path?: never }
  | { t: ")"; path: string[] }
  | { t: "|" }
  | { t: ":=" }
  | { t: "=" }
  | { t: "," };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

function unquoteGo(lit: string): string {
  return lit
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
      switch (e[0]) {
        case "n":
          return "\n";
        case "t":
          return "\t";
        case "r":
          return "\r";
        case "a":
          return "\u0007";
        case "b":
          return "\b";
        case "f":
          return "\f";
        case "v":
          return "\v";
        case "x":
        case "u":
        case "U":
          return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
        default:
          return /^[0-7]{3}$/.test(e) ? String.fromCharCode(Number.parseInt(e, 8)) : e;
      }
    });
}

function fieldChain(s: string, at: number): { path: string[]; end: number } {
  const path: string[] = [];
  let i = at;
  while (s[i] === ".") {
    const m = IDENT.exec(s.slice(i + 1));
    if (!m) break;
    path.push(m[0]);
    i += 1 + m[0].length;
  }
  return { path, end: i };
}

function tokenize(s: string): Result<Token[]> {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(") {
      out.push({ t: "(" });
      i++;
    } else if (c === ")") {
      const { path, end } = fieldChain(s, i + 1);
      out.push({ t: ")", path });
      i = end;
    } else if (c === "|") {
      out.push({ t: "|" });
      i++;
    } else if (c === ",") {
      out.push({ t: "," });
      i++;
    } else if (s.startsWith(":=", i)) {
      out.push({ t: ":=" });
      i += 2;
    } else if (c === "=") {
      out.push({ t: "=" });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
      out.push({ t: "str", v: unquoteGo(s.slice(i, j + 1)) });
      i = j + 1;
    } else if (c === "`") {
      const j = s.indexOf("`", i + 1);
      out.push({ t: "str", v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      const m = /^'(\\.|[^'])'/.exec(s.slice(i));
      if (!m) return err(`bad character constant at ${JSON.stringify(s.slice(i, i + 10))}`);
      out.push({ t: "num", v: unquoteGo(`"${m[1]}"`).codePointAt(0) ?? 0 });
      i += m[0].length;
    } else if (c === "$") {
      const m = IDENT.exec(s.slice(i + 1));
      const name = m ? m[0] : "";
      const { path, end } = fieldChain(s, i + 1 + name.length);
      out.push({ t: "var", v: name, path });
      i = end;
    } else if (c === ".") {
      const { path, end } = fieldChain(s, i);
      out.push({ t: "field", v: path });
      i = path.length === 0 ? i + 1 : end;
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?(0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+([eE][-+]?[0-9]+)?)/.exec(s.slice(i));
      if (!m || m[0] === "" || m[0] === "-" || m[0] === "+")
        return err(`bad number at ${JSON.stringify(s.slice(i, i + 10))}`);
      out.push({ t: "num", v: Number(m[0].replace(/_/g, "")) });
      i += m[0].length;
    } else {
      const m = IDENT.exec(s.slice(i));
      if (!m) return err(`unexpected ${JSON.stringify(c)}`);
      out.push({ t: "word", v: m[0] });
      i += m[0].length;
    }
  }
  return ok(out);
}

/** A Handlebars string literal for any text: hex-encoded, decoded by the __s helper. */
function stringLiteral(v: string): string {
  return `(__s "${Buffer.from(v, "utf8").toString("hex")}")`;
}

function pathArgs(path: string[]): string {
  return path.map((p) => ` "${p}"`).join("");
}

/** Go function names that Outrigger maps to a Go-mode helper. */
const GO_FUNCTIONS: Record<string, string> = {
  quote: "__go_quote",
  squote: "__go_squote",
  println: "__go_println",
};

class Translator {
  constructor(private readonly known: ReadonlySet<string>) {}

  private pos = 0;
  private toks: Token[] = [];

  pipeline(tokens: Token[]): Result<string> {
    this.toks = tokens;
    this.pos = 0;
    try {
      const expr = this.parsePipeline();
      if (this.pos < this.toks.length)
        throw new Error(`unexpected ${describeToken(this.toks[this.pos] as Token)}`);
      return ok(expr);
    } catch (e) {
      return err((e as Error).message);
    }
  }

  private peek(): Token | undefined {
    return this.toks[this.pos];
  }

  private parsePipeline(): string {
    let value = this.parseCommand(undefined);
    while (this.peek()?.t === "|") {
      this.pos++;
      value = this.parseCommand(value);
    }
    return value;
  }

  private parseCommand(piped: string | undefined): string {
    const first = this.peek();
    if (!first) throw new Error("missing value for command");
    if (first.t === "word" && !["true", "false", "nil"].includes(first.v)) {
      this.pos++;
      const fn = GO_FUNCTIONS[first.v] ?? first.v;
      if (!this.known.has(fn)) throw new Error(`function "${first.v}" not defined`);
      const args: string[] = [];
      while (this.peek() && !["|", ")"].includes((this.peek() as Token).t)) args.push(this.parseOperand());
      if (piped !== undefined) args.push(piped);
      return `(${fn}${args.map((a) => ` ${a}`).join("")})`;
    }
    const operand = this.parseOperand();
    if (this.peek() && !["|", ")"].includes((this.peek() as Token).t))
      throw new Error(`can't give argument to non-function ${describeToken(first)}`);
    if (piped !== undefined) throw new Error(`can't give argument to non-function ${describeToken(first)}`);
    return operand;
  }

  private parseOperand(): string {
    const tok = this.toks[this.pos++];
    if (!tok) throw new Error("missing operand");
    switch (tok.t) {
      case "str":
        return stringLiteral(tok.v);
      case "num":
        return Number.isFinite(tok.v) ? String(tok.v) : "0";
      case "word":
        if (tok.v === "true" || tok.v === "false") return tok.v;
        if (tok.v === "nil") return "null";
        // A function used as an argument without parentheses: a call with no arguments, as Go.
        if (this.known.has(GO_FUNCTIONS[tok.v] ?? tok.v)) return `(${GO_FUNCTIONS[tok.v] ?? tok.v})`;
        throw new Error(`function "${tok.v}" not defined`);
      case "field":
        return tok.v.length === 0 ? "this" : `(__field this${pathArgs(tok.v)})`;
      case "var": {
        const base = tok.v === "" ? "@root" : `(__var v_${tok.v})`;
        return tok.path.length === 0 ? base : `(__field ${base}${pathArgs(tok.path)})`;
      }
      case "(": {
        const inner = this.parsePipeline();
        const close = this.toks[this.pos++];
        if (close?.t !== ")") throw new Error("unclosed left paren");
        return close.path.length === 0 ? inner : `(__field ${inner}${pathArgs(close.path)})`;
      }
      default:
        throw new Error(`unexpected ${describeToken(tok)} in operand`);
    }
  }
}

function describeToken(t: Token): string {
  switch (t.t) {
    case "str":
      return JSON.stringify(t.v);
    case "num":
      return String(t.v);
    case "word":
      return t.v;
    case "field":
      return `.${t.v.join(".")}`;
    case "var":
      return `$${t.v}${t.path.map((p) => `.${p}`).join("")}`;
    default:
      return `"${t.t}"`;
  }
}

// ---------------------------------------------------------------------------------------------------
// Statements → Handlebars, with the YAML context of every output action.

type Node =
  | { k: "text"; text: string }
  | { k: "out"; expr: string; quoted: boolean; id: number }
  | { k: "raw"; hbs: string };

/** Private-use characters stand for output actions while the YAML context is read. */
const MARK = 0xe000;

export function translateGoTemplate(text: string, knownHelpers: ReadonlySet<string>): Result<string> {
  const pieces = split(text);
  if (!pieces.ok) return pieces;
  const tr = new Translator(knownHelpers);
  const nodes: Node[] = [];
  // Open blocks; each counts the variable scopes (__bind) opened directly inside it.
  const blocks: { kind: string; binds: number; line: number }[] = [{ kind: "root", binds: 0, line: 0 }];
  let outputs = 0;
  const closeBinds = () => {
    const top = blocks[blocks.length - 1] as { binds: number };
    for (; top.binds > 0; top.binds--) nodes.push({ k: "raw", hbs: "{{/__bind}}" });
  };
  const vars = (tokens: Token[]): { names: string[]; rest: Token[] } | undefined => {
    // `$a := `, `$a, $b := `
    const names: string[] = [];
    let i = 0;
    while (tokens[i]?.t === "var" && (tokens[i] as { path: string[] }).path.length === 0) {
      names.push((tokens[i] as { v: string }).v);
      i++;
      if (tokens[i]?.t === ",") i++;
      else break;
    }
    if (names.length > 0 && tokens[i]?.t === ":=") return { names, rest: tokens.slice(i + 1) };
    return undefined;
  };

  for (const piece of pieces.value) {
    if ("text" in piece) {
      if (piece.text !== "") nodes.push({ k: "text", text: piece.text });
      continue;
    }
    const { body, line } = piece.action;
    const fail = (msg: string) => err<string>(`line ${line}: ${msg}`);
    if (body.startsWith("/*")) {
      if (!body.endsWith("*/")) return fail("comment ends before closing delimiter");
      continue;
    }
    const kw = /^(if|else|end|range|with|define|template|block|break|continue)\b\s*/.exec(body);
    const keyword = kw?.[1];
    const rest = kw ? body.slice(kw[0].length) : body;
    const tokens = tokenize(rest);
    if (!tokens.ok) return fail(tokens.error);
    const expr = (toks: Token[]) => tr.pipeline(toks);

    switch (keyword) {
      case "define":
      case "template":
      case "block":
        return fail(
          `{{${keyword}}} is not supported in Go-syntax templates; write the text out where it is used`,
        );
      case "break":
      case "continue":
        return fail(`{{${keyword}}} is not supported`);
      case "if": {
        const e = expr(tokens.value);
        if (!e.ok) return fail(e.error);
        nodes.push({ k: "raw", hbs: `{{#if ${e.value}}}` });
        blocks.push({ kind: "if", binds: 0, line });
        break;
      }
      case "with": {
        const decl = vars(tokens.value);
        const e = expr(decl ? decl.rest : tokens.value);
        if (!e.ok) return fail(e.error);
        const params = decl ? ` as |v_${decl.names[0]}|` : "";
        nodes.push({ k: "raw", hbs: `{{#__with ${e.value}${params}}}` });
        blocks.push({ kind: "with", binds: 0, line });
        break;
      }
      case "range": {
        const decl = vars(tokens.value);
        const e = expr(decl ? decl.rest : tokens.value);
        if (!e.ok) return fail(e.error);
        let params = "";
        if (decl?.names.length === 1) params = ` as |v_${decl.names[0]}|`;
        else if (decl && decl.names.length >= 2) params = ` as |v_${decl.names[1]} v_${decl.names[0]}|`;
        nodes.push({ k: "raw", hbs: `{{#__range ${e.value}${params}}}` });
        blocks.push({ kind: "range", binds: 0, line });
        break;
      }
      case "else": {
        const top = blocks[blocks.length - 1] as { kind: string };
        if (top.kind === "root") return fail("unexpected {{else}}");
        closeBinds();
        const t = tokens.value;
        if (t[0]?.t === "word" && t[0].v === "if") {
          if (top.kind !== "if") return fail("{{else if}} outside {{if}}");
          const e = expr(t.slice(1));
          if (!e.ok) return fail(e.error);
          nodes.push({ k: "raw", hbs: `{{else if ${e.value}}}` });
        } else if (rest.trim() !== "") {
          return fail(`{{else ${rest.trim()}}} is not supported`);
        } else nodes.push({ k: "raw", hbs: "{{else}}" });
        break;
      }
      case "end": {
        const top = blocks.pop();
        if (!top || top.kind === "root") return fail("unexpected {{end}}");
        blocks.push(top);
        closeBinds();
        blocks.pop();
        nodes.push({
          k: "raw",
          hbs: top.kind === "if" ? "{{/if}}" : top.kind === "with" ? "{{/__with}}" : "{{/__range}}",
        });
        break;
      }
      default: {
        const decl = vars(tokens.value);
        if (decl) {
          if (decl.names.length !== 1) return fail("too many declarations");
          const e = expr(decl.rest);
          if (!e.ok) return fail(e.error);
          nodes.push({ k: "raw", hbs: `{{#__bind ${e.value} as |v_${decl.names[0]}|}}` });
          (blocks[blocks.length - 1] as { binds: number }).binds++;
          break;
        }
        const t = tokens.value;
        if (t[0]?.t === "var" && t[1]?.t === "=") {
          const e = expr(t.slice(2));
          if (!e.ok) return fail(e.error);
          nodes.push({ k: "raw", hbs: `{{{__set v_${(t[0] as { v: string }).v} ${e.value}}}}` });
          break;
        }
        const e = expr(t);
        if (!e.ok) return fail(e.error);
        // The last command of the pipeline decides whether the output is already a quoted scalar.
        const quoted = /^\(__go_s?quote[ )]/.test(e.value);
        nodes.push({ k: "out", expr: e.value, quoted, id: outputs++ });
      }
    }
  }
  if (blocks.length > 1)
    return err(
      `line ${(blocks[blocks.length - 1] as { line: number }).line}: unexpected EOF (missing {{end}})`,
    );
  closeBinds();

  const contexts = yamlContexts(nodes);
  let out = "";
  for (const n of nodes) {
    if (n.k === "text") out += escapeText(n.text);
    else if (n.k === "raw") out += n.hbs;
    else {
      const ctx = contexts[n.id] as Ctx;
      const helper = n.quoted && ctx.kind === "full" ? "__go_raw" : `__go_${ctx.kind}`;
      const extra = ctx.kind === "block" ? ` ${ctx.indent}` : "";
      out += `{{{${helper} ${n.expr}${extra}}}}`;
    }
  }
  return ok(out);
}

/** Template text is literal in Go; in Handlebars a backslash before `{{` would escape it. */
function escapeText(text: string): string {
  return text.endsWith("\\") ? `${text.slice(0, -1)}{{{__s "5c"}}}` : text;
}

// ---------------------------------------------------------------------------------------------------
// YAML context of each output action, read from the template text around it.

export type Ctx = { kind: "full" | "part" | "dq" | "sq" | "comment" } | { kind: "block"; indent: number };

function yamlContexts(nodes: Node[]): Ctx[] {
  let flat = "";
  for (const n of nodes) {
    if (n.k === "text") flat += n.text;
    else if (n.k === "out") flat += String.fromCharCode(MARK + (n.id % 0x1000));
  }
  const result: Ctx[] = [];
  let id = 0;
  let blockIndent: number | undefined;
  let quote: '"' | "'" | undefined;
  const lines = flat.split("\n");
  for (const line of lines) {
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const blank = line.trim() === "";
    if (blockIndent !== undefined && quote === undefined && !blank && indent <= blockIndent)
      blockIndent = undefined;
    const inBlock = blockIndent !== undefined && quote === undefined;
    let comment = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i] as string;
      const code = c.charCodeAt(0);
      if (code >= MARK && code < MARK + 0x1000) {
        if (inBlock) result[id++] = { kind: "block", indent: blockIndent as number };
        else if (comment) result[id++] = { kind: "comment" };
        else if (quote === '"') result[id++] = { kind: "dq" };
        else if (quote === "'") result[id++] = { kind: "sq" };
        else result[id++] = { kind: wholeScalar(line, i) ? "full" : "part" };
        continue;
      }
      if (inBlock || comment) continue;
      if (quote === '"') {
        if (c === "\\") i++;
        else if (c === '"') quote = undefined;
      } else if (quote === "'") {
        if (c === "'" && line[i + 1] === "'") i++;
        else if (c === "'") quote = undefined;
      } else if ((c === '"' || c === "'") && scalarStart(line, i)) quote = c;
      else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) comment = true;
    }
    if (!inBlock && quote === undefined && /(?:^|[\s:-])[|>][-+1-9]*\s*(?:#.*)?$/.test(stripMarks(line))) {
      const header = stripMarks(line).replace(/\s*(?:#.*)?$/, "");
      if (/(?:^\s*|:\s+|-\s+)[|>][-+1-9]*$/.test(header)) blockIndent = indent;
    }
  }
  return result;
}

function stripMarks(line: string): string {
  return line.replace(/[\ue000-\uefff]/g, "x");
}

/** Whether position i starts a YAML scalar (after `: `, `- `, `? `, `[`, `{`, `,` or indentation). */
function scalarStart(line: string, i: number): boolean {
  const before = line.slice(0, i).replace(/[\ue000-\uefff]/g, "x");
  return /(?:^\s*|[:\-?]\s+|[[{,]\s*)$/.test(before);
}

/** An action that is the whole plain scalar: starts one, and is followed by its end. */
function wholeScalar(line: string, i: number): boolean {
  if (!scalarStart(line, i)) return false;
  const after = line.slice(i + 1);
  return /^(?:$|\s|[,\]}]|:(?:\s|$))/.test(after);
}
