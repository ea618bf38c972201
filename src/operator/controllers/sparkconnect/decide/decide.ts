/**
 * What the SparkConnect controller does with one session, as a pure function of what it observed: create
 * the server (ConfigMap, Service, pod) when its pod is absent, and the status kubeflow writes (state,
 * ServerPodReady condition, server pod name/IP, Service name, executor counts by phase) plus sparkplane's
 * connection URL and, when something does not fit, a message saying what.
 */
import type { V1Pod } from "@kubernetes/client-node";
import {
  SparkConnectCondition,
  SparkConnectConditionReason,
  SparkConnectEventReason,
  SparkConnectState,
} from "../../../../api/v1alpha1/constants.js";
import type { Condition, SparkConnect, SparkConnectStatus } from "../../../../api/v1alpha1/sparkconnect.js";
import { SparkLabel, SparkRole } from "../../../../spark/constants.js";

export interface ConnectObservation {
  conn: SparkConnect;
  /** The server pod from the cache (metadata and status). */
  serverPod?: V1Pod;
  /** The session's executor pods. */
  executors: readonly V1Pod[];
  /** The names the builder gives the session's objects, and its in-cluster URL. */
  names: { pod: string; service: string };
  connectionURL: string;
  /** Why the spec cannot run (the builder's error naming the field), if it cannot. */
  specError?: string;
  /** What the server pod asks for, e.g. "1 CPU, 1408Mi" (said when it does not fit). */
  serverAsks: string;
  /** What one executor asks for. */
  executorAsks: string;
  now: string;
}

export type ConnectAction = { kind: "createServer" } | { kind: "deleteServer" };

export interface ConnectEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

export interface ConnectDecision {
  actions: ConnectAction[];
  status: SparkConnectStatus;
  events: ConnectEvent[];
}

