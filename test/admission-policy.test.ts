/**
 * The admission policy against the real API server (issue 23): a user who may only write SparkApplications
 * cannot have the operator create a privileged, host-mounting pod running as a cluster-admin ServiceAccount,
 * not directly, not through a ScheduledSparkApplication or a SparkConnect, not through the console's REST API
 * or Livy; an ordinary app of a user who may create its pods is admitted, and so is an admin's privileged one.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeConfig } from "@kubernetes/client-node";
import { BATCH_ID_CONFIGMAP } from "../src/console/constants.js";
import { ensureAdmissionPolicy } from "../src/local/admission-policy.js";
import { ensureCrds } from "../src/operator/crds.js";
import {
  type Answer,
  adminServiceAccount,
  BYPASS,
  CREATE_PODS,
  createAs,
  ensureServiceAccount,
  patchAppAs,
  useEscalations,
  userWithRole,
  useServiceAccount,
  WRITE_SPARK_KINDS,
} from "./admission-fixture.js";
import { freshNamespace } from "./cluster.js";
import { startTestConsole, type TestConsole } from "./console-fixture.js";
import { eventually } from "./poll.js";

const base = {
  type: "Scala",
  sparkVersion: "3.5.9",
  image: "spark:3.5.9",
  mainClass: "x.Pi",
  mainApplicationFile: "local:///x.jar",
  executor: { instances: 1, cores: 1, memory: "512m" },
};
/** An ordinary app: runs as `spark`, asks for nothing of the host. */
const ordinary = { ...base, driver: { cores: 1, memory: "512m", serviceAccount: "spark" } };
/** The attack of issue 23: cluster-admin's account, privileged, the host's root mounted. */
const escalating = {
  ...base,
  driver: {
    cores: 1,
    memory: "512m",
    serviceAccount: "admin-sa",
    securityContext: { privileged: true },
    volumeMounts: [{ name: "host", mountPath: "/host" }],
  },
  volumes: [{ name: "host", hostPath: { path: "/" } }],
};
const named = (name: string, spec: unknown) => ({ metadata: { name }, spec });

