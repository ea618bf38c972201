/**
 * Pod Security Admission and the pods native submission builds (docs/security.md): Spark's driver pod and
 * executor template pass `baseline` as built, and `restricted` with the securityContext the docs show; the
 * escalating app of issue 23 is refused by `baseline` whoever submits it — the layer that holds even where
 * the admission policy is turned off. Pods are created with dryRun=All, as the operator would create them.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { SparkApplication, SparkApplicationSpec } from "../src/api/v1beta2/sparkapplication.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { buildDriverObjects } from "../src/submit/driver.js";
import { identityOf, javaApp, MASTER } from "../src/submit/fixtures.test-helpers.js";
import { ensureServiceAccount } from "./admission-fixture.js";
import { freshNamespace } from "./cluster.js";

/** The securityContext that makes Spark's pods pass `restricted` (docs/security.md shows the same). */
const RESTRICTED_ROLE = {
  podSecurityContext: { runAsNonRoot: true, runAsUser: 185, seccompProfile: { type: "RuntimeDefault" } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
};

const ESCALATING: Partial<SparkApplicationSpec> = {
  driver: {
    cores: 1,
    memory: "512m",
    serviceAccount: "spark",
    securityContext: { privileged: true },
    volumeMounts: [{ name: "host", mountPath: "/host" }],
  },
  volumes: [{ name: "host", hostPath: { path: "/" } }],
};

/** The driver pod and the executor template pod native submission builds for `app`, in `namespace`. */
function sparkPods(app: SparkApplication, namespace: string): V1Pod[] {
  app.metadata.namespace = namespace;
  const objects = buildDriverObjects(app, identityOf(app), { master: MASTER });
  const template = parse(Object.values(objects.executorPodTemplate.data ?? {})[0]!) as V1Pod;
  // Spark's driver completes the template with the image, resources and env: nothing Pod Security looks at.
  for (const c of template.spec?.containers ?? []) c.image ??= app.spec.image;
  return [objects.pod, { ...template, metadata: { ...template.metadata, name: "executor", namespace } }];
}

describe("Pod Security Admission: the levels Spark's pods pass", { timeout: 60_000 }, () => {
  let core: CoreV1Api;
  const namespaces: Record<string, string> = {};

  /** Creates each pod with dryRun=All; the refusals' messages (empty when admitted). */
  const tryPods = async (pods: V1Pod[], namespace: string) =>
    Promise.all(
      pods.map((body) =>
        core
          .createNamespacedPod({ namespace, body, dryRun: "All" })
          .then(() => "")
          .catch((err: { code?: number; body?: string }) => `${err.code}: ${err.body}`),
      ),
    );

  before(async () => {
    for (const level of ["baseline", "restricted"]) {
      const { name, cluster } = await freshNamespace(`psa-${level}`);
      core = cluster.kc.makeApiClient(CoreV1Api);
      await core.patchNamespace(
        { name, body: { metadata: { labels: { "pod-security.kubernetes.io/enforce": level } } } },
        mergePatchOptions,
      );
      await ensureServiceAccount(cluster.kc, name, "spark");
      namespaces[level] = name;
    }
  });

  it("baseline: an ordinary app's driver and executor pods pass as built (Spark 3.5 and 4)", async () => {
    for (const sparkVersion of ["3.5.3", "4.0.0"]) {
      const app = javaApp({ sparkVersion, driver: { cores: 1, memory: "1g", serviceAccount: "spark" } });
      assert.deepEqual(await tryPods(sparkPods(app, namespaces.baseline!), namespaces.baseline!), ["", ""]);
    }
  });

  it("baseline refuses the escalating app's driver pod, whoever submits it", async () => {
    const [driver] = await tryPods(
      sparkPods(javaApp(ESCALATING), namespaces.baseline!),
      namespaces.baseline!,
    );
    assert.match(
      driver!,
      /^403: .*violates PodSecurity \\"baseline:latest\\": hostPath volumes \(volume \\"host\\"\), privileged \(container \\"spark-kubernetes-driver\\"/,
    );
  });

  it("restricted: refused as built, admitted with the documented securityContext for both roles", async () => {
    const ns = namespaces.restricted!;
    const plain = javaApp({ driver: { cores: 1, memory: "1g", serviceAccount: "spark" } });
    for (const refusal of await tryPods(sparkPods(plain, ns), ns))
      assert.match(refusal, /violates PodSecurity \\"restricted:latest\\"/);
    const hardened = javaApp({
      driver: { cores: 1, memory: "1g", serviceAccount: "spark", ...RESTRICTED_ROLE },
      executor: { cores: 1, instances: 1, memory: "1g", ...RESTRICTED_ROLE },
    });
    assert.deepEqual(await tryPods(sparkPods(hardened, ns), ns), ["", ""]);
  });
});
