import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, fieldValue, formatMap, resourceValue } from "./downward.js";
import { expand, expandCommand, kubernetesServiceEnv, referencedObjects, resolveEnv } from "./env.js";
import { lookup, pod, runtime } from "./fixtures.test-helpers.js";

const api = { host: "127.0.0.1", port: 6443 };
const vars = (m: Record<string, string>) => (n: string) => m[n];

describe("$(VAR) expansion", () => {
  test("defined, undefined, escaped and lone dollars", () => {
    const v = vars({ A: "x", B: "y" });
    assert.equal(expand("$(A)-$(B)", v), "x-y");
    assert.equal(expand("$(C)", v), "$(C)");
    assert.equal(expand("$$(A)", v), "$(A)");
    assert.equal(expand("$$", v), "$");
    assert.equal(expand("cost $5 $", v), "cost $5 $");
    assert.equal(expand("$(A", v), "$(A");
    assert.equal(expand("$(A)$(A)", v), "xx");
    assert.equal(expand("", v), "");
  });
});

describe("downward API", () => {
  const p = pod({ hostname: undefined });
  test("fieldRef paths", () => {
    assert.equal(fieldValue(p, "metadata.name", runtime), "p");
    assert.equal(fieldValue(p, "metadata.namespace", runtime), "ns");
    assert.equal(fieldValue(p, "metadata.uid", runtime), "uid-1");
    assert.equal(fieldValue(p, "metadata.labels['app']", runtime), "demo");
    assert.equal(fieldValue(p, "metadata.labels['missing']", runtime), "");
    assert.equal(fieldValue(p, "metadata.annotations['note']", runtime), 'a "quoted" one');
    assert.equal(fieldValue(p, "spec.nodeName", runtime), "node-0");
    assert.equal(fieldValue(p, "spec.serviceAccountName", runtime), "default");
    assert.equal(fieldValue(p, "status.podIP", runtime), "127.9.1.2");
    assert.equal(fieldValue(p, "status.podIPs", runtime), "127.9.1.2");
    assert.equal(fieldValue(p, "status.hostIP", runtime), "127.9.1.1");
    assert.throws(() => fieldValue(p, "spec.whatever", runtime), ConfigError);
  });
  test('whole label/annotation maps are sorted key="value" lines', () => {
    assert.equal(formatMap({ b: "2", a: 'x"y' }), 'a="x\\"y"\nb="2"');
    assert.equal(fieldValue(p, "metadata.labels", runtime), 'app="demo"');
  });
  test("resourceFieldRef: ceil(value / divisor), limits default to allocatable", () => {
    const c = {
      name: "c",
      resources: { limits: { cpu: "500m", memory: "1408Mi" }, requests: { cpu: "250m" } },
    };
    assert.equal(resourceValue(c, "limits.cpu", undefined, runtime), "1");
    assert.equal(resourceValue(c, "limits.cpu", "1m", runtime), "500");
    assert.equal(resourceValue(c, "requests.cpu", "1m", runtime), "250");
    assert.equal(resourceValue(c, "limits.memory", "1Mi", runtime), "1408");
    assert.equal(resourceValue(c, "requests.memory", "1Mi", runtime), "1408");
    assert.equal(resourceValue({ name: "x" }, "limits.cpu", undefined, runtime), "16");
    assert.equal(resourceValue({ name: "x" }, "limits.memory", "1Gi", runtime), "64");
    assert.equal(resourceValue({ name: "x" }, "requests.memory", undefined, runtime), "0");
    assert.equal(
      resourceValue({ name: "x", resources: { limits: { cpu: "300m" } } }, "limits.cpu", "1m", runtime),
      "300",
    );
    assert.throws(() => resourceValue(c, "limits.gpu", undefined, runtime), ConfigError);
    assert.throws(() => resourceValue(c, "limits.cpu", "0", runtime), ConfigError);
  });
});

