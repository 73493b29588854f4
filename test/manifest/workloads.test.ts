import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import { podOfWorkload, withPod } from "../../core/manifest/workloads.ts";
import { istioCases, podDocuments, readIstio } from "../helpers/istio-cases.ts";

const unwrap = (doc: JsonObject) => {
  const r = podOfWorkload(doc);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe("a workload's pod", () => {
  it("is the template as its controller creates it: namespace, generateName, the workload as owner", () => {
    const pod = unwrap({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop" },
      spec: { template: { metadata: { labels: { app: "web" } }, spec: { containers: [] } } },
    });
    expect(pod).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        labels: { app: "web" },
        namespace: "shop",
        generateName: "web-",
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", controller: true }],
      },
      spec: { containers: [] },
    });
  });

  it("of a CronJob takes its metadata from the job template, as istioctl does", () => {
    const pod = unwrap({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c" },
      spec: {
        jobTemplate: { metadata: { labels: { a: "b" } }, spec: { template: { spec: { containers: [] } } } },
      },
    });
    expect((pod.metadata as JsonObject).labels).toEqual({ a: "b" });
  });

  it("needs a template where the kind has one", () => {
    expect(podOfWorkload({ kind: "Deployment", metadata: { name: "x" }, spec: {} })).toEqual({
      ok: false,
      error: "spec.template is required for a Deployment",
    });
    expect(podOfWorkload({ kind: "Job", spec: { template: { spec: [] } } })).toMatchObject({ ok: false });
  });

  // Putting the unchanged pod back gives the workload back: what podOfWorkload adds, withPod removes.
  const workloads = istioCases().flatMap((c) => {
    try {
      return podDocuments(readIstio(c.input)).map((doc, i) => [`${c.id}#${i}`, doc] as const);
    } catch {
      return [];
    }
  });
  it.each(workloads)("withPod inverts podOfWorkload: %s", (_id, doc) => {
    const back = withPod(doc, unwrap(doc));
    if (doc.kind === "CronJob") {
      // The job template gains the (empty) metadata it lent the pod.
      const jt = (back.spec as JsonObject).jobTemplate as JsonObject;
      expect(jt.metadata ?? {}).toEqual(((doc.spec as JsonObject).jobTemplate as JsonObject).metadata ?? {});
      delete jt.metadata;
      delete ((doc.spec as JsonObject).jobTemplate as JsonObject).metadata;
    }
    expect(back).toEqual(doc);
  });
});
