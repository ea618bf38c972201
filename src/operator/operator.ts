import type { Server } from "node:http";
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  type V1Pod,
  type V1Service,
} from "@kubernetes/client-node";
import { pino } from "pino";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../api/v1beta2/constants.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { EventRecorder } from "../kube/events.js";
import { createInformer, type SharedInformer, stripBookkeeping } from "../kube/informer.js";
import { JsonClient } from "../kube/json-client.js";
import { LeaderElector } from "../kube/leader-election.js";
import { Resources, type ResourceType } from "../kube/resource.js";
import { labelIndex } from "../kube/store.js";
import { runWorkers, WorkQueue } from "../kube/workqueue.js";
import { ensureCrds } from "./crds.js";
import { EventRecorderSink } from "./events.js";
import { startOperatorHttp } from "./http.js";
import { ControllerName } from "./metrics/names.js";
import { type AppMetricsConfig, OperatorMetrics } from "./metrics.js";
import { NativeSubmitter } from "./native-submitter.js";
import { scheduledRunIndexers, startScheduledController } from "./scheduled-controller.js";
import { type SparkSubmitOptions, SparkSubmitSubmitter } from "./spark-submit-submitter.js";
import { type Lister, SparkAppController } from "./sparkapp-controller.js";
import { DEFAULT_DECIDE_CONFIG, type DecideConfig } from "./sparkapplication/index.js";
import type { Submitter } from "./submitter.js";

export interface OperatorOptions {
  kc: KubeConfig;
  /** Watched namespaces; empty = all. */
  namespaces: string[];
  workers: number;
  submitter: "native" | "spark-submit";
  /** For the spark-submit submitter. */
  sparkSubmit?: Omit<SparkSubmitOptions, "master">;
  metricsPort: number;
  metricsHost?: string;
  /** kubeflow's --metrics-prefix, --metrics-labels and latency buckets. */
  metrics?: Partial<AppMetricsConfig>;
  installCrds: boolean;
  resyncMs: number;
  decide?: Partial<DecideConfig>;
  /** Queue rate limit (overall qps/burst for retries). */
  queueQps?: number;
  /** Run workers only while holding this Lease; caches stay warm on standby replicas. */
  leaderElection?: { namespace: string; name: string };
  logLevel?: string;
}

export interface RunningOperator {
  metrics: OperatorMetrics;
  http: Server;
  queue: WorkQueue<string>;
  ready(): boolean;
  /** True while this replica may act: it holds the Lease, or leader election is off. */
  isLeader(): boolean;
  stop(): Promise<void>;
}

export const SPARK_APPLICATION_RESOURCE: ResourceType = {
  apiVersion: `${GROUP}/${VERSION}`,
  kind: SparkApplicationNames.kind,
  plural: SparkApplicationNames.plural,
};

/** Spark's pods (driver and executors) carry `spark-role`; the operator caches only those. */
const SPARK_POD_SELECTOR = "spark-role";
const APP_INDEX = "app";
const APP_ID_INDEX = "appId";

/**
 * A resource cached as the server's JSON, without conversion to client-node's model (no walk over every
 * field per event; timestamps stay strings). The controller reads pods' and Services' timestamps only for
 * presence (deletionTimestamp).
 */
function asPlainJson(resource: ResourceType): ResourceType {
  const { model: _model, ...plain } = resource;
  return plain;
}

/** Cached pods: metadata (without managedFields) and status. */
function withoutSpec(raw: KubernetesObject): KubernetesObject {
  const { spec: _spec, ...rest } = stripBookkeeping(raw) as KubernetesObject & { spec?: unknown };
  return rest;
}

/** Cached Services: metadata only (without managedFields). */
function metadataOnly(raw: KubernetesObject): KubernetesObject {
  return { apiVersion: raw.apiVersion, kind: raw.kind, metadata: stripBookkeeping(raw).metadata };
}

