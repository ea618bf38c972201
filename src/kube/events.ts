import { hostname } from "node:os";
import type { CoreV1Event, KubeConfig, KubernetesObject, V1ObjectReference } from "@kubernetes/client-node";
import { JsonClient, MERGE_PATCH, namespacedPath } from "./json-client.js";
import { type KubeLog, stderrLog } from "./log.js";
import { isNotFound } from "./retry.js";

export type EventType = "Normal" | "Warning";

/** An object with its apiVersion and kind set (typed-client list items lack them), or a reference to one. */
export type InvolvedObject = KubernetesObject | V1ObjectReference;

export interface EventRecorderOptions {
  /** `reportingComponent` and `source.component` (default "sparkplane-operator"). */
  component?: string;
  /** `reportingInstance` and `source.host` (default the hostname). */
  instance?: string;
  /** Distinct events remembered for aggregation (default 4096); the least recently seen are forgotten. */
  cacheSize?: number;
  /** Events waiting to be written before new ones are dropped (default 1000). */
  maxPending?: number;
  /**
   * Writes in flight at once (default 8). Events about one object are always written one after another, in
   * order; events about different objects go in parallel, so a burst is not limited to one round trip each.
   */
  concurrency?: number;
  log?: KubeLog;
}

const MAX_MESSAGE_LENGTH = 1024;

interface Written {
  namespace: string;
  name: string;
  count: number;
}

/**
 * Records core/v1 Events about objects, like client-go's EventRecorder. Recording never blocks or throws:
 * events are written in the background (in order for each object; see `concurrency`); failures are logged and
 * the event dropped. An event identical to one already written (same object, type, reason and message) bumps
 * that Event's `count` and `lastTimestamp` with a merge patch instead of creating another.
 */
export class EventRecorder {
  private readonly json: JsonClient;
  private readonly component: string;
  private readonly instance: string;
  private readonly cacheSize: number;
  private readonly maxPending: number;
  private readonly log: KubeLog;
  private readonly written = new Map<string, Written>();
  /** Serial chains of writes; an object's events always go to the same one. */
  private readonly lanes: Promise<void>[];
  private pending = 0;
  private sequence = 0;

  constructor(kc: KubeConfig, opts: EventRecorderOptions = {}) {
    this.json = new JsonClient(kc);
    this.component = opts.component ?? "sparkplane-operator";
    this.instance = opts.instance ?? hostname();
    this.cacheSize = opts.cacheSize ?? 4096;
    this.maxPending = opts.maxPending ?? 1000;
    this.log = opts.log ?? stderrLog;
    this.lanes = Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, () => Promise.resolve());
  }

  /** Queues an event about `involved`. Returns at once. */
  event(involved: InvolvedObject, type: EventType, reason: string, message: string): void {
    const ref = toReference(involved);
    if (!ref.name) {
      this.log.warn({ reason }, "events: dropped an event about an object without a name");
      return;
    }
    if (this.pending >= this.maxPending) {
      this.log.warn({ reason, object: `${ref.namespace}/${ref.name}` }, "events: too many pending; dropped");
      return;
    }
    this.pending++;
    const at = new Date();
    const text =
      message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : message;
    const lane = laneOf(`${ref.namespace}/${ref.kind}/${ref.name}/${ref.uid}`, this.lanes.length);
    this.lanes[lane] = (this.lanes[lane] as Promise<void>)
      .then(() => this.write(ref, type, reason, text, at))
      .catch((err) =>
        this.log.warn(
          { err, reason, object: `${ref.namespace}/${ref.name}` },
          "events: could not record; dropped",
        ),
      )
      .finally(() => this.pending--);
  }

  /** Resolves once every event queued so far has been written (or dropped). */
  async flush(): Promise<void> {
    await Promise.all(this.lanes);
  }

  private async write(
    ref: V1ObjectReference,
    type: EventType,
    reason: string,
    message: string,
    at: Date,
  ): Promise<void> {
    const key = [ref.namespace, ref.kind, ref.name, ref.uid, type, reason, message].join("\u0000");
    const previous = this.written.get(key);
    if (previous) {
      this.written.delete(key); // re-inserted below as the most recently seen
      try {
        await this.json.request(
          "PATCH",
          namespacedPath("v1", previous.namespace, "events", previous.name),
          { count: previous.count + 1, lastTimestamp: at.toISOString() },
          MERGE_PATCH,
        );
        this.remember(key, { ...previous, count: previous.count + 1 });
        return;
      } catch (err) {
        // The Event expired (the API server keeps them for an hour by default): start a new one.
        if (!isNotFound(err)) throw err;
      }
    }
    const namespace = ref.namespace || "default";
    const created = await this.json.create<CoreV1Event>(namespacedPath("v1", namespace, "events"), {
      metadata: { name: this.eventName(ref.name!, at), namespace },
      involvedObject: ref,
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: at,
      lastTimestamp: at,
      source: { component: this.component, host: this.instance },
      reportingComponent: this.component,
      reportingInstance: this.instance,
    } satisfies CoreV1Event);
    this.remember(key, { namespace, name: created.metadata?.name ?? "", count: 1 });
  }

  private remember(key: string, written: Written): void {
    this.written.set(key, written);
    if (this.written.size > this.cacheSize) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }

  /** client-go's "<object>.<hex timestamp>", unique within this recorder even within one millisecond. */
  private eventName(objectName: string, at: Date): string {
    const unique = (BigInt(at.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16);
    return `${objectName.slice(0, 200)}.${unique}`;
  }
}

/** A lane index from an object key (FNV-1a). */
function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

function toReference(involved: InvolvedObject): V1ObjectReference {
  if (!("metadata" in involved) || involved.metadata === undefined) return involved as V1ObjectReference;
  const obj = involved as KubernetesObject;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata?.name,
    namespace: obj.metadata?.namespace,
    uid: obj.metadata?.uid,
    resourceVersion: obj.metadata?.resourceVersion,
  };
}
