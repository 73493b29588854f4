import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { loadEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { applyResponse, reviewFor } from "../helpers/fixtures.ts";

// The one-value rule for Go templates (core/render/structure.ts): Go pastes text, so a pod value that
// would end the YAML scalar it is printed into gets the pod denied; a value that stays one scalar, and
// structure a serializer builds from pod data, pass.

function engineWith(template: string) {
  const e = loadEngine(JSON.stringify({ templates: { t: template }, defaultTemplates: ["t"] }));
  if (!e.ok) throw new Error(e.error);
  return e.value;
}

function pod(annotations: Record<string, string>): JsonObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "shop", annotations },
    spec: { containers: [{ name: "app", image: "app:1" }] },
  };
}

function run(template: string, annotations: Record<string, string>) {
  const p = pod(annotations);
  const res = admit(reviewFor(p, { namespace: "shop" }), engineWith(template)).review.response;
  return { res, out: res.allowed && res.patch ? applyResponse(p, { response: res } as never) : undefined };
}

const PLAIN = 'metadata:\n  labels:\n    x: {{ index .ObjectMeta.Annotations "a" }}\n';
const QUOTED = 'metadata:\n  labels:\n    x: "{{ index .ObjectMeta.Annotations "a" }}"\n';

describe("a pod value printed by a Go template stays inside its scalar", () => {
  it("passes a value that reads back as the same single scalar", () => {
    const { res, out } = run(PLAIN, { a: "misc:error" });
    expect(res.allowed).toBe(true);
    expect(((out as JsonObject).metadata as JsonObject).labels).toMatchObject({ x: "misc:error" });
  });

  it("denies a plain-scalar value whose line break adds a key", () => {
    const { res } = run(PLAIN, { a: "v\n    injected: yes" });
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toMatch(/would change the structure of the rendered YAML/);
  });

  it("denies a quoted-scalar value that closes the quote", () => {
    const { res } = run(QUOTED, { a: 'v"\n    injected: "1' });
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toMatch(/template "t": the pod's value/);
  });

  it("denies a value that would add a container through a flow collection", () => {
    const t = 'spec:\n  containers:\n  - name: side\n    args: [{{ index .ObjectMeta.Annotations "a" }}]\n';
    expect(run(t, { a: "x] \n  - {name: evil, image: evil" }).res.allowed).toBe(false);
    expect(run(t, { a: "--flag=1" }).res.allowed).toBe(true);
  });

  it("passes structure that a serializer builds from pod data (fromJSON | toYaml)", () => {
    const t =
      'spec:\n  volumes:\n  {{- if isset .ObjectMeta.Annotations "vols" }}\n  {{- range $v := fromJSON (index .ObjectMeta.Annotations "vols") }}\n  - {{ toYaml $v | indent 4 }}\n  {{- end }}\n  {{- end }}\n';
    const vols = JSON.stringify([{ name: 'we"ird: {x}', emptyDir: {} }]);
    const { res, out } = run(t, { vols });
    expect(res.allowed, res.status?.message).toBe(true);
    expect(((out as JsonObject).spec as JsonObject).volumes).toEqual([{ name: 'we"ird: {x}', emptyDir: {} }]);
  });
});
