import { CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { EventRecorder } from "../../kube/events.js";
import { InformerRegistry } from "../../kube/informer-registry.js";
import { JsonClient } from "../../kube/json-client.js";
import { type KubeLog, silentLog } from "../../kube/log.js";
import { OperatorMetrics } from "../metrics.js";
import type {
  ControllerDefinition,
  ControllerOptions,
  OperatorClients,
  StartedController,
} from "./controller.js";
import { PodShaping } from "./pod-shaping.js";

export interface ControllerManagerOptions<O extends ControllerOptions> {
  kc: KubeConfig;
  options: O;
  /** Default: made from `kc`. */
  clients?: OperatorClients;
  /** Default: a fresh registry (process metrics off). */
  metrics?: OperatorMetrics;
  log?: KubeLog;
  /** Default: always (no leader election). */
  isLeader?: () => boolean;
}

/** Registered controllers and their shared informers: start the caches once, then the workers. */
export interface ControllerManager {
  readonly informers: InformerRegistry;
  readonly controllers: ReadonlyMap<string, StartedController>;
  readonly metrics: OperatorMetrics;
  /** Starts every shared informer once and waits until all have synced (throws naming those that did not). */
  startCaches(timeoutMs: number): Promise<void>;
  /** The caches have synced and every controller is ready: what /readyz answers. */
  ready(): boolean;
  /** Lets every controller's workers run (on becoming the leader); idempotent. */
  startWorkers(): void;
  /** Stops the controllers (waiting for reconciles in flight), then the shared informers. */
  stop(): Promise<void>;
}

/** Lines of `log` with `fields` added. */
function withFields(log: KubeLog, fields: Record<string, unknown>): KubeLog {
  return {
    debug: (f, m) => log.debug({ ...fields, ...f }, m),
    info: (f, m) => log.info({ ...fields, ...f }, m),
    warn: (f, m) => log.warn({ ...fields, ...f }, m),
    error: (f, m) => log.error({ ...fields, ...f }, m),
  };
}

/** Calls each definition's `start` (in order) with its context; nothing is listed, watched or reconciled yet. */
export async function registerControllers<O extends ControllerOptions>(
  definitions: readonly ControllerDefinition<O>[],
  opts: ControllerManagerOptions<O>,
): Promise<ControllerManager> {
  const log = opts.log ?? silentLog;
  const clients = opts.clients ?? {
    core: opts.kc.makeApiClient(CoreV1Api),
    custom: opts.kc.makeApiClient(CustomObjectsApi),
    json: new JsonClient(opts.kc),
  };
  const metrics = opts.metrics ?? new OperatorMetrics({ processMetrics: false });
  const informers = new InformerRegistry(opts.kc, {
    namespaces: opts.options.namespaces,
    resyncPeriodMs: opts.options.resyncMs,
    log,
  });
  const controllers = new Map<string, StartedController>();
  const podShaping = new PodShaping();
  for (const definition of definitions) {
    if (controllers.has(definition.name)) throw new Error(`two controllers named ${definition.name}`);
    const controllerLog = withFields(log, { controller: definition.name });
    controllers.set(
      definition.name,
      await definition.start({
        kc: opts.kc,
        clients,
        informers,
        metrics,
        log: controllerLog,
        podShaping,
        events: new EventRecorder(opts.kc, { log: controllerLog }),
        options: opts.options,
        isLeader: opts.isLeader ?? (() => true),
      }),
    );
  }
  const all = () => [...controllers.values()];
  return {
    informers,
    controllers,
    metrics,
    async startCaches(timeoutMs) {
      informers.start();
      if (!(await informers.waitForSync(timeoutMs)))
        throw new Error(
          `informer caches did not sync within ${timeoutMs / 1000} s: ${informers.unsynced().join(", ")}`,
        );
    },
    ready: () => informers.hasSynced() && all().every((c) => c.ready()),
    startWorkers() {
      for (const c of all()) c.startWorkers();
    },
    async stop() {
      await Promise.all(all().map((c) => c.stop()));
      await informers.stop();
    },
  };
}
