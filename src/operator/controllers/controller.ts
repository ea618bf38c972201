/**
 * The seam between the operator and its controllers. A controller is a `ControllerDefinition` in
 * `controllers/<kind>/index.ts`; `operator.ts` lists them. `start` registers what the controller needs (shared
 * informers and their indexes, handlers, a work queue) and returns at once: the operator then starts and syncs
 * the shared informers once for all controllers and calls `startWorkers` while this replica leads.
 */
import type { CoreV1Api, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import type { EventRecorder } from "../../kube/events.js";
import type { InformerRegistry } from "../../kube/informer-registry.js";
import type { JsonClient } from "../../kube/json-client.js";
import type { KubeLog } from "../../kube/log.js";
import type { OperatorMetrics } from "../metrics.js";
import type { ControllerRbac } from "../rbac-rule.js";
import type { PodShaping } from "./pod-shaping.js";

export interface OperatorClients {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** Plain-JSON calls for the per-app hot path (see JsonClient). */
  json: JsonClient;
}

/** The operator settings every controller may read; a controller's own settings extend this. */
export interface ControllerOptions {
  /** Watched namespaces; empty = all. */
  namespaces: string[];
  /** Concurrent reconciles of each controller. */
  workers: number;
  /** Re-delivers every cached object this often (0: never). */
  resyncMs: number;
  /** Overall retry rate of each controller's queue (qps, burst 10x); default the queue's own. */
  queueQps?: number;
  /** The clock decisions read (default Date.now); tests set it. */
  now?: () => number;
}

export interface ControllerContext<O extends ControllerOptions = ControllerOptions> {
  kc: KubeConfig;
  clients: OperatorClients;
  /** Shared informers: request them here (with the indexes this controller reads); never start or stop them. */
  informers: InformerRegistry;
  metrics: OperatorMetrics;
  /** The operator's log, with `controller: <name>` on every line. */
  log: KubeLog;
  /** This controller's event recorder (aggregating; never blocks). */
  events: EventRecorder;
  /** What shapes a submitted run's pods (scheduling gates): a controller registers its own here. */
  podShaping: PodShaping;
  options: O;
  /** True while this replica holds the operator's Lease (or leader election is off). */
  isLeader(): boolean;
}

export interface StartedController {
  /**
   * Starts the workers; called once the shared informers have synced, on becoming the leader (at once when
   * leader election is off). Idempotent.
   */
  startWorkers(): void;
  /** Reconciles `key` soon (tests; another controller's hint). */
  enqueue(key: string): void;
  /** Ready beyond the shared caches (e.g. a listening server); /readyz waits for every controller. */
  ready(): boolean;
  /** Stops taking keys and waits for the reconciles in flight (the shared informers are stopped after). */
  stop(): Promise<void>;
}

export interface ControllerDefinition<O extends ControllerOptions = ControllerOptions> {
  /** Unique: the name of its queue, its metrics' `controller`/`name` label and its log lines. */
  readonly name: string;
  /** The API access it needs, each rule with its reason; the chart grants the union of every controller's. */
  readonly rbac: ControllerRbac;
  start(ctx: ControllerContext<O>): Promise<StartedController>;
}
