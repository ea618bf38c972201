import { setTimeout as sleep } from "node:timers/promises";
import type { KubeHttp } from "./kube-http.js";

export interface AppLoad {
  /** Per app index: when its create was sent / answered (performance.now()); undefined if it never was. */
  sentAt: number[];
  createdAt: number[];
  /** Failed attempts (each app is retried up to 5 times with backoff). */
  errors: number;
  /** Creates answered so far. */
  created: number;
  firstSent: number;
  /** When the last create was answered (set once `finished` resolves). */
  done: number;
  finished: Promise<void>;
}

export interface AppLoadOptions {
  /** The collection to POST to. */
  path: string;
  /** The collection of app i, when apps go to several (overrides `path`). */
  pathOf?: (i: number) => string;
  count: number;
  /** The body of app i. */
  body: (i: number) => string;
  /** Creations per second (open loop: app i is sent at t0 + i/rate, whatever the answers); else a burst. */
  rate?: number;
  /** Burst: creations in flight at once. */
  concurrency: number;
  log: (line: string) => void;
}

/**
 * Starts creating `count` objects, at a rate or as one burst, and records when each was sent and answered.
 * The returned record fills in as the creates are answered.
 */
export function createApps(admin: KubeHttp, opts: AppLoadOptions): AppLoad {
  const { count } = opts;
  const load: AppLoad = {
    sentAt: new Array(count),
    createdAt: new Array(count),
    errors: 0,
    created: 0,
    firstSent: performance.now(),
    done: 0,
    finished: Promise.resolve(),
  };
  const createOne = async (i: number) => {
    const body = opts.body(i);
    load.sentAt[i] = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.raw("POST", opts.pathOf ? opts.pathOf(i) : opts.path, body);
        load.createdAt[i] = performance.now();
        load.created++;
        return;
      } catch (err) {
        load.errors++;
        if (attempt >= 5) {
          opts.log(`create #${i} failed: ${(err as Error).message}`);
          return;
        }
        await sleep(100 * 2 ** attempt);
      }
    }
  };
  const run = async () => {
    const creates: Promise<void>[] = [];
    if (opts.rate) {
      const interval = 1000 / opts.rate;
      for (let i = 0; i < count; i++) {
        const wait = load.firstSent + i * interval - performance.now();
        if (wait > 1) await sleep(wait);
        creates.push(createOne(i));
      }
    } else {
      let next = 0;
      const worker = async () => {
        while (next < count) await createOne(next++);
      };
      for (let w = 0; w < Math.min(opts.concurrency, count); w++) creates.push(worker());
    }
    await Promise.all(creates);
    load.done = performance.now();
  };
  load.finished = run();
  return load;
}
