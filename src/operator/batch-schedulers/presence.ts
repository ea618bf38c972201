/**
 * Which known batch schedulers run on the cluster: asked once when the operator starts (one discovery GET per
 * API group, one LIST with limit 1 per pod label), and again at most once a minute, only while an app names
 * one found absent (so installing Volcano later is noticed) — never a request per SparkApplication.
 */
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import type { ValidationError } from "../../api/v1beta2/validate-pod.js";
import type { JsonClient } from "../../kube/json-client.js";
import {
  absentBatchScheduler,
  batchSchedulerErrors,
  type Evidence,
  KNOWN_BATCH_SCHEDULERS,
} from "./known.js";

const RECHECK_MS = 60_000;

async function shows(json: JsonClient, evidence: Evidence): Promise<boolean> {
  try {
    if ("apiGroup" in evidence) {
      await json.get(`/apis/${evidence.apiGroup}`);
      return true;
    }
    const list = await json.get<{ items?: unknown[] }>(
      `/api/v1/pods?limit=1&labelSelector=${encodeURIComponent(evidence.podLabelSelector)}`,
    );
    return (list.items?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

export class BatchSchedulerPresence {
  private present: ReadonlySet<string> = new Set();
  private checkedAt = 0;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly json: JsonClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks the cluster (the evidences shared by several names are asked once). */
  async refresh(): Promise<void> {
    this.checkedAt = this.now();
    const byEvidence = new Map<string, Promise<boolean>>();
    const present = new Set<string>();
    for (const [name, known] of Object.entries(KNOWN_BATCH_SCHEDULERS)) {
      const key = JSON.stringify(known.evidence);
      if (!byEvidence.has(key)) byEvidence.set(key, shows(this.json, known.evidence));
      if (await byEvidence.get(key)) present.add(name);
    }
    this.present = present;
  }

  /** The app's errors by what is known now; an absent scheduler starts a re-check (at most once a minute). */
  errors(app: Pick<SparkApplication, "spec">): ValidationError[] {
    if (absentBatchScheduler(app, this.present) === undefined) return [];
    if (!this.checking && this.now() - this.checkedAt >= RECHECK_MS)
      this.checking = this.refresh().finally(() => {
        this.checking = undefined;
      });
    return batchSchedulerErrors(app, this.present);
  }
}
