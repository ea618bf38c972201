import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { CoordinationV1Api, type KubeConfig, type V1Lease } from "@kubernetes/client-node";
import { type KubeLog, stderrLog } from "./log.js";
import { apiStatusCode } from "./retry.js";

export interface LeaderElectionOptions {
  /** Where the Lease lives. */
  namespace: string;
  /** The Lease's name (one per controller, e.g. "sparkplane-operator-lock"). */
  name: string;
  /** Who we are in `holderIdentity`; default `<hostname>_<random>`. */
  identity?: string;
  /** How long others wait after the last renewal they observed before taking over (default 15). */
  leaseDurationSeconds?: number;
  /** The leader gives up if it could not renew for this long (default 10 s; keep it below the lease duration). */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew (default 2 s, with up to 20% jitter when acquiring). */
  retryPeriodMs?: number;
  /** On `stop()`, empty the Lease so another candidate takes over at once (default true). */
  releaseOnStop?: boolean;
  /**
   * Called when this candidate becomes the leader. `signal` aborts when leadership ends (lost or stopped):
   * stop all work then. A rejection is logged.
   */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once when leadership ends, after `signal` was aborted (never if it never led). */
  onStoppedLeading?: () => void;
  /** Called when the observed holder changes (including to ourselves); "" when nobody holds it. */
  onNewLeader?: (identity: string) => void;
  log?: KubeLog;
}

export function defaultIdentity(): string {
  return `${hostname()}_${randomBytes(6).toString("hex")}`;
}

/**
 * Lease-based leader election (coordination.k8s.io/v1), as client-go's LeaderElector: candidates try to
 * take the Lease every retry period; a Lease whose holder has not renewed it for leaseDuration (measured on
 * our own clock, from when we last saw it change, so clock skew does not matter) may be taken over. Every write
 * carries the resourceVersion read, so two candidates never both win.
 */
export class LeaderElector {
  readonly identity: string;
  private readonly api: CoordinationV1Api;
  private readonly log: KubeLog;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly stopController = new AbortController();
  private leading = false;
  private observed: { key: string; at: number; holder: string } | undefined;
  private running: Promise<void> | undefined;

