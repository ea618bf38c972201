/** Builders of applications, pods and inputs for the unit tests of this directory. */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { AppState } from "../../../../api/v1beta2/constants.js";
import type {
  SparkApplication,
  SparkApplicationSpec,
  SparkApplicationStatus,
} from "../../../../api/v1beta2/sparkapplication.js";
import { afterSubmit, type SubmitResult } from "./after-submit.js";
import { type AppEvent, DEFAULT_DECIDE_CONFIG, type DecideInput, type Decision } from "./decision.js";
import { SPEC_HASH_ANNOTATION, specHash } from "./spec-hash.js";

export type Phase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface PodOptions {
  name: string;
  phase?: Phase;
  role?: "driver" | "executor";
  appId?: string;
  submissionId?: string;
  labels?: Record<string, string>;
  /** Terminated state of the Spark container (`spark-kubernetes-driver` / `spark-kubernetes-executor`). */
  terminated?: { exitCode: number; reason?: string; message?: string };
  containerName?: string;
  extraContainerStatuses?: V1ContainerStatus[];
  reason?: string;
  message?: string;
  deleting?: boolean;
}

export function pod(options: PodOptions): V1Pod {
  const role = options.role ?? "driver";
  const containerName =
    options.containerName ?? (role === "driver" ? "spark-kubernetes-driver" : "spark-kubernetes-executor");
  const labels: Record<string, string> = { "spark-role": role, ...options.labels };
  if (options.appId !== undefined) labels["spark-app-selector"] = options.appId;
  if (options.submissionId !== undefined) labels["sparkoperator.k8s.io/submission-id"] = options.submissionId;
  const containerStatuses: V1ContainerStatus[] = [
    {
      name: containerName,
      image: "spark",
      imageID: "",
      ready: options.terminated === undefined,
      restartCount: 0,
      state: options.terminated === undefined ? { running: {} } : { terminated: { ...options.terminated } },
    },
    ...(options.extraContainerStatuses ?? []),
  ];
  return {
    metadata: {
      name: options.name,
      namespace: "ns",
      labels,
      ...(options.deleting ? { deletionTimestamp: new Date(0) } : {}),
    },
    status: {
      phase: options.phase ?? "Running",
      containerStatuses,
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.message === undefined ? {} : { message: options.message }),
    },
  };
}

export function executor(
  name: string,
  phase: Phase,
  appId = "spark-app-1",
  extra: Partial<PodOptions> = {},
): V1Pod {
  return pod({ name, phase, role: "executor", appId, ...extra });
}

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
export const at = (seconds: number) => T0 + seconds * 1000;
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface AppOptions {
  name?: string;
  spec?: Partial<SparkApplicationSpec>;
  status?: SparkApplicationStatus;
  /** Record the current spec's hash in the annotation (default: unless the app is new). */
  hashRecorded?: boolean;
  annotations?: Record<string, string>;
  deleting?: boolean;
}

export function sparkApp(options: AppOptions = {}): SparkApplication {
  const spec: SparkApplicationSpec = {
    type: "Scala",
    sparkVersion: "3.5.2",
    mainClass: "org.apache.spark.examples.SparkPi",
    mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples.jar",
    driver: { cores: 1 },
    executor: { instances: 2 },
    ...options.spec,
  };
  const isNew = (options.status?.applicationState?.state ?? "") === "";
  const annotations: Record<string, string> = { ...options.annotations };
  if (options.hashRecorded ?? !isNew) annotations[SPEC_HASH_ANNOTATION] = specHash(spec);
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: {
      name: options.name ?? "pi",
      namespace: "ns",
      uid: "app-uid",
      annotations,
      ...(options.deleting ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec,
    ...(options.status === undefined ? {} : { status: options.status }),
  };
}

/** A status in `state` of a first run submitted at `submittedAt`. */
export function runStatus(
  state: AppState,
  extra: SparkApplicationStatus = {},
  submittedAt = T0,
): SparkApplicationStatus {
  return {
    submissionID: "sub-1",
    lastSubmissionAttemptTime: iso(submittedAt),
    submissionAttempts: 1,
    executionAttempts: 1,
    driverInfo: { podName: "pi-driver" },
    ...extra,
    applicationState: { state, ...extra.applicationState },
  };
}

export function inputFor(app: SparkApplication, overrides: Partial<DecideInput> = {}): DecideInput {
  return {
    app,
    driverPod: undefined,
    executorPods: [],
    uiServicePresent: false,
    validationErrors: [],
    now: T0,
    config: { ...DEFAULT_DECIDE_CONFIG },
    ...overrides,
  };
}

export function driver(phase: Phase, extra: Partial<PodOptions> = {}): V1Pod {
  return pod({ name: "pi-driver", phase, appId: "spark-app-1", submissionId: "sub-1", ...extra });
}

/**
 * What the act layer does with a decision, without Kubernetes: records the hash, submits (successfully
 * unless `submitResult` says otherwise) and writes the status.
 */
export function applyDecision(
  app: SparkApplication,
  decision: Decision,
  submitResult: SubmitResult = { ok: true, submissionId: "sub-next" },
): { app: SparkApplication; events: AppEvent[] } {
  let status = decision.status ?? app.status;
  const annotations = { ...app.metadata.annotations };
  const events = [...decision.events];
  for (const action of decision.actions) {
    if (action.kind === "recordSpecHash") annotations[action.annotation] = action.hash;
    if (action.kind === "submit") {
      const outcome = afterSubmit(app, status, action, submitResult);
      status = outcome.status;
      events.push(...outcome.events);
    }
  }
  return {
    app: { ...app, metadata: { ...app.metadata, annotations }, ...(status === undefined ? {} : { status }) },
    events,
  };
}

export const reasons = (events: readonly AppEvent[]) => events.map((event) => event.reason);
export const stateOfApp = (app: SparkApplication) => app.status?.applicationState?.state ?? "";
