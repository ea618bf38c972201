import type { KubernetesObject, V1Pod, V1Service } from "@kubernetes/client-node";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../../../api/v1beta2/constants.js";
import type { SparkApplication, SparkApplicationStatus } from "../../../api/v1beta2/sparkapplication.js";
import { validateSparkApplication } from "../../../api/v1beta2/validate.js";
import type { ValidationError } from "../../../api/v1beta2/validate-pod.js";
import { stripBookkeeping } from "../../../kube/informer.js";
import { MERGE_PATCH } from "../../../kube/json-client.js";
import { namespacedKey } from "../../../kube/resource.js";
import type { ReconcileResult } from "../../../kube/workqueue.js";
import type { OperatorMetrics } from "../../metrics.js";
import type { Submitter } from "../../submitters/submitter.js";
import type { Lister } from "../caches.js";
import {
  type ActClients,
  CLEANUP_FINALIZER,
  createUIService,
  deleteDriverResources,
  patchAppMetadata,
  sparkAppPath,
} from "./actions.js";
import {
  type AppEvent,
  afterSubmit,
  type DecideConfig,
  type Decision,
  decide,
  driverPodNameToObserve,
  executorPodSelector,
  uiServiceNameFor,
  webUIAddress,
  withWebUIAddress,
} from "./decide/index.js";

export interface EventSink {
  emit(app: SparkApplication, event: AppEvent): void;
}

export interface SparkAppControllerDeps {
  clients: ActClients;
  apps: Lister<SparkApplication>;
  pods: Lister<V1Pod>;
  services: Lister<V1Service>;
  submitter: Submitter;
  events: EventSink;
  metrics: OperatorMetrics;
  config: DecideConfig;
  /** What a cluster lacks for an app (a batch scheduler it names), as validation errors; none when absent. */
  clusterErrors?: (app: SparkApplication) => ValidationError[];
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** The status as stored, and what the steps of one reconcile did since (recorded once it is written). */
interface Pending {
  stored: SparkApplicationStatus | undefined;
  transitions: [SparkApplicationStatus | undefined, SparkApplicationStatus | undefined][];
  events: AppEvent[];
}

/** Steps that ask to be decided again at once are run in one reconcile, up to this many. */
const MAX_STEPS_PER_RECONCILE = 6;

function resourceVersionOf(app: SparkApplication | undefined): number {
  return Number(app?.metadata.resourceVersion ?? 0) || 0;
}

function selectorMatches(pod: V1Pod, selector: string): boolean {
  const labels = pod.metadata?.labels ?? {};
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return k !== undefined && labels[k] === v;
  });
}

function uiServiceObserved(service: V1Service | undefined) {
  return { uiServicePresent: service !== undefined, uiServiceClusterIP: service?.spec?.clusterIP };
}

/**
 * The SparkApplication reconciler: gather what is observed, let the pure state machine decide, apply its
 * actions, write the status (optimistic concurrency on resourceVersion), record events.
 */
export class SparkAppController {
  /** The newest object this controller wrote, used until the informer catches up with it. */
  private readonly written = new Map<string, SparkApplication>();
  private readonly now: () => number;

  constructor(private readonly d: SparkAppControllerDeps) {
    this.now = d.now ?? Date.now;
  }

  /** The work-queue key of an app, and of the app a Spark pod belongs to. */
  static keyOf(namespace: string, name: string): string {
    return namespacedKey(namespace, name);
  }

  static appKeyOfPod(pod: V1Pod): string | undefined {
    const app = pod.metadata?.labels?.[OperatorLabel.AppName];
    return app ? SparkAppController.keyOf(pod.metadata?.namespace ?? "default", app) : undefined;
  }

  forget(key: string): void {
    this.written.delete(key);
  }

  private freshest(key: string, cached: SparkApplication | undefined): SparkApplication | undefined {
    const mine = this.written.get(key);
    if (!cached) return undefined;
    if (mine && resourceVersionOf(mine) > resourceVersionOf(cached)) return mine;
    this.written.delete(key);
    return cached;
  }

