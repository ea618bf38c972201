import type { V1Container, V1Pod } from "@kubernetes/client-node";
import { exceptionSummary } from "../spark/exception-summary.js";

/** A terminated container run (state.terminated / lastState.terminated), times as RFC 3339 strings. */
export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID?: string;
}

export type ContainerState =
  | { state: "waiting"; reason: string; message?: string }
  | { state: "running"; startedAt: string }
  | ({ state: "terminated" } & Terminated);

/** What the agent knows about one container: its current run and the one before. */
export interface ContainerRecord {
  name: string;
  restartCount: number;
  current: ContainerState;
  last?: Terminated;
  containerID?: string;
  /** The readiness probe's verdict for the current run; unset when the container has no probe the agent runs. */
  probeReady?: boolean;
}

export interface PodSnapshot {
  podIP?: string;
  hostIP: string;
  startTime?: string;
  /** The pod's directory, volumes and hosts file are ready (PodReadyToStartContainers). */
  sandboxReady: boolean;
  init: ContainerRecord[];
  containers: ContainerRecord[];
  /** A phase the agent decided outside the containers' states (deadline exceeded, node shutdown). */
  forced?: { phase: "Failed" | "Succeeded"; reason: string; message: string };
}

export type RestartPolicy = "Always" | "OnFailure" | "Never";

export function restartPolicy(pod: V1Pod): RestartPolicy {
  const p = pod.spec?.restartPolicy;
  return p === "OnFailure" || p === "Never" ? p : "Always";
}

/** Init containers with restartPolicy Always are sidecars: they keep running beside the main containers. */
export function isSidecar(c: V1Container): boolean {
  return c.restartPolicy === "Always";
}

export function shouldRestart(policy: RestartPolicy, exitCode: number): boolean {
  return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
}

/** Init containers restart on failure unless the pod's policy is Never. */
export function shouldRestartInit(policy: RestartPolicy, exitCode: number): boolean {
  return exitCode !== 0 && policy !== "Never";
}

/** CrashLoopBackOff delay: base x 2^restarts, capped at 5 minutes; a run of 10 minutes or more resets it. */
export function backoffMs(restartCount: number, ranMs: number, baseMs = 10_000, maxMs = 300_000): number {
  if (ranMs >= 600_000) return baseMs;
  return Math.min(maxMs, baseMs * 2 ** Math.min(restartCount, 20));
}

export const OOM_EXIT_CODE = 137;
/** What the kubelet keeps of a log as a failure's termination message. */
export const MESSAGE_MAX_LINES = 80;
export const MESSAGE_MAX_BYTES = 2048;

export function terminationReason(
  exitCode: number,
  opts: { oomKilled?: boolean; startError?: boolean } = {},
): string {
  if (opts.oomKilled) return "OOMKilled";
  if (opts.startError) return "StartError";
  return exitCode === 0 ? "Completed" : "Error";
}

/**
 * A failed container's message within the kubelet's limits: a Java stack trace's headline and last frames when
 * the log ends in one, else the log's last lines (the kubelet's own rule).
 */
export function logTailMessage(log: string): string | undefined {
  const summary = exceptionSummary(log, MESSAGE_MAX_BYTES);
  if (summary) return summary;
  let text = log.replace(/\n+$/, "").split("\n").slice(-MESSAGE_MAX_LINES).join("\n");
  while (Buffer.byteLength(text) > MESSAGE_MAX_BYTES)
    text = text.slice(text.indexOf("\n") >= 0 ? text.indexOf("\n") + 1 : 1);
  return text.trim() === "" ? undefined : text;
}

function done(r: ContainerRecord | undefined): boolean {
  return r?.current.state === "terminated" && r.current.exitCode === 0;
}

/** An init container has done its part: exited 0, or for a sidecar, started (it keeps running, or is stopped at the end). */
function initComplete(c: V1Container, r: ContainerRecord | undefined): boolean {
  return isSidecar(c) ? r?.current.state === "running" || Boolean(r?.containerID) : done(r);
}

/** The pod phase the kubelet would report for these container states. */
export function podPhase(pod: V1Pod, snap: PodSnapshot): "Pending" | "Running" | "Succeeded" | "Failed" {
  if (snap.forced) return snap.forced.phase;
  const policy = restartPolicy(pod);
  const initSpecs = pod.spec?.initContainers ?? [];
  const initByName = new Map(snap.init.map((r) => [r.name, r]));
  for (const c of initSpecs) {
    const r = initByName.get(c.name);
    if (!isSidecar(c) && r?.current.state === "terminated" && r.current.exitCode !== 0 && policy === "Never")
      return "Failed";
  }
  const initDone = initSpecs.every((c) => initComplete(c, initByName.get(c.name)));
  if (!initDone) return "Pending";
  const byName = new Map(snap.containers.map((r) => [r.name, r]));
  const specs = pod.spec?.containers ?? [];
  let running = 0;
  let terminated = 0;
  let failed = 0;
  for (const c of specs) {
    const r = byName.get(c.name);
    if (!r) continue;
    if (r.current.state === "running" || (r.current.state === "waiting" && r.last)) running++;
    else if (r.current.state === "terminated") {
      terminated++;
      if (r.current.exitCode !== 0) failed++;
    }
  }
  if (specs.length > 0 && terminated === specs.length) return failed > 0 ? "Failed" : "Succeeded";
  return running > 0 ? "Running" : "Pending";
}

interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime: string;
  lastProbeTime: null;
}

/** A condition keeping its lastTransitionTime when its status did not change. */
function condition(
  pod: V1Pod,
  type: string,
  ok: boolean,
  now: string,
  reason?: string,
  message?: string,
): Condition {
  const status = ok ? "True" : "False";
  const prev = pod.status?.conditions?.find((c) => c.type === type);
  const since =
    prev && prev.status === status && prev.lastTransitionTime
      ? new Date(prev.lastTransitionTime).toISOString()
      : now;
  const c: Condition = { type, status, lastTransitionTime: since, lastProbeTime: null };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

function stateJson(s: ContainerState): Record<string, unknown> {
  switch (s.state) {
    case "waiting":
      return { waiting: s.message ? { reason: s.reason, message: s.message } : { reason: s.reason } };
    case "running":
      return { running: { startedAt: s.startedAt } };
    case "terminated": {
      const { state: _, ...t } = s;
      return { terminated: t };
    }
  }
}

function containerStatus(spec: V1Container, r: ContainerRecord | undefined): Record<string, unknown> {
  const current: ContainerState = r?.current ?? { state: "waiting", reason: "ContainerCreating" };
  const running = current.state === "running";
  const out: Record<string, unknown> = {
    name: spec.name,
    image: spec.image ?? "",
    imageID: "",
    ready: running && r?.probeReady !== false,
    started: running,
    restartCount: r?.restartCount ?? 0,
    state: stateJson(current),
    lastState: r?.last ? { terminated: r.last } : {},
  };
  if (r?.containerID) out.containerID = r.containerID;
  return out;
}

/**
 * The pod status the agent reports (a merge patch body's `status`): phase, conditions (PodScheduled and
 * others the agent does not own are kept), IPs, start time, container statuses. Containers are ready once
 * running and, with a tcpSocket/httpGet readiness probe, once it passes (`probes.ts`).
 */
export function podStatus(pod: V1Pod, snap: PodSnapshot, now: string): Record<string, unknown> {
  const phase = podPhase(pod, snap);
  const initSpecs = pod.spec?.initContainers ?? [];
  const specs = pod.spec?.containers ?? [];
  const initBy = new Map(snap.init.map((r) => [r.name, r]));
  const by = new Map(snap.containers.map((r) => [r.name, r]));
  const terminal = phase === "Succeeded" || phase === "Failed";
  const incompleteInit = initSpecs.filter((c) => !initComplete(c, initBy.get(c.name)));
  const isReady = (r: ContainerRecord | undefined) =>
    r?.current.state === "running" && r.probeReady !== false;
  const unready = specs.filter((c) => !isReady(by.get(c.name))).map((c) => c.name);
  const initialized = incompleteInit.length === 0 || (terminal && phase === "Succeeded");
  const containersReady = unready.length === 0 && !terminal;
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesOk = gates.every((t) =>
    pod.status?.conditions?.some((c) => c.type === t && c.status === "True"),
  );
  const unreadyReason = terminal ? "PodCompleted" : "ContainersNotReady";
  const unreadyMsg = terminal ? undefined : `containers with unready status: [${unready.join(" ")}]`;
  const ours = [
    condition(pod, "PodReadyToStartContainers", snap.sandboxReady && !terminal, now),
    condition(
      pod,
      "Initialized",
      initialized,
      now,
      "ContainersNotInitialized",
      `containers with incomplete status: [${incompleteInit.map((c) => c.name).join(" ")}]`,
    ),
    condition(pod, "ContainersReady", containersReady, now, unreadyReason, unreadyMsg),
    condition(
      pod,
      "Ready",
      containersReady && gatesOk,
      now,
      gatesOk || terminal ? unreadyReason : "ReadinessGatesNotReady",
      unreadyMsg,
    ),
  ];
  const ownTypes = new Set(ours.map((c) => c.type));
  const kept = (pod.status?.conditions ?? [])
    .filter((c) => !ownTypes.has(c.type))
    .map((c) => ({
      ...c,
      lastTransitionTime: c.lastTransitionTime ? new Date(c.lastTransitionTime).toISOString() : now,
      lastProbeTime: null,
    }));
  const status: Record<string, unknown> = {
    phase,
    conditions: [...kept, ...ours],
    hostIP: snap.hostIP,
    hostIPs: [{ ip: snap.hostIP }],
    containerStatuses: specs.map((c) => containerStatus(c, by.get(c.name))),
  };
  if (initSpecs.length)
    status.initContainerStatuses = initSpecs.map((c) => containerStatus(c, initBy.get(c.name)));
  if (snap.podIP) {
    status.podIP = snap.podIP;
    status.podIPs = [{ ip: snap.podIP }];
  }
  if (snap.startTime) status.startTime = snap.startTime;
  if (snap.forced) {
    status.reason = snap.forced.reason;
    status.message = snap.forced.message;
  }
  return status;
}
