import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { GROUP, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { DecideConfig } from "../src/operator/controllers/sparkapplication/decide/index.js";
import { type OperatorOptions, type RunningOperator, startOperator } from "../src/operator/operator.js";
import { freshNamespace, type TestCluster } from "./cluster.js";
import { eventually } from "./poll.js";

export interface OperatorHarness {
  ns: string;
  cluster: TestCluster;
  operator: RunningOperator;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  create(app: Omit<SparkApplication, "apiVersion" | "kind">): Promise<SparkApplication>;
  get(name: string): Promise<SparkApplication>;
  patchSpec(name: string, spec: Record<string, unknown>): Promise<void>;
  /** Polls until `check` returns a value (not undefined/false); fails with the last value after timeoutMs. */
  until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  /** Plays the kubelet: sets the phase (and a terminated container with exitCode for Succeeded/Failed). */
  setPodPhase(
    pod: string,
    phase: "Pending" | "Running" | "Succeeded" | "Failed",
    exitCode?: number,
  ): Promise<void>;
  events(name: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The operator in this process, native submission, watching one namespace (no metrics port, no resync). */
export function startTestOperator(
  kc: KubeConfig,
  namespace: string,
  decide: Partial<DecideConfig> = {},
  overrides: Partial<OperatorOptions> = {},
): Promise<RunningOperator> {
  return startOperator({
    kc,
    namespaces: [namespace],
    workers: 4,
    submitter: "native",
    metricsPort: 0,
    installCrds: true,
    resyncMs: 0,
    logLevel: "warn",
    decide,
    ...overrides,
  });
}

/** An operator running in this process, watching a fresh namespace of the shared test cluster. */
export async function operatorHarness(
  prefix: string,
  decide: Partial<DecideConfig> = {},
  operatorOptions: Partial<OperatorOptions> = {},
): Promise<OperatorHarness> {
  const { name: ns, cluster } = await freshNamespace(prefix);
  await ensureSparkServiceAccount(cluster.kc, ns);
  const operator = await startTestOperator(
    cluster.kc,
    ns,
    {
      driverPodCreationGraceMs: 3000,
      resourceDeletionPollMs: 200,
      ...decide,
    },
    operatorOptions,
  );
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const custom = cluster.kc.makeApiClient(CustomObjectsApi);
  const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: ns };
  const h: OperatorHarness = {
    ns,
    cluster,
    operator,
    core,
    custom,
    async create(app) {
      return (await custom.createNamespacedCustomObject({
        ...ref,
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: SparkApplicationNames.kind, ...app },
      })) as SparkApplication;
    },
    async get(name) {
      return (await custom.getNamespacedCustomObject({ ...ref, name })) as SparkApplication;
    },
    async patchSpec(name, spec) {
      await custom.patchNamespacedCustomObject({ ...ref, name, body: { spec } }, mergePatchOptions);
    },
    until(what, check, timeoutMs = 20_000) {
      return eventually(what, check, { timeoutMs });
    },

    async setPodPhase(pod, phase, exitCode) {
      const terminated = phase === "Succeeded" || phase === "Failed";
      const container = {
        name: "spark-kubernetes-driver",
        image: "spark",
        imageID: "",
        ready: phase === "Running",
        restartCount: 0,
        state: terminated
          ? {
              terminated: {
                exitCode: exitCode ?? (phase === "Succeeded" ? 0 : 1),
                reason: phase === "Succeeded" ? "Completed" : "Error",
                startedAt: new Date(),
                finishedAt: new Date(),
              },
            }
          : phase === "Running"
            ? { running: { startedAt: new Date() } }
            : { waiting: { reason: "ContainerCreating" } },
      };
      await core.patchNamespacedPodStatus(
        { name: pod, namespace: ns, body: { status: { phase, containerStatuses: [container] } } },
        mergePatchOptions,
      );
    },
    async events(name) {
      const list = await core.listNamespacedEvent({
        namespace: ns,
        fieldSelector: `involvedObject.name=${name}`,
      });
      return list.items.map((e) => `${e.type}/${e.reason}`);
    },
    async stop() {
      await operator.stop();
    },
  };
  return h;
}

export const state = (app: SparkApplication | undefined) => app?.status?.applicationState?.state ?? "";

export function basicApp(name: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name },
    spec: {
      type: "Java",
      sparkVersion: "3.5.9",
      mode: "cluster",
      image: "spark:3.5.9",
      mainClass: "io.sparkplane.examples.JavaSparkPi",
      mainApplicationFile: "local:///opt/spark/examples/jars/sparkplane-examples.jar",
      driver: { cores: 1, memory: "512m", serviceAccount: "spark" },
      executor: { instances: 1, cores: 1, memory: "512m" },
      ...extra,
    },
  } as unknown as Omit<SparkApplication, "apiVersion" | "kind">;
}

export type { V1Pod };
