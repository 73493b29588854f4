import { isScalar, parseDocument, visit } from "yaml";
import { err, isObject, ok, type Result } from "../json.ts";
import type { TemplateData } from "./data.ts";

/**
 * The one-value rule for Go templates. Go pastes text, and pod annotations and labels reach Istio's
 * templates, so a value with a quote or a line break could close the scalar it was printed into and
 * add structure (a container, a volume) to the sidecar. Handlebars templates are safe by construction
 * (compile.ts writes every value as one scalar); a Go template keeps Go's exact output, and the
 * rendered text is checked instead: every place a pod-controlled string that could change YAML
 * structure appears in the output must lie inside one scalar. A value that reads back as a single
 * scalar (`misc:error` in a plain scalar) passes; structure built by a serializer from pod data (the
 * userVolume annotation through `fromJSON | toYaml`) is not the pasted string and passes too.
 */

/** Characters (or positions) that can end a YAML scalar or start structure. */
const STRUCTURAL = /[\n\r"'\\#{}[\],&*!|>%@`]|: |:$|^[-?:\s]|\s$/;

/** The strings of a pod that its author controls and that could change YAML structure if pasted. */
export function riskyPodStrings(data: TemplateData): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === "string" && v !== "" && STRUCTURAL.test(v)) out.add(v);
  };
  for (const map of [data.ObjectMeta.annotations, data.ObjectMeta.labels]) {
    for (const [k, v] of Object.entries(map)) {
      add(k);
      add(v);
    }
  }
  add(data.ObjectMeta.name);
  add(data.Spec.serviceAccountName);
  const containers = Array.isArray(data.Spec.containers) ? data.Spec.containers : [];
  for (const c of containers) if (isObject(c)) add(c.name);
  return [...out];
}

/** Whether every occurrence of each risky string in `text` lies inside a single YAML scalar. */
export function checkContained(template: string, text: string, risky: readonly string[]): Result<void> {
  const found = risky.filter((s) => text.includes(s));
  if (found.length === 0) return ok(undefined);
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: false, logLevel: "silent", uniqueKeys: false });
  } catch {
    return err(refusal(template, found[0] as string));
  }
  const scalars: [number, number][] = [];
  visit(doc, {
    Scalar(_, node) {
      if (isScalar(node) && node.range) scalars.push([node.range[0], node.range[1]]);
    },
  });
  for (const s of found) {
    for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
      const end = at + s.length;
      if (!scalars.some(([a, b]) => a <= at && end <= b)) return err(refusal(template, s));
    }
  }
  return ok(undefined);
}

function refusal(template: string, value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return `template "${template}": the pod's value ${JSON.stringify(shown)} would change the structure of the rendered YAML (it is printed where it is not a single scalar); refused`;
}
