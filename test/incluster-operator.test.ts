import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CoreV1Api, CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import { parse } from "yaml";
import { type Agent, startAgent } from "../src/agent/index.js";
import { SPARKPLANE_IMAGE } from "../src/agent/sparkplane-image.js";
import { COST_ANNOTATION } from "../src/api/sparkplane/constants.js";
import { parseLedger } from "../src/api/sparkplane/cost.js";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { down, privateCluster, processesMentioning, type TestCluster } from "./cluster.js";
import {
  ChartRelease,
  isRunning,
  killContainer,
  leaseHolder,
  operatorPods,
  podOfHolder,
} from "./incluster-helpers.js";
import { eventually } from "./poll.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const RELEASE = "sparkplane";
const RELEASE_NS = "sparkplane-system";
const NS = "default";
const AGENT = "incluster";
/** The chart's names for release "sparkplane" (the fullname is the release name when it contains the chart's). */
const CONTROLLER = `${RELEASE}-controller`;
const LEASE = `${CONTROLLER}-lock`;
/** The operator as the agent runs the image: this checkout mounted at the image's WORKDIR. */
const OPERATOR_PROCESS = `${SPARKPLANE_IMAGE.workDir}/bin/sparkplane.js operator`;
/** What the test keeps in every helm command: the agent runs the chart's image as this checkout, nothing is pulled. */
const VALUES = ["image.pullPolicy=Never", `spark.jobNamespaces={${NS}}`];
/** The chart's ServiceAccount for Spark drivers in each job namespace (`<fullname>-spark`). */
const SPARK_SA = `${RELEASE}-spark`;

const secs = (ms: number) => (ms / 1000).toFixed(1);

function sparkPi(name: string, executors = 2): SparkApplication {
  const app = parse(readFileSync(join(ROOT, "examples", "spark-pi.yaml"), "utf8")) as SparkApplication;
  return {
    ...app,
    metadata: { name, namespace: NS },
    spec: {
      ...app.spec,
      driver: { ...app.spec.driver, serviceAccount: SPARK_SA },
      executor: { ...app.spec.executor, instances: executors },
    },
  };
}