describe("resolveEnv", () => {
  const data = lookup({
    "configMap/cfg": { A: "from-cm", "bad name": "x", B: "b" },
    "secret/sec": { PASSWORD: "s3cret" },
  });
  test("kubernetes service variables point at the API server", () => {
    const env = kubernetesServiceEnv(api);
    assert.equal(env.KUBERNETES_SERVICE_HOST, "127.0.0.1");
    assert.equal(env.KUBERNETES_SERVICE_PORT, "6443");
    assert.equal(env.KUBERNETES_PORT, "tcp://127.0.0.1:6443");
    assert.equal(env.KUBERNETES_PORT_6443_TCP_ADDR, "127.0.0.1");
  });
  test("envFrom (prefix, invalid names skipped), env wins, valueFrom kinds, expansion in order", () => {
    const c = {
      name: "c",
      resources: { limits: { memory: "2Gi" } },
      envFrom: [{ configMapRef: { name: "cfg" } }, { prefix: "S_", secretRef: { name: "sec" } }],
      env: [
        { name: "MY_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
        { name: "PW", valueFrom: { secretKeyRef: { name: "sec", key: "PASSWORD" } } },
        { name: "CMB", valueFrom: { configMapKeyRef: { name: "cfg", key: "B" } } },
        { name: "A", value: "env-wins" },
        { name: "URL", value: "http://$(MY_POD_IP):$(PORT)/$(A)" },
        { name: "PORT", value: "80" },
        { name: "OPT", valueFrom: { configMapKeyRef: { name: "nope", key: "x", optional: true } } },
      ],
    };
    const r = resolveEnv(pod({ containers: [c] }), c, runtime, api, data);
    assert.equal(r.env.MY_POD_IP, "127.9.1.2");
    assert.equal(r.env.NODE, "node-0");
    assert.equal(r.env.MEM, "2048");
    assert.equal(r.env.PW, "s3cret");
    assert.equal(r.env.S_PASSWORD, "s3cret");
    assert.equal(r.env.CMB, "b");
    assert.equal(r.env.A, "env-wins");
    assert.equal(
      r.env.URL,
      "http://127.9.1.2:$(PORT)/env-wins",
      "only variables defined before are expanded",
    );
    assert.equal(r.env.KUBERNETES_SERVICE_PORT, "6443");
    assert.ok(!("OPT" in r.env));
    assert.deepEqual(r.skipped, ["bad name"]);
  });
  test("resourceFieldRef of another container", () => {
    const other = { name: "other", resources: { requests: { cpu: "2" } } };
    const c = {
      name: "c",
      env: [
        {
          name: "CPU",
          valueFrom: { resourceFieldRef: { containerName: "other", resource: "requests.cpu" } },
        },
      ],
    };
    assert.equal(resolveEnv(pod({ containers: [c, other] }), c, runtime, api, data).env.CPU, "2");
  });
  test("missing non-optional sources and keys are config errors", () => {
    const miss = (env: object[], envFrom: object[] = []) => {
      const c = { name: "c", env, envFrom } as never;
      return () => resolveEnv(pod({ containers: [c] }), c, runtime, api, data);
    };
    assert.throws(
      miss([{ name: "X", valueFrom: { configMapKeyRef: { name: "nope", key: "k" } } }]),
      /configmap "nope" not found/,
    );
    assert.throws(
      miss([{ name: "X", valueFrom: { secretKeyRef: { name: "sec", key: "nokey" } } }]),
      /couldn't find key nokey in Secret sec/,
    );
    assert.throws(miss([], [{ secretRef: { name: "gone" } }]), /secret "gone" not found/);
    assert.doesNotThrow(miss([], [{ secretRef: { name: "gone", optional: true } }]));
    assert.throws(miss([{ name: "X", valueFrom: {} }]), /unsupported valueFrom/);
  });
  test("command and args are expanded against the environment", () => {
    const c = { name: "c", command: ["sh", "-c"], args: ["echo hello $(MY_POD_IP) $(NOPE) $$(ESC)"] };
    assert.deepEqual(expandCommand(c, { MY_POD_IP: "127.0.0.5" }), {
      command: ["sh", "-c"],
      args: ["echo hello 127.0.0.5 $(NOPE) $(ESC)"],
    });
  });
  test("referencedObjects: env, envFrom and volumes (projected too), sorted and unique", () => {
    const p = pod({
      containers: [
        {
          name: "c",
          envFrom: [{ configMapRef: { name: "b" } }, { secretRef: { name: "s1" } }],
          env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "a", key: "k" } } }],
        },
      ],
      initContainers: [
        { name: "i", env: [{ name: "Y", valueFrom: { secretKeyRef: { name: "s2", key: "k" } } }] },
      ],
      volumes: [
        { name: "v1", configMap: { name: "a" } },
        { name: "v2", secret: { secretName: "s3" } },
        {
          name: "v3",
          projected: { sources: [{ configMap: { name: "kube-root-ca.crt" } }, { secret: { name: "s1" } }] },
        },
      ],
    });
    assert.deepEqual(referencedObjects(p), {
      configMaps: ["a", "b", "kube-root-ca.crt"],
      secrets: ["s1", "s2", "s3"],
    });
  });
});