  constructor(
    kc: KubeConfig,
    private readonly opts: LeaderElectionOptions,
  ) {
    this.identity = opts.identity ?? defaultIdentity();
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.log = opts.log ?? stderrLog;
    this.leaseDurationSeconds = opts.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Campaigns, then leads until leadership is lost or `stop()` is called; resolves then. Call once. */
  run(): Promise<void> {
    this.running ??= this.campaignAndLead();
    return this.running;
  }

  /** Stops campaigning or leading (releasing the Lease if we hold it) and waits for `run` to finish. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
  }

  private async campaignAndLead(): Promise<void> {
    const stopped = this.stopController.signal;
    while (!stopped.aborted && !(await this.tryAcquireOrRenew())) {
      await this.pause(this.retryPeriodMs * (1 + Math.random() * 0.2));
    }
    if (stopped.aborted) return;

    this.leading = true;
    const leadership = new AbortController();
    this.log.info({ lease: this.leaseName(), identity: this.identity }, "leader election: became leader");
    Promise.resolve()
      .then(() => this.opts.onStartedLeading(leadership.signal))
      .catch((err) => this.log.error({ err }, "leader election: onStartedLeading failed"));

    let lastRenewal = Date.now();
    while (!stopped.aborted) {
      await this.pause(this.retryPeriodMs);
      if (stopped.aborted) break;
      if (await this.tryAcquireOrRenew()) lastRenewal = Date.now();
      else if (Date.now() - lastRenewal >= this.renewDeadlineMs) {
        this.log.warn(
          { lease: this.leaseName(), identity: this.identity },
          "leader election: lost the lease",
        );
        break;
      }
    }

    this.leading = false;
    leadership.abort();
    if (stopped.aborted && this.opts.releaseOnStop !== false) await this.release();
    try {
      this.opts.onStoppedLeading?.();
    } catch (err) {
      this.log.error({ err }, "leader election: onStoppedLeading failed");
    }
  }

  /** One attempt: true if we hold the Lease afterwards. Never throws. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    try {
      const lease = await this.withDeadline(this.readLease());
      if (!lease) {
        await this.withDeadline(
          this.api.createNamespacedLease({
            namespace: this.opts.namespace,
            body: {
              metadata: { name: this.opts.name, namespace: this.opts.namespace },
              spec: this.spec({ acquireTime: now, renewTime: now, leaseTransitions: 0 }),
            },
          }),
        );
        this.observe(this.identity, `created:${now.getTime()}`);
        return true;
      }
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? "";
      this.observe(holder, `${holder}|${String(spec.renewTime)}|${lease.metadata?.resourceVersion}`);
      const expiresAt =
        (this.observed?.at ?? 0) + (spec.leaseDurationSeconds ?? this.leaseDurationSeconds) * 1000;
      if (holder !== "" && holder !== this.identity && Date.now() < expiresAt) return false;

      const ours = holder === this.identity;
      const updated = await this.withDeadline(
        this.api.replaceNamespacedLease({
          namespace: this.opts.namespace,
          name: this.opts.name,
          body: {
            metadata: { ...lease.metadata, resourceVersion: lease.metadata?.resourceVersion },
            spec: this.spec({
              acquireTime: ours && spec.acquireTime ? new Date(String(spec.acquireTime)) : now,
              renewTime: now,
              leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
            }),
          },
        }),
      );
      this.observe(
        this.identity,
        `${this.identity}|${String(updated.spec?.renewTime)}|${updated.metadata?.resourceVersion}`,
      );
      return true;
    } catch (err) {
      // 409 means another candidate wrote first; anything else is worth a log line.
      if (apiStatusCode(err) !== 409)
        this.log.warn({ err, lease: this.leaseName() }, "leader election: attempt failed");
      return false;
    }
  }

  /** Empties the Lease so others need not wait for it to expire (client-go's ReleaseOnCancel). */
  private async release(): Promise<void> {
    try {
      const lease = await this.withDeadline(this.readLease());
      if (!lease || lease.spec?.holderIdentity !== this.identity) return;
      const now = new Date();
      await this.withDeadline(
        this.api.replaceNamespacedLease({
          namespace: this.opts.namespace,
          name: this.opts.name,
          body: {
            metadata: lease.metadata,
            spec: {
              holderIdentity: "",
              leaseDurationSeconds: 1,
              acquireTime: microTime(now),
              renewTime: microTime(now),
              leaseTransitions: lease.spec?.leaseTransitions ?? 0,
            },
          },
        }),
      );
      this.log.info(
        { lease: this.leaseName(), identity: this.identity },
        "leader election: released the lease",
      );
    } catch (err) {
      this.log.warn({ err, lease: this.leaseName() }, "leader election: could not release the lease");
    }
  }

  private async readLease(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ namespace: this.opts.namespace, name: this.opts.name });
    } catch (err) {
      if (apiStatusCode(err) === 404) return undefined;
      throw err;
    }
  }

  private spec(times: { acquireTime: Date; renewTime: Date; leaseTransitions: number }): V1Lease["spec"] {
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseDurationSeconds,
      acquireTime: microTime(times.acquireTime),
      renewTime: microTime(times.renewTime),
      leaseTransitions: times.leaseTransitions,
    };
  }

  /** Remembers when we last saw the Lease change: expiry is judged on our clock from that moment. */
  private observe(holder: string, key: string): void {
    if (this.observed?.key === key) return;
    const changedHolder = this.observed?.holder !== holder;
    this.observed = { key, at: Date.now(), holder };
    if (changedHolder) this.opts.onNewLeader?.(holder);
  }

  /** A request that hangs must not keep a leader that cannot renew believing it still leads. */
  private withDeadline<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("lease request timed out")), this.renewDeadlineMs);
    });
    return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
  }

  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stopController.signal }).catch(() => {});
  }

  private leaseName(): string {
    return `${this.opts.namespace}/${this.opts.name}`;
  }
}

/**
 * A Lease time as the API server parses it (RFC 3339 with microseconds). client-node would send a Date as
 * milliseconds; its MicroTime model passes strings through unchanged, hence the cast.
 */
function microTime(d: Date): Date {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z") as unknown as Date;
}