describe("the operator in-cluster: the Helm chart on the embedded cluster, its pods run by the agent", {
  timeout: 900_000,
}, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let release: ChartRelease;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: NS };

  before(async () => {
    cluster = await privateCluster();
    agent = await startAgent({ stateDir: cluster.stateDir, name: AGENT, nodes: 1 });
    release = new ChartRelease(
      cluster.kubeconfig,
      RELEASE,
      RELEASE_NS,
      join(ROOT, "charts", "sparkplane"),
      VALUES,
    );
    core = cluster.kc.makeApiClient(CoreV1Api);
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
  });
  after(async () => {
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  const create = (app: SparkApplication) => custom.createNamespacedCustomObject({ ...ref, body: app });
  const get = async (name: string) =>
    (await custom.getNamespacedCustomObject({ ...ref, name })) as SparkApplication;
  const state = (app: SparkApplication) => app.status?.applicationState?.state ?? "";
  const waitForState = (name: string, states: string[], timeoutMs = 240_000) =>
    eventually(
      `${name} in ${states.join("|")}`,
      async () => {
        const app = await get(name);
        return states.includes(state(app)) ? app : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );
  const driverPods = async (app: string) =>
    (
      await core.listNamespacedPod({
        namespace: NS,
        labelSelector: `spark-role=driver,${OperatorLabel.AppName}=${app}`,
      })
    ).items;
  const runningOperators = (count: number) =>
    eventually(
      `${count} operator pod(s) Running`,
      async () => {
        const pods = await operatorPods(cluster.kc, release);
        return pods.length === count && pods.every(isRunning) ? pods : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
  const operatorLog = async (pod: V1Pod) =>
    (await release.kubectl(["logs", "-n", RELEASE_NS, pod.metadata!.name!, "-c", "operator"])).stdout;
  const holderPod = async () => podOfHolder(await leaseHolder(cluster.kc, RELEASE_NS, LEASE));

  test("helm install: the operator pod runs on the agent as this checkout, in-cluster; spark-pi COMPLETED through it", async () => {
    const started = Date.now();
    // With the console, and used CPU read from the nodes (the chart then grants nodes/proxy get).
    await release.install(["console.enabled=true", "controller.nodeStatsInterval=5"]);
    const [pod] = await runningOperators(1);
    const podIP = pod!.status!.podIP!;
    assert.ok(
      agent.nodes.some((n) => n.name === pod!.spec?.nodeName),
      "scheduled onto the agent's node",
    );
    const argvs = processesMentioning(OPERATOR_PROCESS).flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")];
      } catch {
        return []; // gone meanwhile
      }
    });
    assert.ok(
      argvs.some((argv) => argv.includes(`--metrics-host=${podIP}`) && argv.includes("--no-install-crds")),
      `this checkout's operator with the chart's args: ${JSON.stringify(argvs)}`,
    );
    // The metrics server is bound to the pod's own address (POD_IP), not 0.0.0.0.
    await eventually(
      "/readyz on the pod IP",
      async () => (await fetch(`http://${podIP}:8080/readyz`)).status === 200,
      { timeoutMs: 60_000, intervalMs: 250, retryErrors: true },
    );
    console.log(`in-cluster operator Running and ready ${secs(Date.now() - started)} s after helm install`);

    await create(sparkPi("spark-pi"));
    const done = await waitForState("spark-pi", ["COMPLETED", "FAILED"]);
    assert.equal(state(done), "COMPLETED", done.status?.applicationState?.errorMessage);
    assert.equal(Object.keys(done.status?.executorState ?? {}).length, 2, "two executors tracked");
    // The in-cluster operator (the only one there is) counted it.
    const metrics = await (await fetch(`http://${podIP}:8080/metrics`)).text();
    assert.match(metrics, /^spark_application_success_count(_total)?\{[^}]*"default"[^}]*\} 1$/m);
    assert.match(await operatorLog(pod!), /caches synced/);
    // What it cost, with the CPU the agent's /stats/summary reported, read with the chart's RBAC.
    const ledger = await eventually(
      "the cost ledger with 3 pods and their used CPU",
      async () => {
        const l = parseLedger((await get("spark-pi")).metadata.annotations?.[COST_ANNOTATION]);
        return Object.keys(l.pods).length === 3 && l;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.ok((ledger.usedCpuCoreSeconds ?? 0) > 1, `used CPU recorded: ${JSON.stringify(ledger)}`);
    assert.doesNotMatch(await operatorLog(pod!), /stats\/summary/, "no refusal from the node");
    console.log(
      `spark-pi through the in-cluster operator: ${secs(Date.now() - started)} s from helm install`,
    );
  });

  test("console.enabled: the console pod answers with the caller's identity (a Role-bound token reads, others get 403/401)", async () => {
    const consolePod = await eventually(
      "the console pod Running",
      async () => {
        const pods = await core.listNamespacedPod({
          namespace: RELEASE_NS,
          labelSelector: "app.kubernetes.io/component=console",
        });
        return pods.items.find(isRunning);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const base = `http://${consolePod.status!.podIP}:8998`;
    await eventually("the console's /healthz", async () => (await fetch(`${base}/healthz`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 250,
      retryErrors: true,
    });
    const rbac = {
      apiVersion: "v1",
      kind: "List",
      items: [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "reader", namespace: NS } },
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "stranger", namespace: NS } },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "Role",
          metadata: { name: "sparkapp-reader", namespace: NS },
          rules: [{ apiGroups: [GROUP], resources: ["sparkapplications"], verbs: ["get", "list"] }],
        },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name: "sparkapp-reader", namespace: NS },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "sparkapp-reader" },
          subjects: [{ kind: "ServiceAccount", name: "reader", namespace: NS }],
        },
      ],
    };
    await release.kubectl(["apply", "-f", "-"], JSON.stringify(rbac));
    const token = async (sa: string) =>
      (await release.kubectl(["create", "token", sa, "-n", NS])).stdout.trim();
    const appUrl = `${base}/api/v1/namespaces/${NS}/sparkapplications/spark-pi`;
    const as = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
    const reader = await token("reader");
    const ok = await fetch(appUrl, as(reader));
    assert.equal(ok.status, 200, await ok.clone().text());
    const app = (await ok.json()) as SparkApplication;
    assert.equal(app.status?.applicationState?.state, "COMPLETED");
    const stranger = await fetch(appUrl, as(await token("stranger")));
    assert.equal(stranger.status, 403, await stranger.text());
    const anonymous = await fetch(appUrl);
    assert.equal(anonymous.status, 401, "--no-local-identity: no token, no access");
    const cannotDelete = await fetch(appUrl, { method: "DELETE", ...as(reader) });
    assert.equal(cannotDelete.status, 403, "a write is the caller's, not the console's");
    assert.equal(state(await get("spark-pi")), "COMPLETED", "still there");
    console.log(
      `in-cluster console at ${base}: reader 200, stranger 403, anonymous 401, reader's DELETE 403`,
    );
  });

  test("RBAC: without the sparkapplications/status rule the operator's log names the Forbidden; restored, the app proceeds", async () => {
    const rendered = await release.template();
    const role = rendered.find(
      (d) =>
        d.kind === "Role" &&
        (d.metadata as { name?: string; namespace?: string }).name === CONTROLLER &&
        (d.metadata as { namespace?: string }).namespace === NS,
    ) as { rules: { resources?: string[] }[] } | undefined;
    assert.ok(role, `the chart renders the operator's Role in ${NS}`);
    const crippled = {
      ...role,
      rules: role.rules.filter((r) => !r.resources?.includes(`${SparkApplicationNames.plural}/status`)),
    };
    assert.equal(crippled.rules.length, role.rules.length - 1, "one rule removed");
    await release.kubectl(["apply", "-f", "-"], JSON.stringify(crippled));

    const [pod] = await operatorPods(cluster.kc, release);
    await create(sparkPi("rbac-pi", 1));
    const forbidden = new RegExp(
      `forbidden: User \\\\?"system:serviceaccount:${RELEASE_NS}:${CONTROLLER}\\\\?" cannot update resource \\\\?"sparkapplications/status\\\\?"`,
    );
    const log = await eventually(
      "the Forbidden in the operator's log",
      async () => {
        const text = await operatorLog(pod!);
        return forbidden.test(text) ? text : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.match(log, /reconcile failed/);
    const line = log.split("\n").find((l) => forbidden.test(l)) ?? "";
    const message = line
      .replaceAll('\\"', '"')
      .match(/\S+ "[^"]+" is forbidden: .*? in the namespace "[^"]+"/);
    console.log(`operator log: ${message?.[0] ?? line}`);
    assert.equal(state(await get("rbac-pi")), "", "no status could be written");

    await release.kubectl(["apply", "-f", "-"], JSON.stringify(role));
    const proceeded = await waitForState("rbac-pi", ["SUBMITTED", "RUNNING", "COMPLETED"], 120_000);
    assert.equal(
      proceeded.status?.submissionAttempts,
      1,
      "the driver created before was adopted, not resubmitted",
    );
    assert.equal((await driverPods("rbac-pi")).length, 1);
    await custom.deleteNamespacedCustomObject({ ...ref, name: "rbac-pi" });
  });

  test("helm upgrade --set controller.replicas=2: one leader, one standby; SIGKILL the leader, the standby takes over, nothing submitted twice", async () => {
    await release.upgrade(["controller.replicas=2"]);
    const pods = await runningOperators(2);
    const names = pods.map((p) => p.metadata!.name!);
    const leaderName = await eventually(
      "a leader among the two",
      async () => {
        const holder = await holderPod();
        return holder && names.includes(holder) ? holder : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const leader = pods.find((p) => p.metadata?.name === leaderName)!;
    const standby = names.find((n) => n !== leaderName)!;
    assert.match(await operatorLog(leader), /became the leader/);

    await create(sparkPi("before-failover", 1));
    await waitForState("before-failover", ["SUBMITTED", "RUNNING"]);

    const killedAt = Date.now();
    killContainer(cluster.stateDir, AGENT, leader, "operator");
    await create(sparkPi("after-failover", 1));
    await eventually("the standby holding the Lease", async () => (await holderPod()) === standby, {
      timeoutMs: 90_000,
      intervalMs: 100,
    });
    const acquiredAt = Date.now();
    await eventually(
      "after-failover submitted",
      async () => (await get("after-failover")).status?.submissionAttempts,
      {
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );
    const submittedAt = Date.now();
    console.log(
      `failover (leader SIGKILLed): the standby acquired the Lease after ${secs(acquiredAt - killedAt)} s, ` +
        `submitted the next app after ${secs(submittedAt - killedAt)} s`,
    );

    // The app the old leader submitted is finished by the new one; the one submitted after the failover runs.
    const finished = await waitForState("before-failover", ["COMPLETED", "FAILED"]);
    assert.equal(state(finished), "COMPLETED", finished.status?.applicationState?.errorMessage);
    await waitForState("after-failover", ["RUNNING", "COMPLETED"]);
    for (const name of ["before-failover", "after-failover"]) {
      assert.equal((await get(name)).status?.submissionAttempts, 1, `${name} submitted once`);
      assert.equal((await driverPods(name)).length, 1, `${name} has one driver pod`);
    }
    await custom.deleteNamespacedCustomObject({ ...ref, name: "after-failover" });
    // The killed container restarted and stands by: still two operators, the Lease with the new leader.
    await runningOperators(2);
    assert.equal(await holderPod(), standby);

    // A graceful stop (pod deletion, a rolling update): the leader releases the Lease on SIGTERM, and a live
    // replica takes it: usually the restarted one, but the Deployment's replacement pod may win the race.
    const deletedAt = Date.now();
    await core.deleteNamespacedPod({ name: standby, namespace: RELEASE_NS });
    let lastHolder: string | undefined;
    const successor = await eventually(
      `a replica other than ${standby} holding the Lease`,
      async () => {
        lastHolder = await holderPod();
        if (!lastHolder || lastHolder === standby) return undefined;
        const live = (await operatorPods(cluster.kc, release)).map((p) => p.metadata!.name!);
        return live.includes(lastHolder) ? lastHolder : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    ).catch(async (err: Error) => {
      const logs = await Promise.all(
        (await operatorPods(cluster.kc, release)).map(
          async (p) =>
            `--- ${p.metadata!.name}\n${(await operatorLog(p).catch((e: Error) => e.message)).slice(-4000)}`,
        ),
      );
      throw new Error(`${err.message}; Lease holder: ${lastHolder ?? "none"}\n${logs.join("\n")}`);
    });
    console.log(
      `failover (leader pod deleted, SIGTERM): the Lease changed hands after ${secs(Date.now() - deletedAt)} s, ` +
        `to the ${successor === leaderName ? "restarted replica" : "replacement pod"}`,
    );
  });

  test("helm uninstall: no object of the chart left behind; the CRDs stay (crds/)", async () => {
    const rendered = await release.template(["controller.replicas=2"]);
    await release.uninstall();
    await eventually(
      "operator pods gone",
      async () => (await operatorPods(cluster.kc, release)).length === 0,
      {
        timeoutMs: 120_000,
        intervalMs: 250,
      },
    );
    await eventually("operator processes gone", () => processesMentioning(OPERATOR_PROCESS).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const manifest = rendered.map((d) => JSON.stringify(d)).join("\n");
    const left = await release.kubectl(["get", "-f", "-", "--ignore-not-found", "-o", "name"], manifest);
    assert.equal(left.stdout.trim(), "", "every object the chart rendered is gone");
    const labelled = await release.kubectl([
      "get",
      "deployments,replicasets,pods,serviceaccounts,services,roles,rolebindings,clusterroles,clusterrolebindings,poddisruptionbudgets,configmaps,leases",
      "--all-namespaces",
      "-l",
      `app.kubernetes.io/instance=${RELEASE}`,
      "-o",
      "name",
    ]);
    assert.equal(labelled.stdout.trim(), "", "nothing labelled with the release");
    for (const crd of ["sparkapplications", "scheduledsparkapplications"])
      await release.kubectl(["get", "crd", `${crd}.${GROUP}`]);
    // The release owns its Lease (templates/lease.yaml), so it went with the rest, checked by `get -f` above.
    assert.ok(
      rendered.some(
        (d) => d.kind === "Lease" && (d.metadata as { name?: string } | undefined)?.name === LEASE,
      ),
      "the chart renders the Lease",
    );
  });
});
