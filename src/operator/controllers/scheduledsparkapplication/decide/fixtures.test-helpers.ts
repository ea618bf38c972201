/** Builders and a simulated cluster with an injected clock for the unit tests of this directory. */
import type { AppState } from "../../../../api/v1beta2/constants.js";
import type {
  ScheduledSparkApplication,
  ScheduledSparkApplicationSpec,
  ScheduledSparkApplicationStatus,
} from "../../../../api/v1beta2/scheduledsparkapplication.js";
import type { SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";
import { decideScheduled } from "./decide.js";
import type { ScheduledDecideInput, ScheduledDecision, ScheduledEvent, ScheduledRun } from "./decision.js";

export const at = (iso: string): number => Date.parse(iso);

export const TEMPLATE: SparkApplicationSpec = {
  type: "Scala",
  sparkVersion: "3.5.1",
  mode: "cluster",
  image: "spark:3.5.1",
  mainClass: "org.apache.spark.examples.SparkPi",
  mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples.jar",
  driver: { cores: 1, memory: "512m" },
  executor: { cores: 1, instances: 1, memory: "512m" },
} as SparkApplicationSpec;

export interface AppOptions extends Partial<ScheduledSparkApplicationSpec> {
  name?: string;
  createdAt?: string;
  status?: ScheduledSparkApplicationStatus;
  labels?: Record<string, string>;
}

export function scheduledApp(options: AppOptions = {}): ScheduledSparkApplication {
  const { name = "nightly", createdAt = "2024-01-01T00:00:00Z", status, labels, ...spec } = options;
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "ScheduledSparkApplication",
    metadata: { name, namespace: "default", uid: "uid-1", creationTimestamp: createdAt, labels },
    spec: { schedule: "0 2 * * *", timeZone: "UTC", template: TEMPLATE, ...spec },
    status,
  };
}

export function run(
  name: string,
  state: AppState | undefined,
  createdAt: string,
  deleting = false,
): ScheduledRun {
  return {
    metadata: {
      name,
      creationTimestamp: createdAt,
      ...(deleting ? { deletionTimestamp: createdAt } : {}),
    },
    status: state === undefined ? undefined : { applicationState: { state } },
  } as ScheduledRun;
}

export function decideAt(
  app: ScheduledSparkApplication,
  now: string | number,
  runs: readonly ScheduledRun[] = [],
  extra: Partial<ScheduledDecideInput> = {},
): ScheduledDecision {
  return decideScheduled({ app, runs, now: typeof now === "number" ? now : at(now), ...extra });
}

export const reasons = (events: readonly ScheduledEvent[]) =>
  events.map((event) => event.reason.replace(/^ScheduledSparkApplication/, ""));
export const kinds = (decision: ScheduledDecision) =>
  decision.actions.map((action) => `${action.kind} ${action.name}`);
export const created = (decision: ScheduledDecision) =>
  decision.actions.filter((action) => action.kind === "createRun").map((action) => action.name);

/**
 * A namespace with one ScheduledSparkApplication and its runs, driven by `decideScheduled` the way the act
 * layer drives it: actions applied in order, status written whole, events recorded.
 */
export class SimulatedCluster {
  app: ScheduledSparkApplication;
  runs: ScheduledRun[] = [];
  events: { at: number; event: ScheduledEvent }[] = [];
  /** Every run ever created, in order, with the time it was created. */
  history: { name: string; at: number; scheduledTime: string }[] = [];
  operatorStartedAt: number | undefined;
  /** What a finished decision's run becomes right away; undefined: it stays new (active). */
  finishRunsAs: AppState | undefined;

  constructor(app: ScheduledSparkApplication) {
    this.app = structuredClone(app);
  }

  reconcile(now: number): ScheduledDecision {
    const decision = decideScheduled({
      app: this.app,
      runs: this.runs,
      now,
      ...(this.operatorStartedAt === undefined ? {} : { operatorStartedAt: this.operatorStartedAt }),
    });
    for (const action of decision.actions) {
      if (action.kind === "createRun") {
        if (this.runs.some((existing) => existing.metadata.name === action.name)) continue;
        const createdAt = new Date(now).toISOString();
        this.runs.push(run(action.name, this.finishRunsAs ?? "", createdAt));
        this.history.push({ name: action.name, at: now, scheduledTime: action.scheduledTime });
      } else {
        this.runs = this.runs.filter((existing) => existing.metadata.name !== action.name);
      }
    }
    this.app = { ...this.app, status: decision.status };
    for (const event of decision.events) this.events.push({ at: now, event });
    return decision;
  }

  /**
   * Reconciles at `from`, then whenever the decision asks, until `until` (inclusive); with `pollMs`, also at
   * least that often, as watch events and resyncs make an operator do.
   */
  runUntil(from: number, until: number, pollMs?: number): void {
    let now = from;
    while (now <= until) {
      const decision = this.reconcile(now);
      const wait = Math.min(
        decision.requeueAfterMs ?? Number.POSITIVE_INFINITY,
        pollMs ?? Number.POSITIVE_INFINITY,
      );
      if (wait === Number.POSITIVE_INFINITY) return;
      now += wait;
    }
  }

  setState(name: string, state: AppState): void {
    this.runs = this.runs.map((existing) =>
      existing.metadata.name === name ? { ...existing, status: { applicationState: { state } } } : existing,
    );
  }

  edit(spec: Partial<ScheduledSparkApplicationSpec>): void {
    this.app = { ...this.app, spec: { ...this.app.spec, ...spec } };
  }

  createdTimes(): string[] {
    return this.history.map((entry) => new Date(entry.at).toISOString());
  }

  scheduledTimes(): string[] {
    return this.history.map((entry) => entry.scheduledTime);
  }
}
