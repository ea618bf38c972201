/**
 * The console's cache of every SparkApplication (its own read identity, one watch), kept as slim objects in
 * `compareRows` order, so a page of 10,000 apps is a filter over memory. Who may see a page is decided per
 * request by the caller's own access review (access.ts), never by the console's rights.
 */
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { COST_ANNOTATION } from "../api/sparkplane/constants.js";
import { API_VERSION, SparkApplicationNames } from "../api/v1beta2/constants.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { createInformer, type SharedInformer } from "../kube/informer.js";
import type { KubeLog } from "../kube/log.js";
import { type AppPage, type AppQuery, type AppRow, appRow, compareRows, selectApps } from "./ui/app-rows.js";

/** What the list reads of an app: metadata's identity, the queue, the status. */
function slim(raw: KubernetesObject): KubernetesObject {
  const app = raw as SparkApplication;
  const m = app.metadata;
  const queue = app.spec?.batchSchedulerOptions?.queue;
  return {
    apiVersion: app.apiVersion,
    kind: app.kind,
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
      ...(m.annotations?.[COST_ANNOTATION]
        ? { annotations: { [COST_ANNOTATION]: m.annotations[COST_ANNOTATION] } }
        : {}),
    },
    spec: queue ? { batchSchedulerOptions: { queue } } : {},
    status: app.status,
  } as KubernetesObject;
}

export class AppIndex {
  private readonly informer: SharedInformer<KubernetesObject>;
  /** Rows in `compareRows` order, rebuilt on the first read after a change. */
  private rows: AppRow[] | undefined;
  private readonly appOf = new WeakMap<AppRow, SparkApplication>();

  constructor(kc: KubeConfig, log?: KubeLog) {
    this.informer = createInformer<KubernetesObject>(kc, {
      resource: {
        apiVersion: API_VERSION,
        kind: SparkApplicationNames.kind,
        plural: SparkApplicationNames.plural,
      },
      transform: slim,
      resyncPeriodMs: 0,
      ...(log ? { log } : {}),
    });
    const dirty = () => {
      this.rows = undefined;
    };
    this.informer.addHandlers({ onAdd: dirty, onUpdate: dirty, onDelete: dirty });
  }

  start(): void {
    this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  synced(timeoutMs: number): Promise<boolean> {
    return this.informer.waitForSync(timeoutMs);
  }

  get size(): number {
    return this.sortedRows().length;
  }

  private sortedRows(): AppRow[] {
    if (!this.rows) {
      const now = Date.now();
      this.rows = this.informer.list().map((obj) => {
        const app = obj as unknown as SparkApplication;
        const row = appRow(app, now);
        this.appOf.set(row, app);
        return row;
      });
      this.rows.sort(compareRows);
    }
    return this.rows;
  }

  /** The page of rows the query selects; the durations of running apps are as of now. */
  page(q: AppQuery, visible?: ReadonlySet<string>): AppPage {
    const page = selectApps(this.sortedRows(), q, visible);
    const now = Date.now();
    page.items = page.items.map((r) => {
      const app = this.appOf.get(r);
      return app ? appRow(app, now) : r;
    });
    return page;
  }

  /** Every row (sorted), for summaries such as the cost per queue. */
  allRows(): readonly AppRow[] {
    return this.sortedRows();
  }

  /** Namespaces with at least one app, sorted. */
  namespaces(): string[] {
    return [...new Set(this.sortedRows().map((r) => r.namespace))].sort();
  }
}
