/** Builders of pods for the unit tests of this directory. */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

export type Phase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface PodOptions {
  name: string;
  phase?: Phase;
  role?: "driver" | "executor";
  appId?: string;
  submissionId?: string;
  labels?: Record<string, string>;
  /** Terminated state of the Spark container (`spark-kubernetes-driver` / `spark-kubernetes-executor`). */
  terminated?: { exitCode: number; reason?: string; message?: string };
  containerName?: string;
  extraContainerStatuses?: V1ContainerStatus[];
  reason?: string;
  message?: string;
  deleting?: boolean;
}

export function pod(options: PodOptions): V1Pod {
  const role = options.role ?? "driver";
  const containerName =
    options.containerName ?? (role === "driver" ? "spark-kubernetes-driver" : "spark-kubernetes-executor");
  const labels: Record<string, string> = { "spark-role": role, ...options.labels };
  if (options.appId !== undefined) labels["spark-app-selector"] = options.appId;
  if (options.submissionId !== undefined) labels["sparkoperator.k8s.io/submission-id"] = options.submissionId;
  const containerStatuses: V1ContainerStatus[] = [
    {
      name: containerName,
      image: "spark",
      imageID: "",
      ready: options.terminated === undefined,
      restartCount: 0,
      state: options.terminated === undefined ? { running: {} } : { terminated: { ...options.terminated } },
    },
    ...(options.extraContainerStatuses ?? []),
  ];
  return {
    metadata: {
      name: options.name,
      namespace: "ns",
      labels,
      ...(options.deleting ? { deletionTimestamp: new Date(0) } : {}),
    },
    status: {
      phase: options.phase ?? "Running",
      containerStatuses,
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.message === undefined ? {} : { message: options.message }),
    },
  };
}

export function executor(
  name: string,
  phase: Phase,
  appId = "spark-app-1",
  extra: Partial<PodOptions> = {},
): V1Pod {
  return pod({ name, phase, role: "executor", appId, ...extra });
}
