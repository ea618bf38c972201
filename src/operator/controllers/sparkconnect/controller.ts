/**
 * The SparkConnect controller's act layer around the pure `decideConnect`: gather the session and its pods
 * from the caches, build its objects (pure, src/submit/connect-server.ts), create the ConfigMap, Service and
 * server pod when the pod is absent (each create-if-absent, so a retry or a restarted operator repeats
 * nothing), write the status subresource whole when it changed (a stale read gets a 409 and a retry), and
 * record the decision's events. Deletion needs nothing here: every object is owned by the SparkConnect (the
 * executors by the server pod), so the garbage collector removes them.
 */
import type { CoreV1Api, KubernetesObject, V1Pod } from "@kubernetes/client-node";
import {
  SparkConnectEventReason,
  SparkConnectLabel,
  SparkConnectNames,
  SparkConnectState,
  VERSION_V1ALPHA1,
} from "../../../api/v1alpha1/constants.js";
import type { SparkConnect, SparkConnectStatus } from "../../../api/v1alpha1/sparkconnect.js";
import { GROUP } from "../../../api/v1beta2/constants.js";
import type { JsonClient } from "../../../kube/json-client.js";
import { type KubeLog, silentLog } from "../../../kube/log.js";
import { namespacedKey } from "../../../kube/resource.js";
import { isAlreadyExists, isNotFound } from "../../../kube/retry.js";
import type { ReconcileResult } from "../../../kube/workqueue.js";
import {
  buildConnectServer,
  ConnectSpecError,
  connectionURL,
  connectNames,
  serverResources,
} from "../../../submit/connect-server.js";
import type { Lister } from "../caches.js";
import { type ActivityReader, httpActivityReader } from "./activity.js";
import { type ConnectEvent, decideConnect, isConnectExecutor } from "./decide/decide.js";
import { decideIdle, idleTimeoutOf, lastActivity, readySince, stoppedStatus } from "./decide/idle.js";

export interface ObjectEventRecorder {
  event(involved: KubernetesObject, type: "Normal" | "Warning", reason: string, message: string): void;
}

export interface ConnectControllerDeps {
  core: CoreV1Api;
  json: JsonClient;
  sessions: Lister<SparkConnect>;
  /** Spark pods; `byLabel(ns, connect-name, name)` gives a session's server and executors. */
  pods: Lister<V1Pod>;
  events: ObjectEventRecorder;
  /** spark.master for the servers. */
  master: string;
  now?: () => number;
  log?: KubeLog;
  /** How a server's activity is read for the idle timeout (default: its Spark UI REST API). */
  activity?: ActivityReader;
}

const plural = SparkConnectNames.plural;

function asks(cores: number | undefined, memory: string | undefined): string {
  return `${cores ?? 1} CPU, ${memory ?? "1g"} memory`;
}

export class SparkConnectController {
  private readonly log: KubeLog;
  private readonly now: () => number;
  private readonly activity: ActivityReader;
  /** UIDs of sessions this controller stopped, until its cache shows them Stopped (never re-created meanwhile). */
  private readonly stopping = new Set<string>();

  constructor(private readonly d: ConnectControllerDeps) {
    this.log = d.log ?? silentLog;
    this.now = d.now ?? Date.now;
    this.activity = d.activity ?? httpActivityReader();
  }

  static keyOf(namespace: string, name: string): string {
    return namespacedKey(namespace, name);
  }

