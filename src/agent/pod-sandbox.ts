import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { PodRuntime } from "./downward.js";
import { type DataLookup, referencedObjects } from "./env.js";
import {
  fetchData,
  type PodDirs,
  prepareHostPath,
  requestToken,
  writeMeta,
  writeVolumeFiles,
} from "./pod-fs.js";
import { planVolume, type VolumeFile, type VolumePlan, volumeSource } from "./volumes.js";

/** Refresh tokens when 80% of their lifetime has passed, as the kubelet does. */
const TOKEN_REFRESH_FRACTION = 0.8;

/**
 * The pod-level things containers share: its directory, its volumes (written from ConfigMaps, Secrets,
 * the downward API and TokenRequest, kept fresh for tokens) and its hosts file.
 */
export class PodSandbox {
  plans: VolumePlan[] = [];
  private tokenTimer?: NodeJS.Timeout;
  private hostsText?: string;
  private stopped = false;

  constructor(
    private readonly pod: () => V1Pod,
    readonly dirs: PodDirs,
    private readonly core: CoreV1Api,
    private readonly node: string,
    private readonly log: Logger,
  ) {}

  /** The ConfigMaps and Secrets the pod refers to, fetched now. */
  data(): Promise<DataLookup> {
    const pod = this.pod();
    return fetchData(this.core, pod.metadata!.namespace!, referencedObjects(pod));
  }

  /** Creates the pod directory and writes every volume. Throws ConfigError (or API errors) to be retried. */
  async prepare(rt: PodRuntime): Promise<void> {
    const pod = this.pod();
    mkdirSync(join(this.dirs.podDir, "containers"), { recursive: true });
    mkdirSync(this.dirs.logDir, { recursive: true });
    writeMeta(this.dirs, {
      namespace: pod.metadata!.namespace!,
      name: pod.metadata!.name!,
      uid: pod.metadata!.uid!,
      node: this.node,
    });
    const data = await this.data();
    const plans = (pod.spec?.volumes ?? []).map((v) => planVolume(pod, v, rt, data));
    let nextRefresh = Number.POSITIVE_INFINITY;
    for (const plan of plans) {
      const dir = volumeSource(plan, this.dirs.podDir);
      if (plan.kind === "emptyDir") mkdirSync(dir, { recursive: true, mode: 0o777 });
      else if (plan.kind === "hostPath") prepareHostPath(plan.path, plan.type);
      else if (plan.kind === "files") {
        const files = [];
        for (const f of plan.files) {
          if (f.token) {
            const t = await requestToken(this.core, pod, f.token);
            nextRefresh = Math.min(nextRefresh, refreshAt(t.expiresAt));
            files.push({ path: f.path, mode: f.mode, content: Buffer.from(t.token) });
          } else files.push({ path: f.path, mode: f.mode, content: f.content ?? Buffer.alloc(0) });
        }
        writeVolumeFiles(dir, files);
      }
    }
    this.plans = plans;
    this.scheduleRefresh(nextRefresh);
  }

  /** Rewrites the hosts file in place (it is bind-mounted file by file) when its content changes. */
  writeHosts(text: string): void {
    if (text === this.hostsText && existsSync(this.dirs.hostsFile)) return;
    const current = existsSync(this.dirs.hostsFile) ? readFileSync(this.dirs.hostsFile, "utf8") : undefined;
    if (current !== text) writeFileSync(this.dirs.hostsFile, text, { mode: 0o644 });
    this.hostsText = text;
  }

  stop(): void {
    this.stopped = true;
    if (this.tokenTimer) clearTimeout(this.tokenTimer);
  }

  private scheduleRefresh(at: number): void {
    if (this.tokenTimer) clearTimeout(this.tokenTimer);
    if (!Number.isFinite(at) || this.stopped) return;
    this.tokenTimer = setTimeout(
      () => void this.refreshTokens(),
      Math.max(1000, Math.min(at - Date.now(), 2 ** 31 - 1)),
    );
    this.tokenTimer.unref();
  }

  private async refreshTokens(): Promise<void> {
    const pod = this.pod();
    let next = Number.POSITIVE_INFINITY;
    try {
      for (const plan of this.plans) {
        if (plan.kind !== "files") continue;
        const tokens = plan.files.filter((f): f is VolumeFile & { token: NonNullable<VolumeFile["token"]> } =>
          Boolean(f.token),
        );
        const files = [];
        for (const f of tokens) {
          const t = await requestToken(this.core, pod, f.token);
          next = Math.min(next, refreshAt(t.expiresAt));
          files.push({ path: f.path, mode: f.mode, content: Buffer.from(t.token) });
        }
        if (files.length) writeVolumeFiles(volumeSource(plan, this.dirs.podDir), files);
      }
      this.log.debug({ pod: pod.metadata?.name }, "service-account tokens refreshed");
    } catch (err) {
      this.log.warn(
        { pod: pod.metadata?.name, err: (err as Error).message },
        "token refresh failed; retrying in 30 s",
      );
      next = Date.now() + 30_000;
    }
    this.scheduleRefresh(next);
  }
}

function refreshAt(expiresAt: number): number {
  const now = Date.now();
  return now + (expiresAt - now) * TOKEN_REFRESH_FRACTION;
}
