/**
 * Livy batches (`POST /batches`) as SparkApplications, and a SparkApplication's state as a Livy state. Pure.
 * Field names and state names are those of Apache Livy's REST API.
 */
import { type Static, Type } from "@sinclair/typebox";
import { StringList, StringMap } from "../api/schema.js";
import { API_VERSION, AppState, SparkApplicationNames } from "../api/v1beta2/constants.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { BATCH_APP_PREFIX, LivyAnnotation, LivyLabel } from "./constants.js";

const Opt = Type.Optional;

export const LivyBatchRequestSchema = Type.Object(
  {
    file: Type.String({ minLength: 1, description: "The application: a jar, a .py or a .R file." }),
    proxyUser: Opt(Type.String()),
    className: Opt(Type.String()),
    args: Opt(StringList()),
    jars: Opt(StringList()),
    pyFiles: Opt(StringList()),
    files: Opt(StringList()),
    driverMemory: Opt(Type.String()),
    driverCores: Opt(Type.Integer({ minimum: 1 })),
    executorMemory: Opt(Type.String()),
    executorCores: Opt(Type.Integer({ minimum: 1 })),
    numExecutors: Opt(Type.Integer({ minimum: 1 })),
    archives: Opt(StringList()),
    queue: Opt(Type.String()),
    name: Opt(Type.String()),
    conf: Opt(StringMap()),
  },
  { description: "A Livy batch (POST /batches)." },
);
export type LivyBatchRequest = Static<typeof LivyBatchRequestSchema>;

export const LIVY_STATES = [
  "not_started",
  "starting",
  "running",
  "idle",
  "busy",
  "shutting_down",
  "error",
  "dead",
  "killed",
  "success",
] as const;
export type LivyState = (typeof LIVY_STATES)[number];

/** Livy's state for each SparkApplication state (a record, so a new AppState fails to compile until mapped). */
export const LIVY_STATE_OF: Record<AppState, LivyState> = {
  [AppState.New]: "not_started",
  [AppState.Submitted]: "starting",
  [AppState.Running]: "running",
  [AppState.Succeeding]: "shutting_down",
  [AppState.Completed]: "success",
  [AppState.Failing]: "shutting_down",
  [AppState.Failed]: "dead",
  [AppState.SubmissionFailed]: "error",
  [AppState.PendingRerun]: "starting",
  [AppState.Invalidating]: "starting",
  [AppState.Suspending]: "shutting_down",
  [AppState.Suspended]: "idle",
  [AppState.Resuming]: "starting",
  [AppState.Unknown]: "running",
};

/** A deleted app (deletionTimestamp set) is `killed`, whatever its last state; else LIVY_STATE_OF. */
export function livyState(app: Pick<SparkApplication, "metadata" | "status">): LivyState {
  if (app.metadata.deletionTimestamp) return "killed";
  const state = (app.status?.applicationState?.state ?? AppState.New) as AppState;
  return LIVY_STATE_OF[state] ?? "running";
}

/** What the console adds that a Livy client does not say. */
export interface BatchDefaults {
  namespace: string;
  image: string;
  sparkVersion: string;
  serviceAccount: string;
  /** Used where the request gives no driverMemory / executorMemory. */
  memory: string;
}

/** The batch defaults `sparkplane console` starts with (its flags' defaults): our pinned Spark image. */
export function defaultBatches(namespace: string): BatchDefaults {
  return { namespace, image: "spark:3.5.9", sparkVersion: "3.5.9", serviceAccount: "spark", memory: "512m" };
}

export function batchAppName(id: number): string {
  return `${BATCH_APP_PREFIX}${id}`;
}

