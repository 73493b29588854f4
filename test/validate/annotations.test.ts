import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../core/json.ts";
import { parsePrefixError, validateAnnotations } from "../../core/validate/annotations.ts";
import { readShared } from "../helpers/fixtures.ts";
import { istioCases, podDocuments, podFromWorkload } from "../helpers/istio-cases.ts";

function podAnnotations(doc: JsonObject): Record<string, string> {
  const meta = podFromWorkload(doc).pod.metadata as JsonObject;
  const a = (meta?.annotations ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)]));
}

describe("golden corpus", () => {
  for (const c of istioCases()) {
    let docs: JsonObject[];
    try {
      docs = podDocuments(readShared("fixtures/istio", c.input));
    } catch {
      continue;
    }
    const expected = c.settings.expectError;
    if (expected) {
      it(`${c.id}: denied with a message containing "${expected}"`, () => {
        const errors = docs.flatMap((d) => validateAnnotations(podAnnotations(d)));
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.join("\n").toLowerCase()).toContain(expected);
      });
    } else {
      it(`${c.id}: every annotation passes`, () => {
        for (const d of docs) expect(validateAnnotations(podAnnotations(d))).toEqual([]);
      });
    }
  }
});

describe("validateAnnotations", () => {
  it("reports every invalid annotation, in Istio's message form", () => {
    const errors = validateAnnotations({
      "traffic.sidecar.istio.io/includeOutboundIPRanges": "bad",
      "traffic.sidecar.istio.io/excludeOutboundIPRanges": "*",
      "traffic.sidecar.istio.io/includeInboundPorts": "bad",
      "traffic.sidecar.istio.io/excludeInboundPorts": "*",
      "traffic.sidecar.istio.io/excludeOutboundPorts": "bad",
      "sidecar.istio.io/interceptionMode": "redirect",
      unrelated: "anything",
    });
    expect(errors).toEqual([
      "invalid value 'redirect' for annotation 'sidecar.istio.io/interceptionMode': interceptionMode invalid, use REDIRECT,TPROXY,NONE: redirect",
      "invalid value '*' for annotation 'traffic.sidecar.istio.io/excludeInboundPorts': excludeInboundPorts invalid: failed parsing port '*': failed parsing port '*': strconv.ParseUint: parsing \"*\": invalid syntax",
      "invalid value '*' for annotation 'traffic.sidecar.istio.io/excludeOutboundIPRanges': excludeIPRanges invalid: failed parsing cidr '*': netip.ParsePrefix(\"*\"): no '/'",
      "invalid value 'bad' for annotation 'traffic.sidecar.istio.io/excludeOutboundPorts': excludeOutboundPorts invalid: failed parsing port 'bad': failed parsing port 'bad': strconv.ParseUint: parsing \"bad\": invalid syntax",
      "invalid value 'bad' for annotation 'traffic.sidecar.istio.io/includeInboundPorts': includeInboundPorts invalid: failed parsing port 'bad': failed parsing port 'bad': strconv.ParseUint: parsing \"bad\": invalid syntax",
      "invalid value 'bad' for annotation 'traffic.sidecar.istio.io/includeOutboundIPRanges': includeIPRanges invalid: failed parsing cidr 'bad': netip.ParsePrefix(\"bad\"): no '/'",
    ]);
  });

  const ok = (key: string, value: string) =>
    expect(validateAnnotations({ [key]: value }), `${key}=${JSON.stringify(value)}`).toEqual([]);
  const bad = (key: string, value: string) =>
    expect(validateAnnotations({ [key]: value }), `${key}=${JSON.stringify(value)}`).toHaveLength(1);

  it("interception mode", () => {
    for (const v of ["REDIRECT", "TPROXY", "NONE"]) ok("sidecar.istio.io/interceptionMode", v);
    for (const v of ["", "redirect", "TPROXY "]) bad("sidecar.istio.io/interceptionMode", v);
  });

  it("status port: uint16 after trimming", () => {
    const k = "status.sidecar.istio.io/port";
    for (const v of ["15020", " 15021 ", "0", "65535", "0080"]) ok(k, v);
    for (const v of ["", "65536", "-1", "+80", "abc", "80,81"]) bad(k, v);
  });

  it("readiness values: uint32, untrimmed", () => {
    for (const k of ["initialDelaySeconds", "periodSeconds", "failureThreshold"]) {
      const key = `readiness.status.sidecar.istio.io/${k}`;
      for (const v of ["0", "4294967295"]) ok(key, v);
      for (const v of ["4294967296", "-1", " 1", "1.5", ""]) bad(key, v);
    }
  });

  it("IP ranges follow Go's netip.ParsePrefix", () => {
    const inc = "traffic.sidecar.istio.io/includeOutboundIPRanges";
    const exc = "traffic.sidecar.istio.io/excludeOutboundIPRanges";
    for (const v of [
      "",
      "10.0.0.0/8",
      "10.1.2.3/8",
      "1.2.3.0/24,10.0.0.0/8",
      "0.0.0.0/0",
      "::/0",
      "::1/128",
      "fe80::/10",
      "::ffff:1.2.3.4/96",
      "2001:db8::1:2:3:4:5/64",
    ]) {
      ok(inc, v);
      ok(exc, v);
    }
    ok(inc, "*");
    bad(exc, "*");
    for (const v of [
      "1.2.3.4/33",
      "::1/129",
      "1.2.3.4",
      "1.2.3.0/24,",
      "1.2.3.0/24, 10.0.0.0/8",
      "01.2.3.4/8",
      "1.2.3.4/08",
      "1.2.3.4/+8",
      "1.2.3.4/",
      "256.0.0.0/8",
      "1.2.3/8",
      "1.2.3.4.5/8",
      "fe80::1%eth0/64",
      "1:2:3:4:5:6:7:8:9/64",
      "1::2::3/64",
      "12345::/16",
      "1:2:3:4:5:6:7/64",
      "::1.2.3/96",
      "*,10.0.0.0/8",
    ]) {
      bad(inc, v);
      bad(exc, v);
    }
  });

  it("netip messages", () => {
    expect(parsePrefixError("1.2.3.4/33")).toBe(
      'netip.ParsePrefix("1.2.3.4/33"): prefix length out of range',
    );
    expect(parsePrefixError("1.2.3.4/08")).toBe(
      'netip.ParsePrefix("1.2.3.4/08"): bad bits after slash: "08"',
    );
    expect(parsePrefixError("01.2.3.4/8")).toBe(
      'netip.ParsePrefix("01.2.3.4/8"): ParseAddr("01.2.3.4"): IPv4 field has octet with leading zero',
    );
    expect(parsePrefixError("fe80::1%eth0/64")).toBe(
      'netip.ParsePrefix("fe80::1%eth0/64"): IPv6 zones cannot be present in a prefix',
    );
  });

  it("port lists", () => {
    for (const k of ["includeInboundPorts", "excludeInboundPorts", "excludeOutboundPorts"]) {
      const key = `traffic.sidecar.istio.io/${k}`;
      for (const v of ["", "  ", "80", "80,443", " 80 , 443 ", "0"]) ok(key, v);
      for (const v of ["80,", "80,,443", "65536", "a", "80;443"]) bad(key, v);
    }
    ok("traffic.sidecar.istio.io/includeInboundPorts", "*");
    bad("traffic.sidecar.istio.io/excludeOutboundPorts", "*");
    ok("traffic.sidecar.istio.io/includeOutboundPorts", "not validated");
  });

  it("interface names", () => {
    for (const k of [
      "traffic.sidecar.istio.io/excludeInterfaces",
      "traffic.sidecar.istio.io/kubevirtInterfaces",
      "istio.io/reroute-virtual-interfaces",
    ]) {
      for (const v of ["", "eth0", "eth0,net1", " eth0 , net1 ", "a.b-c_d", "abcdefghijklmno"]) ok(k, v);
      for (const v of ["eth0,", "0eth", "eth 0", "eth0;rm", "abcdefghijklmnop", "-x", "ethé"]) bad(k, v);
    }
  });

  it("merge-metrics is a Go bool", () => {
    for (const v of ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"])
      ok("prometheus.istio.io/merge-metrics", v);
    for (const v of ["yes", "tRUE", "", " true"]) bad("prometheus.istio.io/merge-metrics", v);
  });

  it("resource quantities, with control characters refused (Istio TestValidateResourceQuantity)", () => {
    for (const k of ["proxyCPU", "proxyMemory", "proxyCPULimit", "proxyMemoryLimit"]) {
      const key = `sidecar.istio.io/${k}`;
      for (const v of ["100m", "128Mi", "2", "1Gi", "0.5", "1e3"]) ok(key, v);
      for (const v of [
        '100m"\n  - name: injected\n    image: "busybox',
        "100m\r",
        "100m\t",
        "100m\x00",
        "1Gi\u0085",
        "invalid",
        "",
        "1K",
      ])
        bad(key, v);
    }
    expect(validateAnnotations({ "sidecar.istio.io/proxyMemory": "128Mi\nmalicious" })).toEqual([
      "invalid value '128Mi\nmalicious' for annotation 'sidecar.istio.io/proxyMemory': value contains control characters",
    ]);
  });

  it("proxy config must parse to a map with sensible fields", () => {
    const k = "proxy.istio.io/config";
    for (const v of [
      "",
      "{}",
      "concurrency: 2",
      '{"holdApplicationUntilProxyStarts": true}',
      "proxyMetadata:\n  A: b\ntracing: {}\n",
      "unknownField: 1",
      "statusPort: 15021\ndrainDuration: 10s",
      "discoveryAddress: istiod.istio-system.svc:15012",
      'concurrency: "4"',
    ]) {
      ok(k, v);
    }
    for (const v of [
      "[1, 2]",
      "just a string",
      "key: [unclosed",
      "concurrency: abc",
      "holdApplicationUntilProxyStarts: yes-please",
      "statusPort: 0",
      "proxyAdminPort: 70000",
      "drainDuration: 1.5s",
      "drainDuration: 10",
      "discoveryAddress: nohostport",
      "discoveryAddress: istiod:notaport",
      "proxyMetadata: {A: 1}",
      "configPath: ''",
      "interceptionMode: SOMETHING",
    ]) {
      bad(k, v);
    }
  });

  it("never throws, and skips non-string values a caller might pass", () => {
    const weird = {
      "status.sidecar.istio.io/port": 5 as unknown as string,
      toString: "x",
      __proto__: "y",
    } as Record<string, string>;
    expect(() => validateAnnotations(weird)).not.toThrow();
    expect(validateAnnotations({ "proxy.istio.io/config": "a: &x [*x]" })).toHaveLength(1);
    expect(() => validateAnnotations({ "proxy.istio.io/config": "[".repeat(100000) })).not.toThrow();
  });
});
