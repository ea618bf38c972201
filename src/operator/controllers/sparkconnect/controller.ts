/**
 * The SparkConnect controller's act layer around the pure `decideConnect`: gather the session and its pods
 * from the caches, build its objects (pure, src/submit/connect-server.ts), create the ConfigMap, Service and
 * server pod when the pod is absent (each create-if-absent, so a retry or a restarted operator repeats
 * nothing), write the status subresource whole when it changed (a stale read gets a 409 and a retry), and
 * record the decision's events. Deletion needs nothing here: every object is owned by the SparkConnect (the
 * executors by the server pod), so the garbage collector removes them.
 */
import type { CoreV1Api, KubernetesObject, V1Pod } from "@kubernetes/client-node";
import { SparkConnectLabel, SparkConnectNames, VERSION_V1ALPHA1 } from "../../../api/v1alpha1/constants.js";
import type { SparkConnect, SparkConnectStatus } from "../../../api/v1alpha1/sparkconnect.js";
import { GROUP } from "../../../api/v1beta2/constants.js";
import type { JsonClient } from "../../../kube/json-client.js";
import { type KubeLog, silentLog } from "../../../kube/log.js";
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
import { decideConnect, isConnectExecutor } from "./decide/decide.js";

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
}

const plural = SparkConnectNames.plural;

function asks(cores: number | undefined, memory: string | undefined): string {
  return `${cores ?? 1} CPU, ${memory ?? "1g"} memory`;
}

export class SparkConnectController {
  private readonly log: KubeLog;
  private readonly now: () => number;

  constructor(private readonly d: ConnectControllerDeps) {
    this.log = d.log ?? silentLog;
    this.now = d.now ?? Date.now;
  }

  static keyOf(namespace: string, name: string): string {
    return `${namespace}/${name}`;
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
    try {
      for (const action of decision.actions) {
        if (action.kind === "createServer" && objects) await this.createServer(objects);
      }
      if (decision.status !== conn.status) current = await this.writeStatus(conn, decision.status);
    } finally {
      for (const e of decision.events) this.d.events.event(current, e.type, e.reason, e.message);
    }
    return undefined;
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
