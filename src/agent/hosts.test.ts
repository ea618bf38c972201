import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1EndpointSlice, V1Service } from "@kubernetes/client-node";
import { pod } from "./fixtures.test-helpers.js";
import { hostsFile, podHostname, serviceEndpoints } from "./hosts.js";

const svc = (ns: string, name: string, spec: V1Service["spec"] = {}): V1Service => ({
  metadata: { namespace: ns, name },
  spec,
});
const slice = (
  ns: string,
  service: string,
  endpoints: V1EndpointSlice["endpoints"],
  addressType = "IPv4",
): V1EndpointSlice => ({
  metadata: { namespace: ns, name: `${service}-abc`, labels: { "kubernetes.io/service-name": service } },
  addressType,
  endpoints,
});

describe("podHostname", () => {
  test("spec.hostname, else the name cut to 63 characters", () => {
    assert.equal(podHostname(pod({ hostname: "h" })), "h");
    assert.equal(podHostname(pod({}, { name: `${"a".repeat(62)}-b` })), "a".repeat(62));
  });
});

const running = (
  name: string,
  ip: string,
  labels: Record<string, string>,
  extra: {
    ready?: boolean;
    ns?: string;
    hostname?: string;
    subdomain?: string;
    phase?: string;
    deleting?: boolean;
  } = {},
) =>
  ({
    metadata: {
      name,
      namespace: extra.ns ?? "ns",
      labels,
      ...(extra.deleting ? { deletionTimestamp: new Date() } : {}),
    },
    spec: { containers: [], hostname: extra.hostname, subdomain: extra.subdomain },
    status: {
      phase: extra.phase ?? "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: extra.ready === false ? "False" : "True" }],
    },
  }) as never;

describe("serviceEndpoints", () => {
  test("a selector resolves against running, ready pods of the namespace (slices cannot hold 127.x)", () => {
    const s = svc("ns", "drv", { clusterIP: "None", selector: { app: "x", role: "driver" } });
    const pods = [
      running("d", "127.9.1.10", { app: "x", role: "driver", extra: "y" }),
      running("d2", "127.9.1.3", { app: "x", role: "driver" }),
      running("other-label", "127.9.1.4", { app: "x" }),
      running("other-ns", "127.9.1.5", { app: "x", role: "driver" }, { ns: "other" }),
      running("unready", "127.9.1.6", { app: "x", role: "driver" }, { ready: false }),
      running("done", "127.9.1.7", { app: "x", role: "driver" }, { phase: "Succeeded" }),
      running("leaving", "127.9.1.8", { app: "x", role: "driver" }, { deleting: true }),
      running("named", "127.9.1.9", { app: "x", role: "driver" }, { hostname: "h0", subdomain: "drv" }),
    ];
    assert.deepEqual(serviceEndpoints(s, [], pods), [
      { ip: "127.9.1.3" },
      { ip: "127.9.1.9", hostname: "h0" },
      { ip: "127.9.1.10" },
    ]);
    const all = serviceEndpoints(
      svc("ns", "drv", { selector: { app: "x", role: "driver" }, publishNotReadyAddresses: true }),
      [],
      pods,
    );
    assert.ok(all.some((e) => e.ip === "127.9.1.6"));
    assert.deepEqual(
      serviceEndpoints(s, [slice("ns", "drv", [{ addresses: ["10.0.0.9"] }])], []),
      [],
      "slices only for selector-less services",
    );
  });
  test("without a selector: ready endpoints of the service's IPv4 slices, sorted, unless publishNotReadyAddresses", () => {
    const slices = [
      slice("ns", "drv", [
        { addresses: ["127.9.1.10"], conditions: { ready: true } },
        { addresses: ["127.9.1.3"] },
        { addresses: ["127.9.1.4"], conditions: { ready: false } },
      ]),
      slice("ns", "drv", [{ addresses: ["::1"] }], "IPv6"),
      slice("other", "drv", [{ addresses: ["127.9.9.9"] }]),
    ];
    assert.deepEqual(serviceEndpoints(svc("ns", "drv"), slices), [{ ip: "127.9.1.3" }, { ip: "127.9.1.10" }]);
    assert.deepEqual(
      serviceEndpoints(svc("ns", "drv", { publishNotReadyAddresses: true }), slices).map((e) => e.ip),
      ["127.9.1.3", "127.9.1.4", "127.9.1.10"],
    );
  });
});

