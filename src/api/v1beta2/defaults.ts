/** Defaulting of a SparkApplication spec, as the kubeflow operator defaults it. Pure: returns a new spec. */
import { DeployMode, RestartPolicyType } from "./constants.js";
import { DEFAULT_CORES, DEFAULT_MEMORY, type SparkRole } from "./resources.js";
import type {
  DynamicAllocation,
  MonitoringSpec,
  RestartPolicy,
  SparkApplicationSpec,
  SparkPodSpec,
} from "./sparkapplication.js";

export const DEFAULT_RETRY_INTERVAL_SECONDS = 5;
export const DEFAULT_EXECUTOR_INSTANCES = 1;
export const DEFAULT_PROMETHEUS_PORT = 8090;
export const DEFAULT_PROMETHEUS_PORT_NAME = "jmx-exporter";

export function withDefaults(spec: SparkApplicationSpec): SparkApplicationSpec {
  const sparkConf = spec.sparkConf ?? {};
  const dynamicAllocation = withDynamicAllocationDefaults(spec.dynamicAllocation);
  const executor = withPodDefaults(spec.executor, "executor", sparkConf);
  if (
    executor.instances === undefined &&
    sparkConf["spark.executor.instances"] === undefined &&
    !isDynamicAllocationEnabled(spec)
  ) {
    executor.instances = DEFAULT_EXECUTOR_INSTANCES;
  }
  const defaulted: SparkApplicationSpec = {
    ...spec,
    mode: spec.mode ?? DeployMode.Cluster,
    restartPolicy: withRestartPolicyDefaults(spec.restartPolicy),
    driver: withPodDefaults(spec.driver, "driver", sparkConf),
    executor,
  };
  if (dynamicAllocation) defaulted.dynamicAllocation = dynamicAllocation;
  if (spec.monitoring) defaulted.monitoring = withMonitoringDefaults(spec.monitoring);
  return defaulted;
}

/** Dynamic allocation is on through spec.dynamicAllocation.enabled or sparkConf spark.dynamicAllocation.enabled. */
export function isDynamicAllocationEnabled(
  spec: Pick<SparkApplicationSpec, "dynamicAllocation" | "sparkConf">,
) {
  if (spec.dynamicAllocation?.enabled === true) return true;
  return spec.sparkConf?.["spark.dynamicAllocation.enabled"]?.trim().toLowerCase() === "true";
}

function withRestartPolicyDefaults(policy: RestartPolicy | undefined): RestartPolicy {
  const defaulted: RestartPolicy = { ...policy, type: policy?.type ?? RestartPolicyType.Never };
  if (defaulted.type !== RestartPolicyType.Never) {
    defaulted.onFailureRetryInterval ??= DEFAULT_RETRY_INTERVAL_SECONDS;
    defaulted.onSubmissionFailureRetryInterval ??= DEFAULT_RETRY_INTERVAL_SECONDS;
  }
  return defaulted;
}

function withPodDefaults<T extends SparkPodSpec>(
  pod: T,
  role: SparkRole,
  sparkConf: Record<string, string>,
): T {
  const defaulted = { ...pod };
  if (defaulted.cores === undefined && sparkConf[`spark.${role}.cores`] === undefined) {
    defaulted.cores = DEFAULT_CORES;
  }
  if (defaulted.memory === undefined && sparkConf[`spark.${role}.memory`] === undefined) {
    defaulted.memory = DEFAULT_MEMORY;
  }
  return defaulted;
}

function withDynamicAllocationDefaults(
  allocation: DynamicAllocation | undefined,
): DynamicAllocation | undefined {
  if (!allocation) return undefined;
  if (allocation.enabled !== true || allocation.shuffleTrackingEnabled !== undefined)
    return { ...allocation };
  return { ...allocation, shuffleTrackingEnabled: true };
}

function withMonitoringDefaults(monitoring: MonitoringSpec): MonitoringSpec {
  if (!monitoring.prometheus) return { ...monitoring };
  return {
    ...monitoring,
    prometheus: {
      ...monitoring.prometheus,
      port: monitoring.prometheus.port ?? DEFAULT_PROMETHEUS_PORT,
      portName: monitoring.prometheus.portName ?? DEFAULT_PROMETHEUS_PORT_NAME,
    },
  };
}
