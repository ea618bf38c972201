import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { kubeletAddress, kubeletGet } from "../src/kube/kubelet-client.js";
import {
  type AgentTest,
  agentTest,
  kubectl,
  podGone,
  podPhase,
  processesWith,
  uniqueName,
  waitFor,
} from "./agent-helpers.js";

describe("agent: pods as processes", { timeout: 300_000 }, () => {
  let t: AgentTest;
  before(async () => {
    t = await agentTest("pods");
  });
  after(async () => {
    await t?.agent.stop();
  });

  test("a busybox pod with a configMap volume and fieldRef env runs to Succeeded; kubectl logs returns its output", async () => {
    await t.core.createNamespacedConfigMap({
      namespace: t.ns,
      body: { metadata: { name: "cfg" }, data: { key: "value-from-configmap" } },
    });
    await t.createPod("hello", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "echo hello $(MY_POD_IP); cat /etc/config/key"],
          env: [{ name: "MY_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
          volumeMounts: [{ name: "config", mountPath: "/etc/config" }],
        },
      ],
      volumes: [{ name: "config", configMap: { name: "cfg" } }],
    });
    const pod = await podPhase(t.core, t.ns, "hello", ["Succeeded", "Failed"]);
    assert.equal(pod.status?.phase, "Succeeded");
    const ip = pod.status?.podIP ?? "";
    assert.match(ip, new RegExp(`^127\\.${t.agent.subnet}\\.\\d+\\.\\d+$`));
    assert.deepEqual(
      pod.status?.podIPs?.map((p) => p.ip),
      [ip],
    );
    const cs = pod.status?.containerStatuses?.[0];
    assert.equal(cs?.state?.terminated?.exitCode, 0);
    assert.equal(cs?.state?.terminated?.reason, "Completed");
    const logs = await kubectl(t.cluster, ["-n", t.ns, "logs", "hello"]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, `hello ${ip}\nvalue-from-configmap`);
    const tail = await kubectl(t.cluster, ["-n", t.ns, "logs", "hello", "--tail=1", "--timestamps"]);
    assert.match(tail.stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z value-from-configmap$/);
  });

  test("a failing command ends Failed with its exit code, reason Error and the log's last lines", async () => {
    await t.createPod("fail", {
      containers: [
        { name: "main", image: "busybox", command: ["sh", "-c", "echo first; echo 'it broke' >&2; exit 3"] },
      ],
    });
    const pod = await podPhase(t.core, t.ns, "fail", ["Succeeded", "Failed"]);
    assert.equal(pod.status?.phase, "Failed");
    const term = pod.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(term?.exitCode, 3);
    assert.equal(term?.reason, "Error");
    assert.equal(term?.message, "first\nit broke");
  });

  test("deleting a long-running pod stops its process within the grace period, then the pod is finalised", async () => {
    const marker = uniqueName("marker");
    // Ignores SIGTERM: only the SIGKILL after the 2 s grace period ends it.
    await t.createPod("long", {
      terminationGracePeriodSeconds: 2,
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", `trap '' TERM; while :; do sleep 0.2; done # ${marker}`],
        },
      ],
    });
    await podPhase(t.core, t.ns, "long", ["Running"]);
    await waitFor("the container process", async () => processesWith(marker).length > 0);
    const started = Date.now();
    await t.core.deleteNamespacedPod({ name: "long", namespace: t.ns });
    await podGone(t.core, t.ns, "long", 30_000);
    const took = Date.now() - started;
    assert.deepEqual(processesWith(marker), []);
    assert.ok(took >= 1500 && took < 15_000, `deletion took ${took} ms (grace 2 s)`);
  });

  test("a process that handles SIGTERM ends at once on deletion", async () => {
    await t.createPod("polite", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "trap 'echo bye; exit 0' TERM; while :; do sleep 0.1; done"],
        },
      ],
    });
    await podPhase(t.core, t.ns, "polite", ["Running"]);
    const started = Date.now();
    await t.core.deleteNamespacedPod({ name: "polite", namespace: t.ns });
    await podGone(t.core, t.ns, "polite", 30_000);
    assert.ok(Date.now() - started < 10_000);
  });

  test("env sources, init containers in order, shared emptyDir, secret/downwardAPI/token volumes, working dir", async () => {
    await t.core.createNamespacedSecret({
      namespace: t.ns,
      body: { metadata: { name: "sec" }, stringData: { password: "s3cret", USER_NAME: "ada" } },
    });
    await t.core.createNamespacedConfigMap({
      namespace: t.ns,
      body: { metadata: { name: "env" }, data: { GREETING: "hi", "1-not-a-variable": "x" } },
    });
    const script = [
      "cat /shared/order",
      'echo "env: $GREETING $APP_USER_NAME $PASSWORD $NODE $NS $MEM $COMBINED"',
      'echo "files: $(cat /secret/password) $(cat /info/name) $(cat /info/labels)"',
      "test -s /var/run/secrets/kubernetes.io/serviceaccount/token && echo token-ok",
      "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo",
      "grep -q 'BEGIN CERTIFICATE' /var/run/secrets/kubernetes.io/serviceaccount/ca.crt && echo ca-ok",
      "pwd; hostname",
    ].join("; ");
    await t.core.createNamespacedPod({
      namespace: t.ns,
      body: {
        metadata: { name: "rich", labels: { app: "rich" } },
        spec: t.spec({
          initContainers: [
            {
              name: "first",
              image: "busybox",
              command: ["sh", "-c", "echo one > /shared/order"],
              volumeMounts: [{ name: "shared", mountPath: "/shared" }],
            },
            {
              name: "second",
              image: "busybox",
              command: ["sh", "-c", "echo two >> /shared/order"],
              volumeMounts: [{ name: "shared", mountPath: "/shared" }],
            },
          ],
          containers: [
            {
              name: "main",
              image: "alpine:3",
              command: ["sh", "-c", script],
              workingDir: "/work/here",
              resources: { limits: { memory: "256Mi" } },
              envFrom: [{ configMapRef: { name: "env" } }, { secretRef: { name: "sec" }, prefix: "APP_" }],
              env: [
                { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "sec", key: "password" } } },
                { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                {
                  name: "MEM",
                  valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } },
                },
                { name: "COMBINED", value: "$(GREETING)-$(NS)" },
              ],
              volumeMounts: [
                { name: "shared", mountPath: "/shared" },
                { name: "secret", mountPath: "/secret" },
                { name: "info", mountPath: "/info" },
              ],
            },
          ],
          volumes: [
            { name: "shared", emptyDir: {} },
            { name: "secret", secret: { secretName: "sec" } },
            {
              name: "info",
              downwardAPI: {
                items: [
                  { path: "name", fieldRef: { fieldPath: "metadata.name" } },
                  { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
                ],
              },
            },
          ],
        }),
      },
    });
    const pod = await podPhase(t.core, t.ns, "rich", ["Succeeded", "Failed"]);
    const logs = await kubectl(t.cluster, ["-n", t.ns, "logs", "rich"]);
    assert.equal(pod.status?.phase, "Succeeded", logs.stdout + logs.stderr);
    const node = pod.spec?.nodeName;
    assert.equal(
      logs.stdout,
      [
        "one",
        "two",
        `env: hi ada s3cret ${node} ${t.ns} 256 hi-${t.ns}`,
        'files: s3cret rich app="rich"',
        "token-ok",
        t.ns,
        "ca-ok",
        "/work/here",
        "rich",
        "",
      ].join("\n"),
    );
    assert.deepEqual(
      pod.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.exitCode]),
      [
        ["first", 0],
        ["second", 0],
      ],
    );
  });

  test("Service names resolve to the selected pods' addresses; kubernetes.default.svc reaches the API server", async () => {
    await t.core.createNamespacedPod({
      namespace: t.ns,
      body: {
        metadata: { name: "server", labels: { app: "server" } },
        spec: t.spec({
          containers: [
            { name: "main", image: "busybox", command: ["sh", "-c", "while :; do sleep 1; done"] },
          ],
        }),
      },
    });
    await t.core.createNamespacedService({
      namespace: t.ns,
      body: {
        metadata: { name: "backend" },
        spec: { clusterIP: "None", selector: { app: "server" }, ports: [{ port: 8080 }] },
      },
    });
    const server = await podPhase(t.core, t.ns, "server", ["Running"]);
    const check = [
      "getent hosts backend | cut -d' ' -f1",
      `getent hosts backend.${t.ns}.svc.cluster.local | cut -d' ' -f1`,
      // An HTTPS request through kubernetes.default.svc:443 with the pod's token and CA.
      "python3 - <<'EOF'",
      "import ssl, urllib.request",
      "d = '/var/run/secrets/kubernetes.io/serviceaccount/'",
      "ctx = ssl.create_default_context(cafile=d + 'ca.crt')",
      "req = urllib.request.Request('https://kubernetes.default.svc/version', headers={'Authorization': 'Bearer ' + open(d + 'token').read()})",
      "print('api', urllib.request.urlopen(req, context=ctx).status)",
      "EOF",
    ].join("\n");
    await t.createPod("client", {
      containers: [{ name: "main", image: "python:3", command: ["sh", "-c", check] }],
    });
    const client = await podPhase(t.core, t.ns, "client", ["Succeeded", "Failed"], 90_000);
    const logs = await kubectl(t.cluster, ["-n", t.ns, "logs", "client"]);
    assert.equal(client.status?.phase, "Succeeded", logs.stdout + logs.stderr);
    assert.equal(logs.stdout, `${server.status?.podIP}\n${server.status?.podIP}\napi 200\n`);
  });

  test("restartPolicy OnFailure restarts a failed container (restartCount, lastState, previous logs)", async () => {
    await t.createPod("retry", {
      restartPolicy: "OnFailure",
      containers: [
        {
          name: "main",
          image: "busybox",
          command: [
            "sh",
            "-c",
            "if [ -f /data/seen ]; then echo second; exit 0; fi; touch /data/seen; echo first; exit 1",
          ],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
        },
      ],
      volumes: [{ name: "data", emptyDir: {} }],
    });
    const pod = await podPhase(t.core, t.ns, "retry", ["Succeeded", "Failed"]);
    assert.equal(pod.status?.phase, "Succeeded");
    const cs = pod.status?.containerStatuses?.[0];
    assert.equal(cs?.restartCount, 1);
    assert.equal(cs?.lastState?.terminated?.exitCode, 1);
    assert.equal((await kubectl(t.cluster, ["-n", t.ns, "logs", "retry"])).stdout, "second\n");
    assert.equal((await kubectl(t.cluster, ["-n", t.ns, "logs", "retry", "--previous"])).stdout, "first\n");
  });

  test("activeDeadlineSeconds stops the pod: Failed, DeadlineExceeded", async () => {
    await t.createPod("deadline", {
      activeDeadlineSeconds: 2,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "while :; do sleep 0.2; done"] }],
    });
    const pod = await podPhase(t.core, t.ns, "deadline", ["Succeeded", "Failed"], 30_000);
    assert.equal(pod.status?.phase, "Failed");
    assert.equal(pod.status?.reason, "DeadlineExceeded");
    assert.ok(pod.status?.containerStatuses?.[0]?.state?.terminated);
  });

  test("a sidecar (init container with restartPolicy Always) runs beside the main container and is stopped after it", async () => {
    await t.createPod("sidecar", {
      initContainers: [
        {
          name: "side",
          image: "busybox",
          restartPolicy: "Always",
          command: [
            "sh",
            "-c",
            "echo side-up > /shared/side; trap 'exit 0' TERM; while :; do sleep 0.1; done",
          ],
          volumeMounts: [{ name: "shared", mountPath: "/shared" }],
        },
      ],
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "while [ ! -f /shared/side ]; do sleep 0.1; done; cat /shared/side"],
          volumeMounts: [{ name: "shared", mountPath: "/shared" }],
        },
      ],
      volumes: [{ name: "shared", emptyDir: {} }],
    });
    const pod = await podPhase(t.core, t.ns, "sidecar", ["Succeeded", "Failed"]);
    assert.equal(pod.status?.phase, "Succeeded");
    assert.equal(
      (await kubectl(t.cluster, ["-n", t.ns, "logs", "sidecar", "-c", "main"])).stdout,
      "side-up\n",
    );
    await waitFor("the sidecar to be stopped", async () => {
      const p = await t.core.readNamespacedPod({ name: "sidecar", namespace: t.ns });
      return p.status?.initContainerStatuses?.[0]?.state?.terminated !== undefined;
    });
  });

  test("/stats/summary on the node's kubelet endpoint: a running pod's CPU and memory, an ended one's final CPU, kept after deletion", async () => {
    // ~1 s of CPU in the shell, then a sleep: the reading while it sleeps and the final one both hold the burn.
    const burn = "i=0; while [ $i -lt 1500000 ]; do i=$((i+1)); done";
    await t.createPod("burn", {
      containers: [{ name: "main", image: "busybox", command: ["sh", "-c", `${burn}; sleep 2`] }],
    });
    const running = await podPhase(t.core, t.ns, "burn", ["Running", "Succeeded", "Failed"]);
    const node = running.spec?.nodeName ?? "";
    // As the operator reads it: straight to the kubelet (the API server's node proxy refuses 127.x nodes).
    const at = kubeletAddress(await t.core.readNode({ name: node }));
    assert.ok(at, "the Node has an InternalIP and a kubelet port");
    const summary = async () => {
      const doc = (await kubeletGet(t.cluster.kc, at, "/stats/summary")) as {
        node: { nodeName: string };
        pods: {
          podRef: { name: string; uid: string };
          cpu: { usageCoreNanoSeconds: number; usageNanoCores?: number };
          memory?: { workingSetBytes: number };
          containers: { name: string; cpu: { usageCoreNanoSeconds: number } }[];
        }[];
      };
      assert.equal(doc.node.nodeName, node);
      return doc.pods.find((p) => p.podRef.uid === running.metadata?.uid);
    };
    const live = await waitFor("the burn's CPU in the running pod's summary", async () => {
      const p = await summary();
      return p && p.cpu.usageCoreNanoSeconds > 0.5e9 && p.memory && p;
    });
    assert.ok(live.memory!.workingSetBytes > 0, "a live process has memory");
    assert.equal(live.containers[0]?.name, "main");
    const ended = await podPhase(t.core, t.ns, "burn", ["Succeeded", "Failed"]);
    assert.equal(ended.status?.phase, "Succeeded");
    const final = (await summary())!;
    assert.ok(final, "an ended pod is still listed");
    assert.ok(
      final.cpu.usageCoreNanoSeconds >= live.cpu.usageCoreNanoSeconds,
      `final ${final.cpu.usageCoreNanoSeconds} >= live ${live.cpu.usageCoreNanoSeconds}`,
    );
    assert.equal(final.memory, undefined, "no memory once its processes are gone");
    await t.core.deleteNamespacedPod({ namespace: t.ns, name: "burn", gracePeriodSeconds: 0 });
    await podGone(t.core, t.ns, "burn");
    const departed = await waitFor("the deleted pod still in the summary", async () => summary());
    assert.equal(departed.cpu.usageCoreNanoSeconds, final.cpu.usageCoreNanoSeconds);
    console.log(`burn pod used ${(final.cpu.usageCoreNanoSeconds / 1e9).toFixed(2)} CPU s`);
  });

  test("a container over its memory limit is killed: OOMKilled, exit code 137", async () => {
    await t.createPod("hog", {
      containers: [
        {
          name: "main",
          image: "python:3",
          command: [
            "python3",
            "-c",
            "import time\nx = bytearray(300 * 1024 * 1024)\nfor i in range(0, len(x), 4096): x[i] = 1\ntime.sleep(60)",
          ],
          resources: { limits: { memory: "64Mi" } },
        },
      ],
    });
    const pod = await podPhase(t.core, t.ns, "hog", ["Succeeded", "Failed"], 60_000);
    const term = pod.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(pod.status?.phase, "Failed");
    assert.equal(term?.reason, "OOMKilled");
    assert.equal(term?.exitCode, 137);
  });
});
