import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import fastJsonPatch from "fast-json-patch";
import { applyPatch } from "rfc6902";
import { describe, expect, it } from "vitest";
import { admit } from "../../core/admission/admit.ts";
import { defaultEngine } from "../../core/engine.ts";
import type { JsonObject } from "../../core/json.ts";
import { createPatch, encodePatch } from "../../core/patch/patch.ts";

// Our diff replaced fast-json-patch's `compare` (which deep-copied every value it emitted). It must
// give the same operations in the same order, and what it gives must apply (checked with rfc6902,
// an implementation independent of both) to turn the original into the mutated document.

/** JSON documents over a small key space, so that two of them share keys, lists and sub-maps. */
function documents(keys: string[]) {
  const key = fc.constantFrom(...keys);
  const { map } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom<unknown>(null, true, false, 0, 1, 2.5, "", "s", "t"),
      tie("list"),
      tie("map"),
    ),
    list: fc.array(tie("value"), { maxLength: 4 }),
    map: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  }));
  // As the webhook receives them: parsed from JSON (plain objects, `__proto__` as a plain key).
  return map.map((m) => JSON.parse(JSON.stringify(m)) as JsonObject);
}

const KEYS = ["a", "b", "c", "d", "x/y", "t~1", "~", "0", "1"];

function apply(doc: JsonObject, ops: unknown[]): JsonObject {
  const out = structuredClone(doc);
  const errors = applyPatch(out, ops as Parameters<typeof applyPatch>[1]).filter((e) => e !== null);
  if (errors.length > 0) throw new Error(`patch does not apply: ${errors.map(String).join("; ")}`);
  return out;
}

describe("createPatch", () => {
  it("gives exactly fast-json-patch's operations, in its order", () => {
    fc.assert(
      fc.property(documents([...KEYS, "__proto__"]), documents([...KEYS, "__proto__"]), (a, b) => {
        const ours = createPatch(a, b);
        expect(JSON.stringify(ours)).toBe(JSON.stringify(fastJsonPatch.compare(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it("turns the original into the mutated document when applied with rfc6902", () => {
    fc.assert(
      fc.property(documents(KEYS), documents(KEYS), (a, b) => {
        const ops = JSON.parse(JSON.stringify(createPatch(a, b))) as unknown[];
        expect(apply(a, ops)).toEqual(b);
      }),
      { numRuns: 3000 },
    );
  });

  it("escapes `~` and `/` in keys (RFC 6901) and walks lists from the end", () => {
    const before = { "a/b": 1, "c~d": [1, 2, 3], keep: { x: 1 } };
    const after = { "a/b": 2, "c~d": [1], keep: { x: 1 }, "e/~": true };
    expect(createPatch(before, after)).toEqual([
      { op: "remove", path: "/c~0d/2" },
      { op: "remove", path: "/c~0d/1" },
      { op: "replace", path: "/a~1b", value: 2 },
      { op: "add", path: "/e~1~0", value: true },
    ]);
  });

  it("does not copy the values it emits, and leaves both documents alone", () => {
    const container = { name: "istio-proxy", args: ["proxy", "sidecar"] };
    const before = { spec: { containers: [{ name: "app" }] } };
    const after = { spec: { containers: [{ name: "app" }, container] } };
    const snapshot = JSON.stringify([before, after]);
    const ops = createPatch(before, after);
    expect(ops).toEqual([{ op: "add", path: "/spec/containers/1", value: container }]);
    expect(ops[0]?.value).toBe(container);
    expect(JSON.stringify([before, after])).toBe(snapshot);
  });

  it("writes `null` for an undefined list item, as JSON does", () => {
    const after = { list: [1, undefined] } as unknown as JsonObject;
    expect(createPatch({ list: [1, 2] }, after)).toEqual([{ op: "replace", path: "/list/1", value: null }]);
    expect(createPatch({ list: [1] }, after)).toEqual([]);
    expect(createPatch({ a: 1 }, { a: undefined } as unknown as JsonObject)).toEqual([
      { op: "remove", path: "/a" },
    ]);
  });

  it("encodes the same patch as fast-json-patch for a real admission", () => {
    const body = JSON.parse(
      readFileSync(
        resolve(process.cwd(), "../shared/fixtures/apiserver/sample-admissionreview-v1.json"),
        "utf8",
      ),
    );
    const result = admit(body, defaultEngine());
    const original = structuredClone(body.request.object) as JsonObject;
    delete (original.metadata as JsonObject).managedFields;
    const mutated = result.pod as JsonObject;
    expect(result.review.response.patch).toBe(
      encodePatch(fastJsonPatch.compare(original, mutated) as ReturnType<typeof createPatch>),
    );
    expect(apply(original, createPatch(original, mutated))).toEqual(mutated);
  });
});

describe("encodePatch", () => {
  it("is base64 of the operations' JSON as UTF-8, ASCII or not", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { maxLength: 4 }), (values) => {
        const ops = values.map((value) => ({ op: "add", path: "/metadata/labels/a", value }));
        expect(encodePatch(ops)).toBe(Buffer.from(JSON.stringify(ops), "utf8").toString("base64"));
      }),
      { numRuns: 500 },
    );
    const accents = [{ op: "add", path: "/x", value: "é ☃ \u{1f600}" }];
    expect(JSON.parse(Buffer.from(encodePatch(accents), "base64").toString("utf8"))).toEqual(accents);
  });
});
