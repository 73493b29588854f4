import { describe, expect, it } from "vitest";
import { allowed, denied, patched, reviewJson } from "../../core/admission/response.ts";
import { encodePatch } from "../../core/patch/patch.ts";

// reviewJson pastes the base64 patch in instead of letting JSON.stringify scan it; the text must be
// exactly JSON.stringify's, for every kind of answer.

const ops = encodePatch([
  { op: "add", path: "/spec/containers/1", value: { name: "istio-proxy", args: ["a", 'quote " \\ \u2028'] } },
  { op: "replace", path: "/metadata/labels/app", value: "x" },
]);

describe("reviewJson", () => {
  it("writes exactly what JSON.stringify writes", () => {
    for (const answer of [
      patched("admission.k8s.io/v1", "uid-1", ops),
      patched("admission.k8s.io/v1beta1", 'u"i\\d', ops),
      patched("admission.k8s.io/v1", "uid-2", undefined),
      allowed("admission.k8s.io/v1", "uid-3"),
      denied("admission.k8s.io/v1", "uid-4", 'no "quotes"\n here'),
    ]) {
      expect(reviewJson(answer)).toBe(JSON.stringify(answer));
    }
  });

  it("falls back to JSON.stringify for an answer changed after it was made", () => {
    const a = patched("admission.k8s.io/v1", "uid-1", ops);
    a.response.patch = 'not "base64"';
    expect(reviewJson(a)).toBe(JSON.stringify(a));
    const b = patched("admission.k8s.io/v1", "uid-1", ops);
    (b.response as unknown as Record<string, unknown>).extra = "after the patch";
    expect(reviewJson(b)).toBe(JSON.stringify(b));
    const c = patched("admission.k8s.io/v1", "uid-1", ops);
    const copy = { ...c, response: { ...c.response } };
    expect(reviewJson(copy)).toBe(JSON.stringify(copy));
  });
});
