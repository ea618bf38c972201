/**
 * The ScheduledSparkApplication controller: the act layer around the pure `decideScheduled`. A reconcile
 * reads the scheduled app and its runs from the informers' caches, decides, creates and deletes runs
 * (create if absent, delete if present), writes the status subresource whole when it changed (optimistic
 * concurrency: a 409 is thrown and the queue retries) and records the decision's events on the app.
 */
import type { CustomObjectsApi, KubernetesObject } from "@kubernetes/client-node";
import {
  API_VERSION,
  GROUP,
  OperatorLabel,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
  VERSION,
} from "../../../api/v1beta2/constants.js";
import type {
  ScheduledSparkApplication,
  ScheduledSparkApplicationStatus,
} from "../../../api/v1beta2/scheduledsparkapplication.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { validateScheduledSparkApplication } from "../../../api/v1beta2/validate.js";
import type { EventType } from "../../../kube/events.js";
import { type KubeLog, silentLog } from "../../../kube/log.js";
import { namespacedKey } from "../../../kube/resource.js";
import { ignoreNotFound, isAlreadyExists } from "../../../kube/retry.js";
import type { ReconcileResult } from "../../../kube/workqueue.js";
import type { Lister } from "../caches.js";
import {
  type CreateRunAction,
  decideScheduled,
  operatorTimeZone,
  RUN_NAME_SUFFIX_LENGTH,
  type ScheduledAction,
  type ScheduledRun,
} from "./decide/index.js";

/** Records Events about an object (`EventRecorder` of src/kube/events.ts fits). */
export interface ObjectEventRecorder {
  event(involved: KubernetesObject, type: EventType, reason: string, message: string): void;
}

export interface ScheduledAppControllerDeps {
  custom: CustomObjectsApi;
  scheduledApps: Lister<ScheduledSparkApplication>;
  /** SparkApplications; `byLabel(ns, scheduled-app-name, name)` gives a scheduled app's runs. */
  runs: Lister<SparkApplication>;
  events: ObjectEventRecorder;
  /** Milliseconds since the epoch (default Date.now): the only clock decisions use. */
  now?: () => number;
  /** The zone of schedules without spec.timeZone (default `operatorTimeZone()`). */
  defaultTimeZone?: string;
  log?: KubeLog;
}

const runsRef = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural };
const scheduledRef = { group: GROUP, version: VERSION, plural: ScheduledSparkApplicationNames.plural };

function resourceVersionOf(obj: ScheduledSparkApplication | undefined): number {
  return Number(obj?.metadata.resourceVersion ?? 0) || 0;
}

