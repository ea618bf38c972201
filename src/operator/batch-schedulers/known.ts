/**
 * The batch schedulers kubeflow's `spec.batchScheduler` names, and what shows that one runs on a cluster
 * (the outside world's names: their API groups, the label of YuniKorn's scheduler pods), and whether an app
 * names one that is absent. Pure.
 */
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import type { ValidationError } from "../../api/v1beta2/validate-pod.js";

/** What shows a scheduler is installed: an API group it serves, or pods of its that run. */
export type Evidence = { apiGroup: string } | { podLabelSelector: string };

export interface KnownBatchScheduler {
  /** Its name in messages. */
  title: string;
  evidence: Evidence;
  /** Where its installation is described. */
  install: string;
}

const SCHEDULER_PLUGINS: KnownBatchScheduler = {
  title: "the scheduler-plugins scheduler (coscheduling, PodGroups scheduling.x-k8s.io)",
  evidence: { apiGroup: "scheduling.x-k8s.io" },
  install: "https://github.com/kubernetes-sigs/scheduler-plugins",
};

/** By `spec.batchScheduler` value; kubeflow's `kube-scheduler` is its name for a scheduler-plugins scheduler. */
export const KNOWN_BATCH_SCHEDULERS: Readonly<Record<string, KnownBatchScheduler>> = {
  volcano: {
    title: "Volcano",
    evidence: { apiGroup: "scheduling.volcano.sh" },
    install: "https://volcano.sh/en/docs/installation/",
  },
  yunikorn: {
    title: "Apache YuniKorn",
    evidence: { podLabelSelector: "component=yunikorn-scheduler" },
    install: "https://yunikorn.apache.org/docs/",
  },
  "scheduler-plugins": SCHEDULER_PLUGINS,
  "kube-scheduler": SCHEDULER_PLUGINS,
};

/** Names of the known schedulers an app asks for that are not installed (`present` holds the installed). */
export function absentBatchScheduler(
  app: Pick<SparkApplication, "spec">,
  present: ReadonlySet<string>,
): string | undefined {
  const name = app.spec.batchScheduler ?? "";
  return name in KNOWN_BATCH_SCHEDULERS && !present.has(name) ? name : undefined;
}

/** The error for an app whose `spec.batchScheduler` names a scheduler this cluster does not run. */
export function batchSchedulerErrors(
  app: Pick<SparkApplication, "spec">,
  present: ReadonlySet<string>,
): ValidationError[] {
  const name = absentBatchScheduler(app, present);
  if (name === undefined) return [];
  const known = KNOWN_BATCH_SCHEDULERS[name]!;
  const shown =
    "apiGroup" in known.evidence
      ? `the API server serves no ${known.evidence.apiGroup} API`
      : `no pod ${known.evidence.podLabelSelector} runs`;
  return [
    {
      field: "spec.batchScheduler",
      message:
        `"${name}" names ${known.title}, which is not installed on this cluster (${shown}), so its pods would ` +
        `never be scheduled: install it (${known.install}) and re-apply the app, or remove spec.batchScheduler ` +
        "(the default scheduler runs the pods; for gang admission, quotas and queues use a SparkQueue: " +
        "spec.batchSchedulerOptions.queue, docs/queues.md)",
    },
  ];
}
