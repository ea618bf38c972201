/** Semantic checks of the driver and executor sections (what the schema cannot express). */
import { isIanaSvcName, isLabelValue, isQualifiedName } from "../k8s-names.js";
import { parseKubernetesQuantity, parseSparkMemory } from "../quantity.js";
import { podCpuRequest, podMemory, type SparkRole } from "./resources.js";
import type { SparkApplicationSpec } from "./sparkapplication.js";

export interface ValidationError {
  /** Path of the offending field, e.g. `spec.driver.memory`, `spec.sparkConf["spark.driver.host"]`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Spark's UnifiedMemoryManager refuses heaps under 1.5 x its 300 MiB reserve. */
export const MIN_HEAP_MIB = 450;

const PORT_PROTOCOLS = ["TCP", "UDP", "SCTP"];

export function validateSparkMemory(
  field: string,
  value: string | undefined,
  errors: ValidationError[],
): void {
  if (value === undefined) return;
  const parsed = parseSparkMemory(value);
  if (!parsed.ok) errors.push({ field, message: parsed.reason });
}

function validateQuantity(
  field: string,
  value: string | undefined,
  example: string,
  errors: ValidationError[],
) {
  if (value === undefined) return;
  const parsed = parseKubernetesQuantity(value);
  if (parsed === undefined) {
    errors.push({ field, message: `"${value}" is not a Kubernetes quantity; write e.g. ${example}` });
  } else if (parsed <= 0) {
    errors.push({ field, message: `"${value}" must be greater than zero` });
  }
}

export function validateLabels(
  field: string,
  labels: Record<string, string> | undefined,
  errors: ValidationError[],
) {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!isQualifiedName(key)) {
      errors.push({
        field: `${field}["${key}"]`,
        message: `"${key}" is not a valid label key: use [prefix/]name with alphanumerics, '-', '_' or '.', name at most 63 characters`,
      });
    } else if (!isLabelValue(value)) {
      errors.push({
        field: `${field}["${key}"]`,
        message: `"${value}" is not a valid label value: at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
      });
    }
  }
}

export function validatePod(spec: SparkApplicationSpec, role: SparkRole): ValidationError[] {
  const errors: ValidationError[] = [];
  const pod = spec[role];
  const at = `spec.${role}`;
  validateSparkMemory(`${at}.memory`, pod.memory, errors);
  validateSparkMemory(`${at}.memoryOverhead`, pod.memoryOverhead, errors);
  validateQuantity(`${at}.coreLimit`, pod.coreLimit, `"1200m" or "2"`, errors);
  validateQuantity(`${at}.coreRequest`, pod.coreRequest, `"500m" or "1"`, errors);
  validateQuantity(`${at}.memoryLimit`, pod.memoryLimit, `"2Gi" or "1536Mi"`, errors);
  validateResourceLimits(spec, role, errors);
  if (pod.gpu && pod.gpu.quantity < 1) {
    errors.push({
      field: `${at}.gpu.quantity`,
      message: "must be at least 1; remove gpu to run without GPUs",
    });
  }
  validateLabels(`${at}.labels`, pod.labels, errors);
  if (role === "driver") validateLabels(`${at}.serviceLabels`, spec.driver.serviceLabels, errors);
  validatePorts(at, pod.ports, errors);
  validateVolumeMounts(spec, role, errors);
  return errors;
}

function validateResourceLimits(spec: SparkApplicationSpec, role: SparkRole, errors: ValidationError[]) {
  const pod = spec[role];
  const at = `spec.${role}`;
  const memory = podMemory(spec, role);
  if (memory && memory.heapMiB < MIN_HEAP_MIB && spec.sparkConf?.["spark.testing.memory"] === undefined) {
    errors.push({
      field: `${at}.memory`,
      message: `a ${memory.heapMiB} MiB heap is below the ${MIN_HEAP_MIB} MiB Spark needs to start; set at least 512m`,
    });
  }
  const memoryLimit = pod.memoryLimit === undefined ? undefined : parseKubernetesQuantity(pod.memoryLimit);
  if (memory && memoryLimit !== undefined && memoryLimit > 0 && memoryLimit < memory.totalMiB * 2 ** 20) {
    errors.push({
      field: `${at}.memoryLimit`,
      message:
        `"${pod.memoryLimit}" is below the ${memory.totalMiB}Mi the ${role} pod requests ` +
        `(memory ${memory.heapMiB}Mi + overhead ${memory.overheadMiB}Mi); raise it to at least ${memory.totalMiB}Mi`,
    });
  }
  const coreLimit = pod.coreLimit === undefined ? undefined : parseKubernetesQuantity(pod.coreLimit);
  const cpuRequest = podCpuRequest(spec, role);
  if (coreLimit !== undefined && coreLimit > 0 && cpuRequest !== undefined && coreLimit < cpuRequest) {
    errors.push({
      field: `${at}.coreLimit`,
      message: `"${pod.coreLimit}" is below the ${cpuRequest} CPU the ${role} pod requests; raise coreLimit or lower coreRequest/cores`,
    });
  }
}

function validatePorts(
  at: string,
  ports: SparkApplicationSpec["driver"]["ports"],
  errors: ValidationError[],
) {
  (ports ?? []).forEach((port, index) => {
    if (!isIanaSvcName(port.name)) {
      errors.push({
        field: `${at}.ports[${index}].name`,
        message: `"${port.name}" is not a valid port name: at most 15 lowercase alphanumerics or '-', with a letter`,
      });
    }
    if (!PORT_PROTOCOLS.includes(port.protocol)) {
      errors.push({
        field: `${at}.ports[${index}].protocol`,
        message: `"${port.protocol}" is not a protocol Kubernetes knows: use TCP, UDP or SCTP`,
      });
    }
  });
}

function validateVolumeMounts(spec: SparkApplicationSpec, role: SparkRole, errors: ValidationError[]) {
  const pod = spec[role];
  const known = new Set<string>();
  for (const volume of spec.volumes ?? []) known.add(volume.name);
  for (const volume of pod.template?.spec?.volumes ?? []) known.add(volume.name);
  (pod.volumeMounts ?? []).forEach((mount, index) => {
    if (!known.has(mount.name)) {
      errors.push({
        field: `spec.${role}.volumeMounts[${index}].name`,
        message: `no volume named "${mount.name}": add it to spec.volumes (or the ${role} template's volumes)`,
      });
    }
  });
}