/** JSON equality regardless of key order (the API server returns objects with sorted keys). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(
      entries.sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, canonical(v)]),
    );
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export class ScheduledAppController {
  /** The newest status this controller wrote, used until the informer catches up with it. */
  private readonly written = new Map<string, ScheduledSparkApplication>();
  /** Runs this controller deleted ("ns/name" -> uid) that the cache may still show. */
  private readonly deleted = new Map<string, string | undefined>();
  private readonly now: () => number;
  private readonly defaultTimeZone: string;
  private readonly log: KubeLog;
  /** When this controller started: decisions word the runs missed before it as missed while down. */
  readonly startedAt: number;

  constructor(private readonly d: ScheduledAppControllerDeps) {
    this.now = d.now ?? Date.now;
    this.defaultTimeZone = d.defaultTimeZone ?? operatorTimeZone();
    this.log = d.log ?? silentLog;
    this.startedAt = this.now();
  }

  static keyOf(namespace: string, name: string): string {
    return namespacedKey(namespace, name);
  }

  /** The key of the scheduled app a SparkApplication is a run of, if it is one. */
  static scheduledKeyOfRun(run: KubernetesObject): string | undefined {
    const owner = run.metadata?.labels?.[OperatorLabel.ScheduledAppName];
    return owner ? ScheduledAppController.keyOf(run.metadata?.namespace ?? "default", owner) : undefined;
  }

  forget(key: string): void {
    this.written.delete(key);
  }

  /** A run left the cache: it no longer needs masking. */
  forgetRun(run: KubernetesObject): void {
    this.deleted.delete(
      ScheduledAppController.keyOf(run.metadata?.namespace ?? "", run.metadata?.name ?? ""),
    );
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const [namespace, name] = key.split("/") as [string, string];
    const app = this.freshest(key, this.d.scheduledApps.get(namespace, name));
    if (!app || app.metadata.deletionTimestamp) return undefined;
    const decision = decideScheduled({
      app,
      runs: this.runsOf(namespace, name),
      now: this.now(),
      operatorStartedAt: this.startedAt,
      defaultTimeZone: this.defaultTimeZone,
      validationErrors: validateScheduledSparkApplication(app, {
        runNameSuffixLength: RUN_NAME_SUFFIX_LENGTH,
      }),
    });
    let current = app;
    try {
      for (const action of decision.actions) await this.act(namespace, action);
      if (!sameJson(decision.status, app.status ?? {}))
        current = await this.writeStatus(app, decision.status);
    } finally {
      // The actions taken are never repeated by a retry (runs are found by name), so neither are their events.
      for (const e of decision.events) this.d.events.event(toObject(current), e.type, e.reason, e.message);
    }
    return decision.requeueAfterMs === undefined ? undefined : { requeueAfterMs: decision.requeueAfterMs };
  }

  private freshest(key: string, cached: ScheduledSparkApplication | undefined) {
    const mine = this.written.get(key);
    if (!cached) return undefined;
    if (
      mine &&
      mine.metadata.uid === cached.metadata.uid &&
      resourceVersionOf(mine) > resourceVersionOf(cached)
    )
      return mine;
    this.written.delete(key);
    return cached;
  }

  /** The runs in the cache; those this controller deleted count as being deleted until the cache drops them. */
  private runsOf(namespace: string, name: string): ScheduledRun[] {
    return this.d.runs.byLabel(namespace, OperatorLabel.ScheduledAppName, name).map((run) => {
      const runKey = ScheduledAppController.keyOf(namespace, run.metadata.name ?? "");
      if (!this.deleted.has(runKey) || this.deleted.get(runKey) !== run.metadata.uid) return run;
      const deletionTimestamp = run.metadata.deletionTimestamp ?? new Date(this.now()).toISOString();
      return { ...run, metadata: { ...run.metadata, deletionTimestamp } };
    });
  }

  private async act(namespace: string, action: ScheduledAction): Promise<void> {
    if (action.kind === "createRun") {
      await this.createRun(namespace, action);
      return;
    }
    const runKey = ScheduledAppController.keyOf(namespace, action.name);
    const uid = this.d.runs.get(namespace, action.name)?.metadata.uid;
    await ignoreNotFound(
      this.d.custom.deleteNamespacedCustomObject({ ...runsRef, namespace, name: action.name }),
    );
    // The informer's delete of a cached run clears this (forgetRun).
    if (uid !== undefined) this.deleted.set(runKey, uid);
    this.log.info({ run: runKey, why: action.why }, "scheduled: run deleted");
  }

  private async createRun(namespace: string, action: CreateRunAction): Promise<void> {
    try {
      await this.d.custom.createNamespacedCustomObject({
        ...runsRef,
        namespace,
        body: {
          apiVersion: API_VERSION,
          kind: SparkApplicationNames.kind,
          metadata: {
            name: action.name,
            namespace,
            labels: action.labels,
            ownerReferences: [action.ownerReference],
          },
          spec: action.spec,
        },
      });
      this.log.info(
        { run: `${namespace}/${action.name}`, scheduledTime: action.scheduledTime },
        "scheduled: run created",
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  /** Replaces the status subresource whole; a stale resourceVersion fails with 409 and the key is retried. */
  private async writeStatus(
    app: ScheduledSparkApplication,
    status: ScheduledSparkApplicationStatus,
  ): Promise<ScheduledSparkApplication> {
    const namespace = app.metadata.namespace ?? "default";
    const name = app.metadata.name ?? "";
    const updated = (await this.d.custom.replaceNamespacedCustomObjectStatus({
      ...scheduledRef,
      namespace,
      name,
      body: { ...toObject(app), metadata: app.metadata, spec: app.spec, status },
    })) as ScheduledSparkApplication;
    this.written.set(ScheduledAppController.keyOf(namespace, name), updated);
    return updated;
  }
}

function toObject(app: ScheduledSparkApplication): KubernetesObject {
  return { ...app, apiVersion: API_VERSION, kind: ScheduledSparkApplicationNames.kind } as KubernetesObject;
}
