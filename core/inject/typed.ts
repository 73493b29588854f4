import { isObject, type Json, type JsonObject } from "../json.ts";
import { canonicalQuantity } from "../validate/quantity.ts";

/**
 * A container as Go's encoding/json writes a typed `corev1.Container`: fields in the declaration order
 * of the Go structs, fields the type does not have dropped, omitempty fields at their zero value left
 * out (pointer fields, such as every SecurityContext field, keep `false` and `0`), `resources` always
 * present, quantities in canonical form. Istio stores the user's container overrides this way in
 * `proxy.istio.io/overrides`, and tools compare that text.
 */

type Shape = { fields: readonly string[]; pointers?: boolean; always?: readonly string[] };

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
  },
  ContainerPort: {
    fields: ["name", "hostPort", "containerPort", "protocol", "hostIP"],
    always: ["containerPort"],
  },
  EnvVar: { fields: ["name", "value", "valueFrom"], always: ["name"] },
  EnvVarSource: { fields: ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"] },
  ObjectFieldSelector: { fields: ["apiVersion", "fieldPath"], always: ["fieldPath"] },
  ResourceFieldSelector: { fields: ["containerName", "resource", "divisor"], always: ["resource"] },
  EnvFromSource: { fields: ["prefix", "configMapRef", "secretRef"] },
  ResourceRequirements: { fields: ["limits", "requests", "claims"] },
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
  EnvVar: { valueFrom: "EnvVarSource" },
  EnvVarSource: { fieldRef: "ObjectFieldSelector", resourceFieldRef: "ResourceFieldSelector" },
  Probe: { exec: "ExecAction", httpGet: "HTTPGetAction", tcpSocket: "TCPSocketAction", grpc: "GRPCAction" },
  Lifecycle: { postStart: "LifecycleHandler", preStop: "LifecycleHandler" },
  LifecycleHandler: { exec: "ExecAction", httpGet: "HTTPGetAction", tcpSocket: "TCPSocketAction" },
  HTTPGetAction: { httpHeaders: "HTTPHeader" },
  SecurityContext: { capabilities: "Capabilities", seccompProfile: "SeccompProfile" },
};

const QUANTITY_MAPS = new Set(["limits", "requests"]);

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
    if (type === "ResourceRequirements" && QUANTITY_MAPS.has(f) && isObject(v)) {
      const q: JsonObject = {};
      for (const [k, x] of Object.entries(v)) q[k] = typeof x === "string" ? canonicalQuantity(x) : x;
      v = q;
    }
    if (type === "ResourceFieldSelector" && f === "divisor" && typeof v === "string")
      v = canonicalQuantity(v);
    if (f === "resources" && type === "Container" && !isObject(v)) v = {};
    if (shape.always?.includes(f)) {
      out[f] = v ?? (f === "resources" ? {} : "");
      continue;
    }
    if (v === undefined || v === null) continue;
    // A nested struct is a pointer in these types: present, even empty, is kept.
    const pointerStruct = fieldType !== undefined && isObject(v);
    if (!shape.pointers && !pointerStruct && isZero(v)) continue;
    out[f] = v;
  }
  return out;
}

export function typedContainer(c: JsonObject): JsonObject {
  return typed("Container", c) as JsonObject;
}