function lister<T>(
  informer: SharedInformer<KubernetesObject>,
  indexByLabel: Record<string, string>,
): Lister<T> {
  return {
    get: (namespace, name) => informer.get(namespace, name) as T | undefined,
    byLabel: (namespace, label, value) => {
      const index = indexByLabel[label];
      if (index) return informer.byIndex(index, value, namespace) as T[];
      return informer.list(namespace).filter((o) => o.metadata?.labels?.[label] === value) as T[];
    },
  };
}

function makeSubmitter(opts: OperatorOptions, json: JsonClient): Submitter {
  const master = `k8s://${opts.kc.getCurrentCluster()?.server ?? "https://kubernetes.default.svc"}`;
  if (opts.submitter === "spark-submit") {
    if (!opts.sparkSubmit)
      throw new Error("--submitter=spark-submit needs Spark: set SPARK_HOME or run `sparkplane provision`");
    return new SparkSubmitSubmitter({ ...opts.sparkSubmit, master });
  }
  return new NativeSubmitter(json, { master });
}

/** Starts the SparkApplication operator: CRDs, informers, work queue, workers, metrics and health endpoints. */
export async function startOperator(opts: OperatorOptions): Promise<RunningOperator> {
  const log = pino({ name: "sparkplane-operator", level: opts.logLevel ?? "info" }, pino.destination(2));
  if (opts.installCrds) log.info({ crds: await ensureCrds(opts.kc) }, "CRDs installed");
  const core = opts.kc.makeApiClient(CoreV1Api);
  const custom = opts.kc.makeApiClient(CustomObjectsApi);
  const json = new JsonClient(opts.kc);
  const metrics = new OperatorMetrics({ apps: opts.metrics });
  const queueName = ControllerName.SparkApplication;
  const queue = new WorkQueue<string>({
    name: queueName,
    rateLimit: opts.queueQps ? { qps: opts.queueQps, burst: opts.queueQps * 10 } : undefined,
    metrics: metrics.controllers.queueHooks(queueName),
  });
  // managedFields are never read here and are half of a cached object: not kept (10,000 apps: -135 MB).
  const informerOpts = {
    namespaces: opts.namespaces,
    resyncPeriodMs: opts.resyncMs,
    log: kubeLog(log),
    transform: stripBookkeeping,
  };
  // Custom objects stay plain JSON (string timestamps), so this informer holds them as KubernetesObject.
  const apps = createInformer<KubernetesObject>(opts.kc, {
    ...informerOpts,
    resource: SPARK_APPLICATION_RESOURCE,
    indexers: scheduledRunIndexers,
  });
  // ScheduledSparkApplications: own informer, queue and workers; runs are found through `apps`.
  const scheduled = startScheduledController({
    kc: opts.kc,
    custom,
    runs: apps,
    informer: informerOpts,
    workers: opts.workers,
    deferWorkers: opts.leaderElection !== undefined,
    events: new EventRecorder(opts.kc, { log: kubeLog(log) }),
    metrics,
    log: kubeLog(log),
  });
  const pods = createInformer<V1Pod>(opts.kc, {
    ...informerOpts,
    resource: asPlainJson(Resources.pods),
    // The controller reads Spark pods' metadata and status only: their spec (most of a pod) is not cached.
    transform: withoutSpec,
    labelSelector: SPARK_POD_SELECTOR,
    indexers: {
      [APP_INDEX]: labelIndex(OperatorLabel.AppName),
      [APP_ID_INDEX]: labelIndex("spark-app-selector"),
    },
  });
  const services = createInformer<V1Service>(opts.kc, {
    ...informerOpts,
    resource: asPlainJson(Resources.services),
    // Only whether a Service exists matters here: its metadata is cached, not its spec or status.
    transform: metadataOnly,
    labelSelector: OperatorLabel.AppName,
  });
  const controller = new SparkAppController({
    clients: { core, custom, json },
    apps: lister<SparkApplication>(apps, {}),
    pods: lister<V1Pod>(pods as SharedInformer<KubernetesObject>, {
      [OperatorLabel.AppName]: APP_INDEX,
      "spark-app-selector": APP_ID_INDEX,
    }),
    services: lister<V1Service>(services as SharedInformer<KubernetesObject>, {}),
    submitter: makeSubmitter(opts, json),
    events: new EventRecorderSink(opts.kc, kubeLog(log)),
    metrics,
    config: { ...DEFAULT_DECIDE_CONFIG, ...opts.decide },
  });
  const appKey = (o: KubernetesObject) =>
    SparkAppController.keyOf(o.metadata?.namespace ?? "default", o.metadata?.name ?? "");
  apps.addHandlers({
    onAdd: (o) => queue.add(appKey(o)),
    onUpdate: (_old, o) => queue.add(appKey(o)),
    onDelete: (o) => controller.forget(appKey(o)),
  });
  const byOwnerApp = (o: V1Pod | V1Service) => {
    const key = SparkAppController.appKeyOfPod(o as V1Pod);
    if (key) queue.add(key);
  };
  for (const inf of [pods, services] as SharedInformer<V1Pod | V1Service>[]) {
    inf.addHandlers({ onAdd: byOwnerApp, onUpdate: (_old, o) => byOwnerApp(o), onDelete: byOwnerApp });
  }
  pods.addHandlers({ onUpdate: (old, o) => metrics.apps.observeExecutorPod(old, o) });
  let elector: LeaderElector | undefined;
  metrics.setClusterView({
    apps: () => apps.list() as SparkApplication[],
    pods: () => pods.list(),
    active: () => (elector ? elector.isLeader() : true),
  });
  let synced = false;
  const http = await startOperatorHttp({
    port: opts.metricsPort,
    host: opts.metricsHost,
    registry: metrics.registry,
    ready: () => synced,
  });
  for (const inf of [apps, pods, services]) inf.start();
  const syncStarted = Date.now();
  for (const inf of [apps, pods, services]) {
    if (!(await inf.waitForSync(120_000))) throw new Error("informer caches did not sync within 120 s");
  }
  synced = true;
  log.info(
    {
      ms: Date.now() - syncStarted,
      apps: apps.list().length,
      submitter: opts.submitter,
      namespaces: opts.namespaces,
    },
    "caches synced; workers starting",
  );
  const runAll = () =>
    runWorkers(queue, opts.workers, (key) => controller.reconcile(key), {
      onReconciled: metrics.controllers.watch(queueName, queue, opts.workers),
      onError: (key, err, retries) =>
        log.warn(
          { key, retries, err: (err as Error).message ?? String(err) },
          "reconcile failed; retrying with backoff",
        ),
    });
  let stopping = false;
  let workers: Promise<void>;
  if (opts.leaderElection) {
    let started: Promise<void> = Promise.resolve();
    metrics.setLeaderElection(opts.leaderElection.name, () => elector?.isLeader() ?? false);
    elector = new LeaderElector(opts.kc, {
      ...opts.leaderElection,
      log: kubeLog(log),
      onStartedLeading: () => {
        log.info({ lease: opts.leaderElection }, "became the leader; workers starting");
        started = runAll();
        scheduled.startWorkers();
      },
      onStoppedLeading: () => {
        if (stopping) return;
        // Like controller-runtime: a replica that lost its lease must not act any more; its supervisor restarts it.
        log.error({ lease: opts.leaderElection }, "lost the leader lease; exiting");
        process.exit(1);
      },
      onNewLeader: (identity) => log.info({ leader: identity }, "leader"),
    });
    workers = elector.run().then(() => started);
  } else {
    workers = runAll();
  }
  return {
    metrics,
    http,
    queue,
    ready: () => synced,
    isLeader: () => (elector ? elector.isLeader() : true),
    async stop() {
      stopping = true;
      await elector?.stop();
      queue.shutDown();
      await workers;
      await scheduled.stop();
      await Promise.all([apps, pods, services].map((i) => i.stop()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

function kubeLog(log: pino.Logger) {
  return {
    debug: (f: Record<string, unknown>, m: string) => log.debug(f, m),
    info: (f: Record<string, unknown>, m: string) => log.info(f, m),
    warn: (f: Record<string, unknown>, m: string) => log.warn(f, m),
    error: (f: Record<string, unknown>, m: string) => log.error(f, m),
  };
}