describe("admission policy: no escalation through the operator", { timeout: 180_000 }, () => {
  let ns: string;
  let admin: KubeConfig;
  let alice: Awaited<ReturnType<typeof userWithRole>>;
  let bob: Awaited<ReturnType<typeof userWithRole>>;
  let console_: TestConsole;

  /**
   * What a refusal says for `user` about the escalating spec at `at`. The API server reports the first failing
   * check: the named accounts, then each escalation (every field asking for it), then pods.
   */
  const messages = (user: string, at: string) => ({
    account: `${at}driver.serviceAccount: user ${user} may not use ServiceAccount admin-sa in namespace ${ns} (needs verb 'use' on serviceaccounts/admin-sa)`,
    privileged: `${at}driver.securityContext.privileged: user ${user} may not run privileged containers in namespace ${ns} (needs verb 'use' on escalations.sparkplane.io/privileged)`,
    hostPath: `${at}volumes[host].hostPath: user ${user} may not mount hostPath volumes in namespace ${ns} (needs verb 'use' on escalations.sparkplane.io/hostPath)`,
    pods: `user ${user} may not create pods in namespace ${ns} (needs verb 'create' on pods)`,
  });
  const assertRefused = (answer: Answer, message: string) => {
    assert.equal(answer.status, 403, answer.message);
    assert.ok(answer.message.includes(message), `${message}\n  not in: ${answer.message}`);
  };

  before(async () => {
    const fresh = await freshNamespace("admission");
    ns = fresh.name;
    admin = fresh.cluster.kc;
    await ensureCrds(admin);
    await ensureAdmissionPolicy(admin);
    await adminServiceAccount(admin, ns, "admin-sa");
    await ensureServiceAccount(admin, ns, "spark");
    alice = await userWithRole(admin, ns, "alice", [WRITE_SPARK_KINDS]);
    bob = await userWithRole(admin, ns, "bob", [
      WRITE_SPARK_KINDS,
      CREATE_PODS,
      useServiceAccount("spark"),
      { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications"], verbs: ["patch"] },
      { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications/status"], verbs: ["patch"] },
    ]);
    // A policy just created takes a moment to be enforced.
    let probe = 0;
    await eventually(
      "the policy enforced",
      async () => (await createAs(alice.kc, ns, "app", named(`probe-${probe++}`, escalating))).status === 403,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    console_ = await startTestConsole(admin, ns);
  });
  after(() => console_?.stop());

  it("alice (create/get/list sparkapplications only) is refused the escalating app, each field named in turn", async () => {
    const expect = messages(alice.username, "spec.");
    const { serviceAccount: _, ...noAccount } = escalating.driver;
    const { securityContext: __, ...plainDriver } = noAccount;
    for (const [spec, message] of [
      [escalating, expect.account],
      [{ ...escalating, driver: noAccount }, expect.privileged],
      [{ ...escalating, driver: plainDriver }, expect.hostPath],
      [{ ...ordinary, driver: { cores: 1, memory: "512m" } }, expect.pods],
    ] as const)
      assertRefused(await createAs(alice.kc, ns, "app", named("escalate", spec)), message);
  });

  it("an ordinary app of a user who may create pods and use serviceaccounts/spark is admitted", async () => {
    assert.deepEqual(await createAs(bob.kc, ns, "app", named("ordinary", ordinary)), {
      status: 201,
      message: "",
    });
    assertRefused(
      await createAs(bob.kc, ns, "app", named("bob-escalate", escalating)),
      messages(bob.username, "spec.").account,
    );
  });

  it("an admin's (system:masters) privileged app is admitted", async () => {
    assert.equal((await createAs(admin, ns, "app", named("admin-privileged", escalating))).status, 201);
  });

  it("the named permissions admit it: use on serviceaccounts/admin-sa and on escalations privileged, hostPath", async () => {
    const carol = await userWithRole(admin, ns, "carol", [
      WRITE_SPARK_KINDS,
      CREATE_PODS,
      useServiceAccount("admin-sa"),
      useEscalations(["privileged"]),
    ]);
    assertRefused(
      await createAs(carol.kc, ns, "app", named("carol-1", escalating)),
      messages(carol.username, "spec.").hostPath,
    );
    const dave = await userWithRole(admin, ns, "dave", [
      WRITE_SPARK_KINDS,
      CREATE_PODS,
      useServiceAccount("admin-sa"),
      useEscalations(["privileged", "hostPath"]),
    ]);
    assert.equal((await createAs(dave.kc, ns, "app", named("dave-1", escalating))).status, 201);
  });

  it("escalations in pod templates, sidecars, sparkConf and host namespaces are found too", async () => {
    const user = bob.username;
    const cases: [Record<string, unknown>, string][] = [
      [
        { sparkConf: { "spark.kubernetes.authenticate.executor.serviceAccountName": "admin-sa" } },
        `spec.sparkConf[spark.kubernetes.authenticate.executor.serviceAccountName]: user ${user} may not use ServiceAccount admin-sa`,
      ],
      [
        {
          driver: {
            ...ordinary.driver,
            sidecars: [
              { name: "tap", image: "busybox", securityContext: { capabilities: { add: ["NET_ADMIN"] } } },
            ],
          },
        },
        `spec.driver.sidecars[tap].securityContext.capabilities.add: user ${user} may not add Linux capabilities`,
      ],
      [
        {
          sparkConf: {
            "spark.kubernetes.executor.volumes.hostPath.data.options.path": "/var/lib",
            "spark.kubernetes.executor.volumes.hostPath.data.mount.path": "/data",
          },
        },
        `spec.sparkConf[spark.kubernetes.executor.volumes.hostPath.data.options.path]: user ${user} may not mount hostPath volumes`,
      ],
      [
        { executor: { ...ordinary.executor, hostNetwork: true } },
        `spec.executor.hostNetwork: user ${user} may not use the host's network`,
      ],
      [
        { executor: { ...ordinary.executor, template: { spec: { hostPID: true, containers: [] } } } },
        `spec.executor.template.spec.hostPID: user ${user} may not use the host's process namespace`,
      ],
      [
        {
          driver: { ...ordinary.driver, securityContext: { privileged: true } },
          executor: {
            ...ordinary.executor,
            template: {
              spec: {
                containers: [{ name: "spark-kubernetes-executor", securityContext: { privileged: true } }],
              },
            },
          },
        },
        `spec.driver.securityContext.privileged, spec.executor.template.spec.containers[spark-kubernetes-executor].securityContext.privileged: user ${user} may not run privileged containers`,
      ],
    ];
    for (const [i, [change, message]] of cases.entries())
      assertRefused(
        await createAs(bob.kc, ns, "app", named(`templated-${i}`, { ...ordinary, ...change })),
        message,
      );
  });

  it("a ScheduledSparkApplication with the same escalation is refused, its template's fields named", async () => {
    const schedule = { schedule: "@every 1h", concurrencyPolicy: "Forbid", template: escalating };
    assertRefused(
      await createAs(alice.kc, ns, "scheduled", named("nightly", schedule)),
      messages(alice.username, "spec.template.").account,
    );
    assert.equal((await createAs(admin, ns, "scheduled", named("nightly", schedule))).status, 201);
  });

  it("a SparkConnect asking for the same through its server's pod template is refused", async () => {
    const session = {
      sparkVersion: "3.5.9",
      image: "spark:3.5.9",
      server: {
        template: {
          spec: {
            serviceAccountName: "admin-sa",
            containers: [{ name: "spark-kubernetes-driver", securityContext: { privileged: true } }],
            volumes: [{ name: "root", hostPath: { path: "/" } }],
          },
        },
      },
      executor: { instances: 1 },
    };
    const user = alice.username;
    assertRefused(
      await createAs(alice.kc, ns, "connect", named("session", session)),
      `spec.server.template.spec.serviceAccountName: user ${user} may not use ServiceAccount admin-sa in namespace ${ns}`,
    );
    const { serviceAccountName: _, ...noAccount } = session.server.template.spec;
    const privileged = { ...session, server: { template: { spec: noAccount } } };
    assertRefused(
      await createAs(alice.kc, ns, "connect", named("session", privileged)),
      `spec.server.template.spec.containers[spark-kubernetes-driver].securityContext.privileged: user ${user} may not run privileged containers`,
    );
  });

  it("updates: metadata and status pass; a spec written by a user who could not create it is refused", async () => {
    // admin-privileged (created above by the admin) asks for admin-sa, privileged and the host's root.
    assert.equal(
      (await patchAppAs(bob.kc, ns, "admin-privileged", { metadata: { labels: { team: "x" } } })).status,
      200,
    );
    const status = { status: { applicationState: { state: "FAILED", errorMessage: "test" } } };
    assert.equal((await patchAppAs(bob.kc, ns, "admin-privileged", status, "status")).status, 200);
    assertRefused(
      await patchAppAs(bob.kc, ns, "admin-privileged", { spec: { arguments: ["1000"] } }),
      messages(bob.username, "spec.").account,
    );
  });

  it("an identity allowed bypass on admission.sparkplane.io (the operator, for scheduled runs) is not checked", async () => {
    const operatorLike = await userWithRole(admin, ns, "operator-like", [WRITE_SPARK_KINDS, BYPASS]);
    assert.equal((await createAs(operatorLike.kc, ns, "app", named("run-1", escalating))).status, 201);
  });

  it("the console's REST API and Livy act as their caller: the policy's refusal reaches them as a 403", async () => {
    const post = async (path: string, token: string, body: unknown) => {
      const res = await fetch(`${console_.base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    const rest = await post(
      `/api/v1/namespaces/${ns}/sparkapplications`,
      alice.token,
      named("via-rest", escalating),
    );
    assertRefused(
      { status: rest.status, message: rest.body.error ?? "" },
      messages(alice.username, "spec.").account,
    );
    // A Livy caller also takes batch ids from a ConfigMap with its own rights (docs/console.md).
    const erin = await userWithRole(admin, ns, "erin", [
      WRITE_SPARK_KINDS,
      { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] },
      {
        apiGroups: [""],
        resources: ["configmaps"],
        resourceNames: [BATCH_ID_CONFIGMAP],
        verbs: ["get", "update"],
      },
    ]);
    const livy = await post("/batches", erin.token, {
      file: "local:///x/pi.py",
      conf: { "spark.kubernetes.driver.volumes.hostPath.root.options.path": "/" },
    });
    // Livy batches run as the console's batch ServiceAccount (spark), which erin may not use.
    assertRefused(
      { status: livy.status, message: livy.body.error ?? "" },
      `spec.driver.serviceAccount: user ${erin.username} may not use ServiceAccount spark in namespace ${ns}`,
    );
  });
});