  /**
   * Decides and acts, up to MAX_STEPS_PER_RECONCILE steps while a step asks to be decided again at once.
   * Within one reconcile the status runs ahead in memory and is written once, at the end (or before a
   * failure is rethrown): a new app's submit and UI-service steps cost one status write, not two. Metrics of
   * state transitions and events follow the write, as when each step wrote its own.
   */
  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const [namespace, name] = key.split("/") as [string, string];
    let app = this.freshest(key, this.d.apps.get(namespace, name));
    if (!app) return undefined;
    const pending: Pending = { stored: app.status, transitions: [], events: [] };
    let result: ReconcileResult | undefined = { requeue: true };
    try {
      for (let step = 0; step < MAX_STEPS_PER_RECONCILE; step++) {
        let decision = decide(this.observe(app));
        if (!app.metadata.deletionTimestamp && !app.metadata.finalizers?.includes(CLEANUP_FINALIZER)) {
          // One metadata patch for the finalizer and, when this decision records it, the spec hash.
          const hash = decision.actions.find((a) => a.kind === "recordSpecHash");
          const patched = await patchAppMetadata(this.d.clients, app, {
            finalizers: [...(app.metadata.finalizers ?? []), CLEANUP_FINALIZER],
            ...(hash ? { annotations: { [hash.annotation]: hash.hash } } : {}),
          });
          app = { ...patched, status: app.status };
          if (hash) decision = { ...decision, actions: decision.actions.filter((a) => a !== hash) };
        }
        const outcome = await this.act(app, decision);
        if (outcome.app.status !== app.status) pending.transitions.push([app.status, outcome.app.status]);
        pending.events.push(...outcome.events);
        app = outcome.app;
        if (outcome.deleted) {
          this.record(app, pending);
          return undefined;
        }
        if (outcome.requeueAfterMs === undefined) {
          result = undefined;
          break;
        }
        if (outcome.requeueAfterMs > 0) {
          result = { requeueAfterMs: outcome.requeueAfterMs };
          break;
        }
      }
    } catch (err) {
      // What the earlier steps did is recorded, as it would have been had each step written its own status.
      await this.flush(app, pending).catch(() => {});
      throw err;
    }
    await this.flush(app, pending);
    return result;
  }

  /** Writes the status if it differs from the stored one, then records the transitions' metrics and events. */
  private async flush(app: SparkApplication, pending: Pending): Promise<void> {
    let current = app;
    if (app.status !== undefined && JSON.stringify(app.status) !== JSON.stringify(pending.stored ?? {})) {
      current = await this.writeStatus(app, app.status);
      pending.stored = current.status;
    }
    this.record(current, pending);
  }

  /** Metrics and events of the steps taken (the app was written, or deleted). */
  private record(app: SparkApplication, pending: Pending): void {
    for (const [before, after] of pending.transitions.splice(0)) {
      this.d.metrics.apps.observeTransition(app, before, after);
    }
    for (const e of pending.events.splice(0)) this.d.events.emit(app, e);
  }

  private observe(app: SparkApplication) {
    const namespace = app.metadata.namespace ?? "default";
    const driverPod = this.d.pods.get(namespace, driverPodNameToObserve(app));
    const selector = executorPodSelector(app, driverPod);
    const appId = selector?.match(/spark-app-selector=([^,]+)/)?.[1];
    const executorPods = appId
      ? this.d.pods
          .byLabel(namespace, "spark-app-selector", appId)
          .filter((p) => selectorMatches(p, selector!))
      : [];
    return {
      app,
      driverPod,
      executorPods,
      ...uiServiceObserved(this.d.services.get(namespace, uiServiceNameFor(app))),
      validationErrors: [...validateSparkApplication(app), ...(this.d.clusterErrors?.(app) ?? [])],
      now: this.now(),
      config: this.d.config,
    };
  }

  /** Applies a decision's actions; returns the app with the decided status (in memory, not yet written). */
  private async act(
    app: SparkApplication,
    decision: Decision,
  ): Promise<{ app: SparkApplication; events: AppEvent[]; deleted?: boolean; requeueAfterMs?: number }> {
    let status = decision.status;
    const events = [...decision.events];
    let requeueAfterMs = decision.requeueAfterMs;
    let current = app;
    for (const action of decision.actions) {
      switch (action.kind) {
        case "submit": {
          const started = performance.now();
          const result = await this.d.submitter.submit(current, action);
          this.d.metrics.submitDuration.observe(
            { submitter: this.d.submitter.name },
            (performance.now() - started) / 1000,
          );
          const after = afterSubmit(current, status ?? current.status, action, result);
          status = after.status;
          events.push(...after.events);
          requeueAfterMs = after.requeueAfterMs;
          break;
        }
        case "deleteDriverResources":
          await deleteDriverResources(this.d.clients, current, action);
          break;
        case "createUIService": {
          const clusterIP = (await createUIService(this.d.clients, current, action)).spec?.clusterIP;
          const before = status ?? current.status;
          if (clusterIP !== undefined && before)
            status = withWebUIAddress(before, webUIAddress(clusterIP, action.port));
          break;
        }
        case "recordSpecHash": {
          const patched = await patchAppMetadata(this.d.clients, current, {
            annotations: { [action.annotation]: action.hash },
          });
          current = { ...patched, status: current.status };
          break;
        }
        case "deleteApp":
          await this.d.clients.custom
            .deleteNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              plural: SparkApplicationNames.plural,
              namespace: current.metadata.namespace ?? "default",
              name: current.metadata.name ?? "",
            })
            .catch((err: { code?: number }) => {
              if (err.code !== 404) throw err;
            });
          return { app: current, events, deleted: true };
        case "finalizeDeletion":
          await this.removeFinalizer(current);
          return { app: current, events, deleted: true };
      }
    }
    const changed = status !== undefined && JSON.stringify(status) !== JSON.stringify(current.status ?? {});
    return { app: changed ? { ...current, status } : current, events, requeueAfterMs };
  }

  /** Replaces the status subresource whole; a stale resourceVersion fails with 409 and the key is retried. */
  private async writeStatus(
    app: SparkApplication,
    status: SparkApplicationStatus,
  ): Promise<SparkApplication> {
    const updated = await this.d.clients.json.request<SparkApplication>("PUT", sparkAppPath(app, "status"), {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: SparkApplicationNames.kind,
      metadata: app.metadata,
      spec: app.spec,
      status,
    });
    // Kept until the informer catches up (minutes, behind a burst), slimmed as the cache is. A status write
    // leaves the spec alone, so at the same generation the copy shares the spec object it was sent with.
    stripBookkeeping(updated as unknown as KubernetesObject);
    if (updated.metadata.generation === app.metadata.generation) updated.spec = app.spec;
    this.written.set(
      SparkAppController.keyOf(app.metadata.namespace ?? "default", app.metadata.name ?? ""),
      updated,
    );
    return updated;
  }

  private async removeFinalizer(app: SparkApplication): Promise<void> {
    const finalizers = (app.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
    if (finalizers.length === app.metadata.finalizers?.length) return;
    await this.d.clients.json
      .request(
        "PATCH",
        sparkAppPath(app),
        { metadata: { finalizers, resourceVersion: app.metadata.resourceVersion } },
        MERGE_PATCH,
      )
      .catch((err: { code?: number }) => {
        if (err.code !== 404) throw err;
      });
  }
}