  /** The session a pod belongs to (its connect-name label), if any. */
  static keyOfPod(pod: KubernetesObject): string | undefined {
    const name = pod.metadata?.labels?.[SparkConnectLabel.ConnectName];
    return name ? SparkConnectController.keyOf(pod.metadata?.namespace ?? "default", name) : undefined;
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const [namespace, name] = key.split("/") as [string, string];
    const conn = this.d.sessions.get(namespace, name);
    if (!conn || conn.metadata.deletionTimestamp) return undefined;
    const uid = conn.metadata.uid ?? "";
    if (this.stopping.has(uid)) {
      if (conn.status?.state !== SparkConnectState.Stopped) return { requeueAfterMs: 500 };
      this.stopping.delete(uid);
    }
    const names = connectNames(conn);
    const pods = this.d.pods.byLabel(namespace, SparkConnectLabel.ConnectName, name);
    const serverPod = pods.find((p) => p.metadata?.name === names.pod);
    let specError: string | undefined;
    let objects: ReturnType<typeof buildConnectServer> | undefined;
    const now = new Date(this.now());
    try {
      objects = buildConnectServer(conn, { master: this.d.master }, now);
      serverResources(conn);
    } catch (err) {
      if (!(err instanceof ConnectSpecError)) throw err;
      specError = err.message;
    }
    const decision = decideConnect({
      conn,
      ...(serverPod ? { serverPod } : {}),
      executors: pods.filter(isConnectExecutor),
      names,
      connectionURL: connectionURL(conn),
      ...(specError ? { specError } : {}),
      serverAsks: asks(conn.spec.server.cores, conn.spec.server.memory),
      executorAsks: asks(conn.spec.executor.cores, conn.spec.executor.memory),
      now: now.toISOString(),
    });
    let current = conn as unknown as KubernetesObject;
    const events: ConnectEvent[] = [...decision.events];
    let result: ReconcileResult | undefined;
    try {
      for (const action of decision.actions) {
        if (action.kind === "createServer" && objects) await this.createServer(objects);
        if (action.kind === "deleteServer") await this.deletePods(namespace, name);
      }
      let status = decision.status;
      const idle =
        status.state === SparkConnectState.Ready ? await this.idleCheck(conn, status, events) : undefined;
      if (idle?.kind === "keep") result = { requeueAfterMs: idle.requeueAfterMs };
      if (idle?.kind === "stop") {
        status = stoppedStatus(status, idle.message, now.toISOString());
        events.push({ type: "Normal", reason: SparkConnectEventReason.IdleStopped, message: idle.message });
      }
      if (status !== conn.status) current = await this.writeStatus(conn, status);
      if (idle?.kind === "stop") {
        // Status first: a reconcile seeing the server gone must find the session Stopped, not re-create it.
        this.stopping.add(uid);
        await this.deletePods(namespace, name);
        this.log.info({ session: key }, `sparkconnect: ${idle.message}`);
      }
    } finally {
      for (const e of events) this.d.events.event(current, e.type, e.reason, e.message);
    }
    return result;
  }

  /** The idle decision of a Ready session with an idle timeout; undefined when it has none or it cannot be told. */
  private async idleCheck(conn: SparkConnect, status: SparkConnectStatus, events: ConnectEvent[]) {
    const timeout = idleTimeoutOf(conn);
    if (timeout.kind === "none") return undefined;
    if (timeout.kind === "invalid") {
      events.push({
        type: "Warning",
        reason: SparkConnectEventReason.InvalidIdleTimeout,
        message: timeout.problem,
      });
      return undefined;
    }
    const podIp = status.server?.podIp;
    if (!podIp) return undefined;
    const now = this.now();
    try {
      const activity = await this.activity(conn, podIp);
      const last = lastActivity(activity, readySince(status) ?? now, now);
      return decideIdle({ timeout, lastActivityMs: last, now });
    } catch (err) {
      // Not knowing is not idle: look again later, never stop on a failed read.
      this.log.info(
        { session: `${conn.metadata.namespace}/${conn.metadata.name}`, err: (err as Error).message },
        "sparkconnect: cannot read the server's activity for its idle timeout",
      );
      return { kind: "keep" as const, requeueAfterMs: Math.min(timeout.ms, 30_000) };
    }
  }

  /** The server pod and executors (the garbage collector would take the executors too, but may not run). */
  private async deletePods(namespace: string, name: string): Promise<void> {
    try {
      await this.d.core.deleteCollectionNamespacedPod({
        namespace,
        labelSelector: `${SparkConnectLabel.ConnectName}=${name}`,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async createIfAbsent(path: string, body: unknown): Promise<void> {
    try {
      await this.d.json.request("POST", path, body);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private async createServer(objects: ReturnType<typeof buildConnectServer>): Promise<void> {
    const ns = objects.pod.metadata?.namespace ?? "default";
    await this.createIfAbsent(`/api/v1/namespaces/${ns}/configmaps`, objects.configMap);
    await this.createIfAbsent(`/api/v1/namespaces/${ns}/services`, objects.service);
    await this.createIfAbsent(`/api/v1/namespaces/${ns}/pods`, objects.pod);
    this.log.info({ session: `${ns}/${objects.pod.metadata?.name}` }, "sparkconnect: server created");
  }

  private async writeStatus(conn: SparkConnect, status: SparkConnectStatus): Promise<KubernetesObject> {
    const { namespace, name } = conn.metadata;
    const body = { ...conn, status };
    try {
      return await this.d.json.request<KubernetesObject>(
        "PUT",
        `/apis/${GROUP}/${VERSION_V1ALPHA1}/namespaces/${namespace}/${plural}/${name}/status`,
        body,
      );
    } catch (err) {
      // Deleted meanwhile: nothing left to report on (its objects go with it).
      if (isNotFound(err)) return conn as unknown as KubernetesObject;
      throw err;
    }
  }
}