describe("hostsFile", () => {
  const services = [
    svc("default", "kubernetes"),
    svc("ns", "spark-pi-driver-svc", { clusterIP: "None", selector: { "spark-role": "driver" } }),
    svc("other", "db"),
    svc("ns", "ext", { type: "ExternalName", externalName: "example.com" }),
    svc("ns", "empty"),
  ];
  const driverPod = running(
    "spark-pi-driver",
    "127.9.1.2",
    { "spark-role": "driver" },
    { hostname: "driver", subdomain: "spark-pi-driver-svc" },
  );
  const slices = [
    slice("other", "db", [{ addresses: ["127.9.2.7"] }, { addresses: ["127.9.2.8"] }]),
    slice("ns", "ext", [{ addresses: ["1.2.3.4"] }]),
  ];
  const text = hostsFile(
    pod({ hostAliases: [{ ip: "10.1.1.1", hostnames: ["legacy", "legacy.local"] }] }, { name: "exec-1" }),
    "127.9.1.5",
    "127.9.0.1",
    services,
    slices,
    [driverPod],
  );
  const lines = text.trimEnd().split("\n");
  test("loopback and the pod itself", () => {
    assert.ok(lines.includes("127.0.0.1\tlocalhost"));
    assert.ok(lines.includes("127.9.1.5\texec-1"));
  });
  test("kubernetes.default.svc -> the API relay", () => {
    assert.ok(
      lines.includes(
        "127.9.0.1\tkubernetes.default.svc.cluster.local kubernetes.default.svc kubernetes.default",
      ),
    );
    assert.ok(!lines.some((l) => l.startsWith("127.0.0.1\tkubernetes")));
  });
  test("services by their names, short names only in the pod's namespace; every endpoint", () => {
    assert.ok(
      lines.includes(
        "127.9.1.2\tspark-pi-driver-svc.ns.svc.cluster.local spark-pi-driver-svc.ns.svc spark-pi-driver-svc.ns spark-pi-driver-svc",
      ),
    );
    assert.ok(lines.includes("127.9.1.2\tdriver.spark-pi-driver-svc.ns.svc.cluster.local"));
    assert.ok(lines.includes("127.9.2.7\tdb.other.svc.cluster.local db.other.svc db.other"));
    assert.ok(lines.includes("127.9.2.8\tdb.other.svc.cluster.local db.other.svc db.other"));
  });
  test("no ExternalName or endpoint-less services; host aliases last", () => {
    assert.ok(!text.includes("ext.ns"));
    assert.ok(!text.includes("empty.ns"));
    assert.equal(lines.at(-1), "10.1.1.1\tlegacy legacy.local");
  });
  test("subdomain pods get their FQDN; the short kubernetes name in default", () => {
    const t = hostsFile(
      pod({ hostname: "w0", subdomain: "workers" }, { namespace: "default" }),
      "127.9.1.6",
      "127.9.0.1",
      services,
      [],
    );
    assert.match(t, /127\.9\.1\.6\tw0\.workers\.default\.svc\.cluster\.local w0\n/);
    assert.match(
      t,
      /127\.9\.0\.1\tkubernetes\.default\.svc\.cluster\.local kubernetes\.default\.svc kubernetes\.default kubernetes\n/,
    );
  });
  test("deterministic", () => {
    assert.equal(
      hostsFile(pod(), "127.9.1.5", "127.9.0.1", [...services].reverse(), [...slices].reverse()),
      hostsFile(pod(), "127.9.1.5", "127.9.0.1", services, slices),
    );
  });
});
