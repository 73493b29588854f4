import { isObject, type Json, type JsonObject } from "../json.ts";
import { canonicalQuantity } from "../validate/quantity.ts";

/**
 * A container as Go's encoding/json writes a typed `corev1.Container`: fields in the declaration order
 * of the Go structs, fields the type does not have dropped, omitempty fields at their zero value left
 * out (pointer fields, such as every SecurityContext field, keep `false` and `0`), `resources` always
 * present, quantities in canonical form. Istio stores the user's container overrides this way in
 * `proxy.istio.io/overrides`, and tools compare that text.
 */

/**
 * One Go struct: its JSON fields in declaration order; `always` are the fields Go prints even when
 * unset (not omitempty, or omitempty on a struct type, where it has no effect), with `zero` giving
 * the zero value Go prints for them (default ""); `quantities` are resource.Quantity fields or maps
 * of them, printed canonically. An `open` shape is only partly described: its other fields are kept
 * as they are, after the described ones.
 */
type Shape = {
  fields: readonly string[];
  pointers?: boolean;
  always?: readonly string[];
  zero?: Record<string, Json>;
  quantities?: readonly string[];
  open?: boolean;
};

const PROBE_HANDLER = ["exec", "httpGet", "tcpSocket", "grpc"];

const SHAPES: Record<string, Shape> = {
  Container: {
    fields: [
      "name",
      "image",
      "command",
      "args",
      "workingDir",
      "ports",
      "envFrom",
      "env",
      "resources",
      "resizePolicy",
      "restartPolicy",
      "restartPolicyRules",
      "volumeMounts",
      "volumeDevices",
      "livenessProbe",
      "readinessProbe",
      "startupProbe",
      "lifecycle",
      "terminationMessagePath",
      "terminationMessagePolicy",
      "imagePullPolicy",
      "securityContext",
      "stdin",
      "stdinOnce",
      "tty",
    ],
    always: ["name", "resources"],
    zero: { resources: {} },
  },
  ContainerPort: {
    fields: ["name", "hostPort", "containerPort", "protocol", "hostIP"],
    always: ["containerPort"],
  },
  EnvVar: { fields: ["name", "value", "valueFrom"], always: ["name"] },
  EnvVarSource: { fields: ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"] },
  ObjectFieldSelector: { fields: ["apiVersion", "fieldPath"], always: ["fieldPath"] },
  // divisor is a resource.Quantity (a struct): omitempty leaves it, and its zero value prints as "0".
  ResourceFieldSelector: {
    fields: ["containerName", "resource", "divisor"],
    always: ["resource", "divisor"],
    zero: { divisor: "0" },
    quantities: ["divisor"],
  },
  EnvFromSource: { fields: ["prefix", "configMapRef", "secretRef"] },
  ResourceRequirements: { fields: ["limits", "requests", "claims"], quantities: ["limits", "requests"] },
  VolumeMount: {
    fields: [
      "name",
      "readOnly",
      "recursiveReadOnly",
      "mountPath",
      "subPath",
      "mountPropagation",
      "subPathExpr",
    ],
    always: ["name", "mountPath"],
  },
  VolumeDevice: { fields: ["name", "devicePath"], always: ["name", "devicePath"] },
  Probe: {
    fields: [
      ...PROBE_HANDLER,
      "initialDelaySeconds",
      "timeoutSeconds",
      "periodSeconds",
      "successThreshold",
      "failureThreshold",
      "terminationGracePeriodSeconds",
    ],
  },
  Lifecycle: { fields: ["postStart", "preStop", "stopSignal"] },
  LifecycleHandler: { fields: ["exec", "httpGet", "tcpSocket", "sleep"] },
  ExecAction: { fields: ["command"] },
  HTTPGetAction: { fields: ["path", "port", "host", "scheme", "httpHeaders"], always: ["port"] },
  HTTPHeader: { fields: ["name", "value"], always: ["name", "value"] },
  TCPSocketAction: { fields: ["port", "host"], always: ["port"] },
  GRPCAction: { fields: ["port", "service"], always: ["port"] },
  SecurityContext: {
    fields: [
      "capabilities",
      "privileged",
      "seLinuxOptions",
      "windowsOptions",
      "runAsUser",
      "runAsGroup",
      "runAsNonRoot",
      "readOnlyRootFilesystem",
      "allowPrivilegeEscalation",
      "procMount",
      "seccompProfile",
      "appArmorProfile",
    ],
    pointers: true,
  },
  Capabilities: { fields: ["add", "drop"] },
  SeccompProfile: { fields: ["type", "localhostProfile"], always: ["type"] },
  // Outside the containers, the types of a pod spec that hold quantities or field selectors.
  PodSpec: {
    fields: ["volumes", "initContainers", "containers", "ephemeralContainers", "overhead", "resources"],
    quantities: ["overhead"],
    open: true,
  },
  Volume: { fields: ["name", "emptyDir", "downwardAPI", "projected"], open: true },
  EmptyDirVolumeSource: { fields: ["medium", "sizeLimit"], quantities: ["sizeLimit"], open: true },
  DownwardAPIVolumeSource: { fields: ["items"], open: true },
  DownwardAPIVolumeFile: { fields: ["path", "fieldRef", "resourceFieldRef"], open: true },
  ProjectedVolumeSource: { fields: ["sources"], open: true },
  VolumeProjection: { fields: ["downwardAPI"], open: true },
  DownwardAPIProjection: { fields: ["items"], open: true },
};

/** The Go type of a field's value, where it is a struct (or list of structs) Outrigger knows. */
const FIELD_TYPES: Record<string, Record<string, string>> = {
  Container: {
    ports: "ContainerPort",
    env: "EnvVar",
    envFrom: "EnvFromSource",
    resources: "ResourceRequirements",
    volumeMounts: "VolumeMount",
    volumeDevices: "VolumeDevice",
    livenessProbe: "Probe",
    readinessProbe: "Probe",
    startupProbe: "Probe",
    lifecycle: "Lifecycle",
    securityContext: "SecurityContext",
  },
  PodSpec: {
    volumes: "Volume",
    initContainers: "Container",
    containers: "Container",
    ephemeralContainers: "Container",
    resources: "ResourceRequirements",
  },
  Volume: {
    emptyDir: "EmptyDirVolumeSource",
    downwardAPI: "DownwardAPIVolumeSource",
    projected: "ProjectedVolumeSource",
  },
  DownwardAPIVolumeSource: { items: "DownwardAPIVolumeFile" },
  DownwardAPIVolumeFile: { fieldRef: "ObjectFieldSelector", resourceFieldRef: "ResourceFieldSelector" },
  ProjectedVolumeSource: { sources: "VolumeProjection" },
  VolumeProjection: { downwardAPI: "DownwardAPIProjection" },
  DownwardAPIProjection: { items: "DownwardAPIVolumeFile" },
  EnvVar: { valueFrom: "EnvVarSource" },
  EnvVarSource: { fieldRef: "ObjectFieldSelector", resourceFieldRef: "ResourceFieldSelector" },
  Probe: { exec: "ExecAction", httpGet: "HTTPGetAction", tcpSocket: "TCPSocketAction", grpc: "GRPCAction" },
  Lifecycle: { postStart: "LifecycleHandler", preStop: "LifecycleHandler" },
  LifecycleHandler: { exec: "ExecAction", httpGet: "HTTPGetAction", tcpSocket: "TCPSocketAction" },
  HTTPGetAction: { httpHeaders: "HTTPHeader" },
  SecurityContext: { capabilities: "Capabilities", seccompProfile: "SeccompProfile" },
};

/** A quantity as resource.Quantity prints it; JSON numbers are quantities too (`cpu: 0.5` → `500m`). */
function quantity(v: Json): Json {
  if (typeof v === "number" && Number.isFinite(v)) return canonicalQuantity(String(v));
  return typeof v === "string" ? canonicalQuantity(v) : v;
}

function quantities(v: Json | undefined): Json | undefined {
  if (!isObject(v)) return v === undefined || v === null ? v : quantity(v);
  const q: JsonObject = {};
  for (const [k, x] of Object.entries(v)) q[k] = quantity(x);
  return q;
}

function isZero(v: Json | undefined): boolean {
  return (
    v === undefined ||
    v === null ||
    v === "" ||
    v === 0 ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

function typed(type: string, value: Json | undefined): Json | undefined {
  const shape = SHAPES[type];
  if (!shape || !isObject(value)) return value;
  const out: JsonObject = {};
  for (const f of shape.fields) {
    let v = value[f];
    const fieldType = FIELD_TYPES[type]?.[f];
    if (fieldType && Array.isArray(v)) v = v.map((x) => typed(fieldType, x) ?? null);
    else if (fieldType) v = typed(fieldType, v);
    if (shape.quantities?.includes(f)) v = quantities(v);
    if (shape.always?.includes(f)) {
      const zero = shape.zero?.[f];
      // A struct-typed field that holds no object decodes to the struct's zero value.
      out[f] = v === undefined || v === null || (isObject(zero) && !isObject(v)) ? (zero ?? "") : v;
      continue;
    }
    if (shape.open) {
      // Only partly described: no omitempty rules are known, what was there stays.
      if (Object.hasOwn(value, f)) out[f] = v ?? null;
      continue;
    }
    if (v === undefined || v === null) continue;
    // A nested struct is a pointer in these types: present, even empty, is kept.
    const pointerStruct = fieldType !== undefined && isObject(v);
    if (!shape.pointers && !pointerStruct && isZero(v)) continue;
    out[f] = v;
  }
  if (shape.open)
    for (const [k, v] of Object.entries(value)) if (!shape.fields.includes(k)) out[k] = v as Json;
  return out;
}

export function typedContainer(c: JsonObject): JsonObject {
  return typed("Container", c) as JsonObject;
}

/**
 * A pod spec with its containers typed and, elsewhere, what the Go types add or rewrite: quantities
 * (volume size limits, overhead, pod resources) printed canonically, field selectors with their
 * defaults. Fields this does not describe are kept as they are.
 */
export function typedPodSpec(spec: JsonObject): JsonObject {
  return typed("PodSpec", spec) as JsonObject;
}
