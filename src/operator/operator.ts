import type { Server } from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { LeaderElector } from "../kube/leader-election.js";
import { SPARK_APPLICATIONS } from "./controllers/caches.js";
import type { ControllerDefinition } from "./controllers/controller.js";
import { type CostControllerOptions, costController } from "./controllers/cost/index.js";
import { type ControllerManager, registerControllers } from "./controllers/manager.js";
import { pendingController } from "./controllers/pending/index.js";
import { placementController } from "./controllers/resourcepolicy/index.js";
import {
  type ScheduledSparkApplicationControllerOptions,
  scheduledSparkApplicationController,
} from "./controllers/scheduledsparkapplication/index.js";
import {
  type SparkApplicationControllerOptions,
  sparkApplicationController,
} from "./controllers/sparkapplication/index.js";
import { sparkConnectController } from "./controllers/sparkconnect/index.js";
import { type SparkQueueControllerOptions, sparkQueueController } from "./controllers/sparkqueue/index.js";
import { ensureCrds } from "./crds.js";
import { startOperatorHttp } from "./http.js";
import { type AppMetricsConfig, OperatorMetrics } from "./metrics.js";

export interface OperatorOptions
  extends SparkApplicationControllerOptions,
    ScheduledSparkApplicationControllerOptions,
    SparkQueueControllerOptions,
    CostControllerOptions {
  kc: KubeConfig;
  submitter: "native" | "spark-submit";
  metricsPort: number;
  metricsHost?: string;
  /** kubeflow's --metrics-prefix, --metrics-labels and latency buckets. */
  metrics?: Partial<AppMetricsConfig>;
  installCrds: boolean;
  /** Run workers only while holding this Lease; caches stay warm on standby replicas. */
  leaderElection?: { namespace: string; name: string };
  logLevel?: string;
  /** The controllers to run (default CONTROLLERS; their order does not matter: tests run them reversed). */
  controllers?: readonly ControllerDefinition<OperatorOptions>[];
}

/** Every controller of the operator; they share informers, metrics, the HTTP endpoints and one Lease. */
export const CONTROLLERS: readonly ControllerDefinition<OperatorOptions>[] = [
  placementController,
  sparkApplicationController,
  scheduledSparkApplicationController,
  sparkQueueController,
  sparkConnectController,
  pendingController,
  costController,
];

export interface RunningOperator {
  metrics: OperatorMetrics;
  http: Server;
  controllers: ControllerManager;
  ready(): boolean;
  /** True while this replica may act: it holds the Lease, or leader election is off. */
  isLeader(): boolean;
  stop(): Promise<void>;
}

/** Starts the operator: CRDs, the controllers' shared informers, their workers, metrics and health endpoints. */
export async function startOperator(opts: OperatorOptions): Promise<RunningOperator> {
  const log = pino({ name: "sparkplane-operator", level: opts.logLevel ?? "info" }, pino.destination(2));
  if (opts.installCrds) log.info({ crds: await ensureCrds(opts.kc) }, "CRDs installed");
  const metrics = new OperatorMetrics({ apps: opts.metrics });
  let elector: LeaderElector | undefined;
  const isLeader = () => (elector ? elector.isLeader() : !opts.leaderElection);
  const controllers = await registerControllers(opts.controllers ?? CONTROLLERS, {
    kc: opts.kc,
    options: opts,
    metrics,
    log: kubeLog(log),
    isLeader,
  });
  const http = await startOperatorHttp({
    port: opts.metricsPort,
    host: opts.metricsHost,
    registry: metrics.registry,
    ready: () => controllers.ready(),
  });
  const syncStarted = Date.now();
  await controllers.startCaches(120_000);
  log.info(
    {
      ms: Date.now() - syncStarted,
      apps: controllers.informers.informer(SPARK_APPLICATIONS).list().length,
      controllers: [...controllers.controllers.keys()],
      submitter: opts.submitter,
      namespaces: opts.namespaces,
    },
    "caches synced; workers starting",
  );
  let stopping = false;
  let electing: Promise<void> = Promise.resolve();
  if (opts.leaderElection) {
    metrics.setLeaderElection(opts.leaderElection.name, () => elector?.isLeader() ?? false);
    elector = new LeaderElector(opts.kc, {
      ...opts.leaderElection,
      log: kubeLog(log),
      onStartedLeading: () => {
        log.info({ lease: opts.leaderElection }, "became the leader; workers starting");
        controllers.startWorkers();
      },
      onStoppedLeading: () => {
        if (stopping) return;
        // Like controller-runtime: a replica that lost its lease must not act any more; its supervisor restarts it.
        log.error({ lease: opts.leaderElection }, "lost the leader lease; exiting");
        process.exit(1);
      },
      onNewLeader: (identity) => log.info({ leader: identity }, "leader"),
    });
    electing = elector.run();
  } else {
    controllers.startWorkers();
  }
  return {
    metrics,
    http,
    controllers,
    ready: () => controllers.ready(),
    isLeader,
    async stop() {
      stopping = true;
      await elector?.stop();
      await electing;
      await controllers.stop();
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