/** The batch id of an app made by `batchToApp`, or undefined if it has none (or a malformed one). */
export function batchIdOf(app: Pick<SparkApplication, "metadata">): number | undefined {
  const text = app.metadata.labels?.[LivyLabel.BatchId];
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function appType(file: string): SparkApplication["spec"]["type"] {
  const path = file.split(/[?#]/)[0]?.toLowerCase() ?? "";
  if (path.endsWith(".py")) return "Python";
  if (path.endsWith(".r")) return "R";
  return "Scala";
}

/** The SparkApplication for batch `id`. Fields the request leaves out stay unset (the operator's defaults). */
export function batchToApp(id: number, req: LivyBatchRequest, d: BatchDefaults): SparkApplication {
  const deps: NonNullable<SparkApplication["spec"]["deps"]> = {};
  if (req.jars?.length) deps.jars = req.jars;
  if (req.pyFiles?.length) deps.pyFiles = req.pyFiles;
  if (req.files?.length) deps.files = req.files;
  if (req.archives?.length) deps.archives = req.archives;
  const spec: SparkApplication["spec"] = {
    type: appType(req.file),
    mode: "cluster",
    sparkVersion: d.sparkVersion,
    image: d.image,
    mainApplicationFile: req.file,
    restartPolicy: { type: "Never" },
    driver: {
      serviceAccount: d.serviceAccount,
      memory: req.driverMemory ?? d.memory,
      ...(req.driverCores !== undefined ? { cores: req.driverCores } : { cores: 1 }),
    },
    executor: {
      memory: req.executorMemory ?? d.memory,
      ...(req.executorCores !== undefined ? { cores: req.executorCores } : { cores: 1 }),
      instances: req.numExecutors ?? 1,
    },
  };
  if (req.className !== undefined) spec.mainClass = req.className;
  if (req.args !== undefined) spec.arguments = req.args;
  if (req.proxyUser !== undefined) spec.proxyUser = req.proxyUser;
  if (req.queue !== undefined) spec.batchSchedulerOptions = { queue: req.queue };
  if (Object.keys(deps).length > 0) spec.deps = deps;
  const conf = { ...(req.conf ?? {}) };
  if (req.name !== undefined && conf["spark.app.name"] === undefined) conf["spark.app.name"] = req.name;
  if (Object.keys(conf).length > 0) spec.sparkConf = conf;
  return {
    apiVersion: API_VERSION,
    kind: SparkApplicationNames.kind,
    metadata: {
      name: batchAppName(id),
      namespace: d.namespace,
      labels: { [LivyLabel.BatchId]: String(id) },
      ...(req.name !== undefined ? { annotations: { [LivyAnnotation.Name]: req.name } } : {}),
    },
    spec,
  };
}

/** Livy's batch object: `{id, name, appId, appInfo, log, state}`. */
export interface LivyBatch {
  id: number;
  name: string | null;
  owner: string | null;
  proxyUser: string | null;
  appId: string | null;
  appInfo: { driverLogUrl: string | null; sparkUiUrl: string | null };
  log: string[];
  state: LivyState;
}

export function appToBatch(app: SparkApplication, id: number, log: string[] = []): LivyBatch {
  const ui = app.status?.driverInfo?.webUIAddress;
  const error = app.status?.applicationState?.errorMessage;
  return {
    id,
    name: app.metadata.annotations?.[LivyAnnotation.Name] ?? null,
    owner: null,
    proxyUser: app.spec.proxyUser ?? null,
    appId: app.status?.sparkApplicationId ?? null,
    appInfo: { driverLogUrl: null, sparkUiUrl: ui ? `http://${ui}` : null },
    log: error && log.length === 0 ? [error] : log,
    state: livyState(app),
  };
}

/** Lines `from` .. `from+size` of a log (Livy's `/log?from&size`); a negative or absent `from` means the tail. */
export function logWindow(
  lines: string[],
  from: number | undefined,
  size: number,
): { from: number; total: number; log: string[] } {
  const total = lines.length;
  const start = from === undefined || from < 0 ? Math.max(0, total - size) : Math.min(from, total);
  return { from: start, total, log: lines.slice(start, start + size) };
}