const isTerminal = (pod: V1Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

function podCondition(pod: V1Pod | undefined, type: string) {
  return pod?.status?.conditions?.find((c) => c.type === type);
}

/** The scheduler's verdict when it could not place the pod. */
function unschedulable(pod: V1Pod): string | undefined {
  const scheduled = podCondition(pod, "PodScheduled");
  return scheduled?.status === "False" && scheduled.reason === "Unschedulable"
    ? (scheduled.message ?? "no node fits")
    : undefined;
}

/** Why a finished server pod stopped, from its container's termination. */
function terminationOf(pod: V1Pod): string {
  const terminated = pod.status?.containerStatuses?.find((c) => c.state?.terminated)?.state?.terminated;
  const parts = [
    `server pod ${pod.metadata?.name} ${pod.status?.phase?.toLowerCase()}`,
    terminated ? `exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}` : "",
    pod.status?.message ?? terminated?.message ?? "",
  ];
  return parts.filter(Boolean).join(": ");
}

/** `conditions` with `next` in place of its type, keeping lastTransitionTime when the status is unchanged. */
export function setCondition(conditions: readonly Condition[] | undefined, next: Condition): Condition[] {
  const others = (conditions ?? []).filter((c) => c.type !== next.type);
  const prev = conditions?.find((c) => c.type === next.type);
  const since = prev && prev.status === next.status ? prev.lastTransitionTime : next.lastTransitionTime;
  return [...others, { ...next, lastTransitionTime: since }];
}

function executorCounts(executors: readonly V1Pod[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const pod of executors) {
    const phase = (pod.status?.phase ?? "Pending").toLowerCase();
    counts[phase] = (counts[phase] ?? 0) + 1;
  }
  return counts;
}

export function isConnectExecutor(pod: V1Pod): boolean {
  return pod.metadata?.labels?.[SparkLabel.Role] === SparkRole.Executor;
}

export function decideConnect(obs: ConnectObservation): ConnectDecision {
  const { conn, serverPod, now } = obs;
  const prev = conn.status ?? {};
  const events: ConnectEvent[] = [];
  const actions: ConnectAction[] = [];
  const base: SparkConnectStatus = {
    ...prev,
    startTime: prev.startTime ?? now,
    connectionURL: obs.connectionURL,
    server: { ...prev.server, podName: obs.names.pod, serviceName: obs.names.service },
    executors: executorCounts(obs.executors),
  };
  delete base.message;
  const notReady = (message: string): Condition => ({
    type: SparkConnectCondition.ServerPodReady,
    status: "False",
    reason: SparkConnectConditionReason.ServerPodNotReady,
    message,
    lastTransitionTime: now,
  });
  const finish = (status: SparkConnectStatus): ConnectDecision => {
    const changed =
      JSON.stringify({ ...status, lastUpdateTime: undefined }) !==
      JSON.stringify({ ...prev, lastUpdateTime: undefined });
    return { actions, events, status: changed ? { ...status, lastUpdateTime: now } : prev };
  };

  // Stopped (idle) stays stopped: its server is not re-created; a new session is a new SparkConnect.
  if (prev.state === SparkConnectState.Stopped) {
    const message = prev.message ?? "stopped";
    const live = [serverPod, ...obs.executors].some((p) => p && !p.metadata?.deletionTimestamp);
    if (live) actions.push({ kind: "deleteServer" });
    return finish({
      ...base,
      state: SparkConnectState.Stopped,
      message,
      server: { ...base.server, podIp: undefined },
      conditions: setCondition(prev.conditions, notReady(message)),
    });
  }

  if (obs.specError) {
    if (prev.state !== SparkConnectState.Failed || prev.message !== obs.specError)
      events.push({ type: "Warning", reason: SparkConnectEventReason.InvalidSpec, message: obs.specError });
    return finish({
      ...base,
      state: SparkConnectState.Failed,
      message: obs.specError,
      conditions: setCondition(prev.conditions, notReady(obs.specError)),
    });
  }

  if (!serverPod || serverPod.metadata?.deletionTimestamp) {
    if (!serverPod) {
      actions.push({ kind: "createServer" });
      events.push({
        type: "Normal",
        reason: SparkConnectEventReason.ServerCreated,
        message: `created Spark Connect server pod ${obs.names.pod} and Service ${obs.names.service}`,
      });
    }
    const wasUp = prev.state === SparkConnectState.Ready || prev.state === SparkConnectState.NotReady;
    return finish({
      ...base,
      state: wasUp ? SparkConnectState.NotReady : SparkConnectState.Provisioning,
      server: { ...base.server, podIp: undefined },
      conditions: setCondition(prev.conditions, notReady("server pod is being created")),
    });
  }

  const withPod: SparkConnectStatus = {
    ...base,
    server: { ...base.server, ...(serverPod.status?.podIP ? { podIp: serverPod.status.podIP } : {}) },
  };

  if (isTerminal(serverPod)) {
    const message = terminationOf(serverPod);
    if (prev.state !== SparkConnectState.Failed)
      events.push({ type: "Warning", reason: SparkConnectEventReason.Failed, message });
    return finish({
      ...withPod,
      state: SparkConnectState.Failed,
      message,
      conditions: setCondition(prev.conditions, notReady(message)),
    });
  }

  const pendingExecutors = obs.executors.filter((p) => !isTerminal(p) && unschedulable(p) !== undefined);
  const executorMessage =
    pendingExecutors.length > 0
      ? `${pendingExecutors.length} executor(s) do not fit: each asks for ${obs.executorAsks} (spec.executor.cores, spec.executor.memory); the scheduler says: ${unschedulable(pendingExecutors[0]!)}`
      : undefined;
  if (executorMessage && prev.message !== executorMessage)
    events.push({
      type: "Warning",
      reason: SparkConnectEventReason.ExecutorsUnschedulable,
      message: executorMessage,
    });

  const stuck = unschedulable(serverPod);
  if (stuck !== undefined) {
    const message = `server pod ${obs.names.pod} does not fit: it asks for ${obs.serverAsks} (spec.server.cores, spec.server.memory); the scheduler says: ${stuck}`;
    if (prev.message !== message)
      events.push({ type: "Warning", reason: SparkConnectEventReason.Unschedulable, message });
    return finish({
      ...withPod,
      state:
        prev.state === SparkConnectState.Ready ? SparkConnectState.NotReady : SparkConnectState.Provisioning,
      message,
      conditions: setCondition(prev.conditions, notReady(message)),
    });
  }

  if (podCondition(serverPod, "Ready")?.status === "True") {
    if (prev.state !== SparkConnectState.Ready)
      events.push({
        type: "Normal",
        reason: SparkConnectEventReason.Ready,
        message: `Spark Connect server is ready at ${obs.connectionURL}`,
      });
    return finish({
      ...withPod,
      state: SparkConnectState.Ready,
      ...(executorMessage ? { message: executorMessage } : {}),
      conditions: setCondition(prev.conditions, {
        type: SparkConnectCondition.ServerPodReady,
        status: "True",
        reason: SparkConnectConditionReason.ServerPodReady,
        message: "Server pod is ready",
        lastTransitionTime: now,
      }),
    });
  }

  const wasReady = prev.state === SparkConnectState.Ready;
  if (wasReady)
    events.push({
      type: "Warning",
      reason: SparkConnectEventReason.NotReady,
      message: `server pod ${obs.names.pod} is no longer ready`,
    });
  const message = `Server pod is not ready: ${serverPod.status?.phase ?? "Pending"}${serverPod.status?.message ? `: ${serverPod.status.message}` : ""}`;
  return finish({
    ...withPod,
    state:
      wasReady || prev.state === SparkConnectState.NotReady
        ? SparkConnectState.NotReady
        : SparkConnectState.Provisioning,
    ...(executorMessage ? { message: executorMessage } : {}),
    conditions: setCondition(prev.conditions, notReady(message)),
  });
}
