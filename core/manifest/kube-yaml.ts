import { Document, Scalar, visit } from "yaml";
import { typedPodSpec } from "../inject/typed.ts";
import { clone, isObject, type Json, type JsonObject } from "../json.ts";
import { at, podSpecPath } from "./workloads.ts";

/**
 * A workload as istioctl kube-inject prints it: decoded into Kubernetes' Go types and encoded again
 * (sigs.k8s.io/yaml over go-yaml v2). Users diff our output against istioctl's, so we print what the
 * typed round trip prints: struct fields that are always there (`status: {}`, `strategy: {}`,
 * a container's `resources: {}`), status counters that are not omitempty, containers in their typed
 * form (canonical quantities, omitempty zeros dropped), keys sorted, sequences not indented under
 * their key, literal blocks for multi-line strings, and go-yaml's quoting.
 */
export function kubeYaml(doc: JsonObject): string {
  return yamlText(typedObject(doc));
}

/** What the Go types add to a decoded object of each kind, where the object lacks it. */
const TYPED_FIELDS: Record<string, [path: string[], value: Json][]> = {
  Pod: [[["status"], {}]],
  Deployment: [
    [["spec", "strategy"], {}],
    [["spec", "template", "metadata"], {}],
    [["status"], {}],
  ],
  DaemonSet: [
    [["spec", "updateStrategy"], {}],
    [["spec", "template", "metadata"], {}],
    [
      ["status"],
      { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
    ],
  ],
  StatefulSet: [
    [["spec", "updateStrategy"], {}],
    [["spec", "template", "metadata"], {}],
    [["status"], { replicas: 0, availableReplicas: 0 }],
  ],
  ReplicaSet: [
    [["spec", "template", "metadata"], {}],
    [["status"], { replicas: 0 }],
  ],
  ReplicationController: [
    [["spec", "template", "metadata"], {}],
    [["status"], { replicas: 0 }],
  ],
  Job: [
    [["spec", "template", "metadata"], {}],
    [["status"], {}],
  ],
  CronJob: [
    [["spec", "jobTemplate", "metadata"], {}],
    [["spec", "jobTemplate", "spec", "template", "metadata"], {}],
    [["status"], {}],
  ],
  DeploymentConfig: [
    [["spec", "strategy"], {}],
    [["spec", "strategy", "resources"], {}],
    [["spec", "test"], false],
    [["spec", "template", "metadata"], {}],
    [
      ["status"],
      {
        availableReplicas: 0,
        latestVersion: 0,
        observedGeneration: 0,
        replicas: 0,
        unavailableReplicas: 0,
        updatedReplicas: 0,
      },
    ],
  ],
  List: [[["metadata"], {}]],
};

/** Plain (not pointer) omitempty fields of these kinds: at their zero value Go leaves them out. */
const OMITEMPTY_ZERO = new Set(["paused", "minReadySeconds"]);

/** Where the kinds keep ObjectMeta; its null fields (`creationTimestamp: null` of older kubectl) are omitted. */
const OBJECT_META_PATHS = [
  ["metadata"],
  ["spec", "template", "metadata"],
  ["spec", "jobTemplate", "metadata"],
  ["spec", "jobTemplate", "spec", "template", "metadata"],
];

function typedObject(doc: JsonObject): JsonObject {
  const out = clone(doc);
  typedInPlace(out);
  return out;
}

function typedInPlace(doc: JsonObject): void {
  const kind = typeof doc.kind === "string" ? doc.kind : "";
  if (kind === "List" && Array.isArray(doc.items))
    for (const item of doc.items) if (isObject(item)) typedInPlace(item);
  for (const [path, value] of TYPED_FIELDS[kind] ?? []) fill(doc, path, value);
  if (isObject(doc.spec))
    for (const key of OMITEMPTY_ZERO)
      if (doc.spec[key] === 0 || doc.spec[key] === false) delete doc.spec[key];
  for (const path of OBJECT_META_PATHS) {
    const meta = at(doc, path);
    if (isObject(meta)) for (const [k, v] of Object.entries(meta)) if (v === null) delete meta[k];
  }
  const path = podSpecPath(kind);
  const podSpec = podSpecOf(doc, kind);
  const parent = path ? at(doc, path.slice(0, -1)) : undefined;
  if (path && podSpec && isObject(parent)) parent[path[path.length - 1] as string] = typedPodSpec(podSpec);
}

function podSpecOf(doc: JsonObject, kind: string): JsonObject | undefined {
  const path = podSpecPath(kind);
  const podSpec = path && at(doc, path);
  return isObject(podSpec) ? podSpec : undefined;
}

/** Sets the path's value where it is missing, below a parent that exists; objects are filled key by key. */
function fill(doc: JsonObject, path: string[], value: Json): void {
  const parent = at(doc, path.slice(0, -1));
  if (!isObject(parent)) return;
  const key = path[path.length - 1] as string;
  const current = parent[key];
  if (current === undefined || current === null) parent[key] = clone(value);
  else if (isObject(current) && isObject(value))
    for (const [k, v] of Object.entries(value)) if (current[k] === undefined) current[k] = v;
}

/** go-yaml v2's layout and quoting of any JSON value. */
export function yamlText(value: Json): string {
  const doc = new Document(value, { sortMapEntries: true, aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      if (node.value.includes("\n")) node.type = Scalar.BLOCK_LITERAL;
      else if (readsAsOtherType(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true, defaultStringType: "PLAIN" });
}

// go-yaml v2 resolves plain scalars by YAML 1.1; a string that would come back as another type is
// double-quoted, and everything else that cannot be plain is single-quoted.
const YAML11_OTHER_TYPES = [
  /^(?:~|null|Null|NULL|)$/,
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/,
];

function readsAsOtherType(s: string): boolean {
  return YAML11_OTHER_TYPES.some((re) => re.test(s));
}
