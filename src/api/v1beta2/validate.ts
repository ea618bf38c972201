/**
 * Semantic validation of SparkApplications: the mistakes a schema cannot catch and that would otherwise
 * surface late, as a rejected pod or a driver that fails to start. Pure.
 */
import { isDns1035Label, isDns1123Subdomain, MAX_LABEL_LENGTH } from "../k8s-names.js";
import { SparkApplicationType } from "./constants.js";
import { driverPodName, uiServiceName } from "./derived-names.js";
import { isJvmApp } from "./resources.js";
import type { ScheduledSparkApplication } from "./scheduledsparkapplication.js";
import type { SparkApplication, SparkApplicationSpec } from "./sparkapplication.js";
import { type ValidationError, validateLabels, validatePod, validateSparkMemory } from "./validate-pod.js";

export type { ValidationError } from "./validate-pod.js";

/** Set by Spark itself from the driver Service and the pod IP; Spark rejects submissions that set them. */
const RESERVED_SPARK_CONF = ["spark.driver.host", "spark.driver.bindAddress"];
const SPARK_MEMORY_CONF = [
  "spark.driver.memory",
  "spark.executor.memory",
  "spark.driver.memoryOverhead",
  "spark.executor.memoryOverhead",
];
const OVERHEAD_FACTOR_CONF = [
  "spark.kubernetes.memoryOverheadFactor",
  "spark.driver.memoryOverheadFactor",
  "spark.executor.memoryOverheadFactor",
];
const IMAGE_CONF = "spark.kubernetes.container.image";
const MAVEN_COORDINATE = /^[^:\s/]+:[^:\s/]+:[^:\s/]+$/;

export function validateSparkApplication(
  app: Pick<SparkApplication, "metadata" | "spec">,
): ValidationError[] {
  return validateSpec(app.metadata.name, app.spec, 0);
}

export interface ScheduledValidationOptions {
  /** Characters a run name adds to the scheduled app's name (`-` + a 19-digit UnixNano timestamp). */
  runNameSuffixLength?: number;
}

/** Validates the template as its runs will be named, and the time zone. */
export function validateScheduledSparkApplication(
  app: Pick<ScheduledSparkApplication, "metadata" | "spec">,
  { runNameSuffixLength = 20 }: ScheduledValidationOptions = {},
): ValidationError[] {
  const errors: ValidationError[] = [];
  const { timeZone } = app.spec;
  if (timeZone !== undefined && timeZone !== "" && !isKnownTimeZone(timeZone)) {
    errors.push({
      field: "spec.timeZone",
      message: `"${timeZone}" is not an IANA time zone, e.g. Europe/Paris`,
    });
  }
  for (const error of validateSpec(app.metadata.name, app.spec.template, runNameSuffixLength)) {
    errors.push({ field: error.field.replace(/^spec\./, "spec.template."), message: error.message });
  }
  return errors;
}

function validateSpec(name: string | undefined, spec: SparkApplicationSpec, runNameSuffixLength: number) {
  return [
    ...validateNames(name, spec, runNameSuffixLength),
    ...validateApplication(spec),
    ...validateSparkConf(spec),
    ...validatePod(spec, "driver"),
    ...validatePod(spec, "executor"),
    ...validateDynamicAllocation(spec),
    ...validateServices(spec),
  ];
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** `runNameSuffixLength` > 0 for the template of a ScheduledSparkApplication, whose runs get longer names. */
function validateNames(
  baseName: string | undefined,
  spec: SparkApplicationSpec,
  runNameSuffixLength: number,
) {
  if (baseName === undefined) return [];
  const errors: ValidationError[] = [];
  const name = runNameSuffixLength > 0 ? `${baseName}-${"0".repeat(runNameSuffixLength - 1)}` : baseName;
  const runs = runNameSuffixLength > 0 ? ` (runs add ${runNameSuffixLength} characters to the name)` : "";
  const maxNameLength = (suffix: string) => MAX_LABEL_LENGTH - suffix.length - runNameSuffixLength;
  const podName = driverPodName(name, spec);
  const podNameField =
    spec.driver.podName !== undefined
      ? "spec.driver.podName"
      : spec.sparkConf?.["spark.kubernetes.driver.pod.name"] !== undefined
        ? 'spec.sparkConf["spark.kubernetes.driver.pod.name"]'
        : "metadata.name";
  if (podName.length > MAX_LABEL_LENGTH || !isDns1123Subdomain(podName)) {
    errors.push({
      field: podNameField,
      message:
        `the driver pod name "${podName}"${runs} must be a lowercase DNS name of at most ${MAX_LABEL_LENGTH} characters` +
        (podNameField === "metadata.name"
          ? `; shorten the name to at most ${maxNameLength("-driver")} characters or set spec.driver.podName`
          : ""),
    });
  }
  const serviceName = uiServiceName(name);
  if (spec.sparkConf?.["spark.ui.enabled"] !== "false" && !isDns1035Label(serviceName)) {
    errors.push({
      field: "metadata.name",
      message:
        `the Spark UI service name "${serviceName}"${runs} must start with a letter, contain only lowercase ` +
        `letters, digits and '-', and be at most ${MAX_LABEL_LENGTH} characters: use a name of at most ` +
        `${maxNameLength("-ui-svc")} characters without dots, or set sparkConf spark.ui.enabled=false`,
    });
  }
  return errors;
}

function validateApplication(spec: SparkApplicationSpec): ValidationError[] {
  const errors: ValidationError[] = [];
  if (spec.mainApplicationFile.trim() === "") {
    errors.push({
      field: "spec.mainApplicationFile",
      message: "must name the application's jar, .py or .R file",
    });
  }
  if (isJvmApp(spec) && (spec.mainClass ?? "").trim() === "") {
    errors.push({
      field: "spec.mainClass",
      message: `a ${spec.type} application needs its main class, e.g. org.apache.spark.examples.SparkPi`,
    });
  }
  const conf = spec.sparkConf ?? {};
  for (const role of ["driver", "executor"] as const) {
    const image =
      spec[role].image ?? spec.image ?? conf[`spark.kubernetes.${role}.container.image`] ?? conf[IMAGE_CONF];
    if (image === undefined || image.trim() === "") {
      errors.push({
        field: "spec.image",
        message: `no container image for the ${role}: set spec.image (or spec.${role}.image)`,
      });
    }
  }
  (spec.deps?.packages ?? []).forEach((coordinate, index) => {
    if (!MAVEN_COORDINATE.test(coordinate.trim())) {
      errors.push({
        field: `spec.deps.packages[${index}]`,
        message: `"${coordinate}" is not a Maven coordinate: write groupId:artifactId:version`,
      });
    }
  });
  if (spec.pythonVersion === "2" && spec.type === SparkApplicationType.Python && majorVersion(spec) >= 3) {
    errors.push({
      field: "spec.pythonVersion",
      message: `Spark ${spec.sparkVersion} supports Python 3 only: set "3"`,
    });
  }
  if (spec.timeToLiveSeconds !== undefined && spec.timeToLiveSeconds < 0) {
    errors.push({ field: "spec.timeToLiveSeconds", message: "must be 0 or more seconds" });
  }
  if (
    isNonEmpty(spec.nodeSelector) &&
    (isNonEmpty(spec.driver.nodeSelector) || isNonEmpty(spec.executor.nodeSelector))
  ) {
    errors.push({
      field: "spec.nodeSelector",
      message:
        "cannot be combined with spec.driver.nodeSelector or spec.executor.nodeSelector: move it into both",
    });
  }
  return errors;
}

function majorVersion(spec: SparkApplicationSpec): number {
  const major = Number.parseInt(spec.sparkVersion, 10);
  return Number.isNaN(major) ? 0 : major;
}

function validateSparkConf(spec: SparkApplicationSpec): ValidationError[] {
  const errors: ValidationError[] = [];
  const conf = spec.sparkConf ?? {};
  for (const key of RESERVED_SPARK_CONF) {
    if (conf[key] !== undefined) {
      errors.push({
        field: `spec.sparkConf["${key}"]`,
        message: `Spark sets ${key} itself from the driver's Service and pod IP and rejects a user value: remove it`,
      });
    }
  }
  for (const key of SPARK_MEMORY_CONF) validateSparkMemory(`spec.sparkConf["${key}"]`, conf[key], errors);
  for (const key of OVERHEAD_FACTOR_CONF) validateFactor(`spec.sparkConf["${key}"]`, conf[key], errors);
  validateFactor("spec.memoryOverheadFactor", spec.memoryOverheadFactor, errors);
  return errors;
}

function validateFactor(field: string, value: string | undefined, errors: ValidationError[]) {
  if (value === undefined) return;
  const factor = Number(value);
  if (value.trim() === "" || !Number.isFinite(factor) || factor <= 0) {
    errors.push({
      field,
      message: `"${value}" must be a number greater than 0, e.g. "0.1" (10% of the memory)`,
    });
  }
}

function validateDynamicAllocation(spec: SparkApplicationSpec): ValidationError[] {
  const allocation = spec.dynamicAllocation;
  if (allocation?.enabled !== true) return [];
  const errors: ValidationError[] = [];
  const { minExecutors: min, initialExecutors: initial, maxExecutors: max } = allocation;
  if (min !== undefined && max !== undefined && min > max) {
    errors.push({
      field: "spec.dynamicAllocation.minExecutors",
      message: `${min} is above maxExecutors ${max}: lower minExecutors or raise maxExecutors`,
    });
  }
  if (initial !== undefined && min !== undefined && initial < min) {
    errors.push({
      field: "spec.dynamicAllocation.initialExecutors",
      message: `${initial} is below minExecutors ${min}: set it between minExecutors and maxExecutors`,
    });
  }
  if (initial !== undefined && max !== undefined && initial > max) {
    errors.push({
      field: "spec.dynamicAllocation.initialExecutors",
      message: `${initial} is above maxExecutors ${max}: set it between minExecutors and maxExecutors`,
    });
  }
  return errors;
}

function validateServices(spec: SparkApplicationSpec): ValidationError[] {
  const errors: ValidationError[] = [];
  const ui = spec.sparkUIOptions;
  if (ui) {
    validateServicePort("spec.sparkUIOptions.servicePort", ui.servicePort, errors);
    validateLabels("spec.sparkUIOptions.serviceLabels", ui.serviceLabels, errors);
  }
  (spec.driverIngressOptions ?? []).forEach((ingress, index) => {
    const at = `spec.driverIngressOptions[${index}]`;
    validateServicePort(`${at}.servicePort`, ingress.servicePort, errors);
    validateLabels(`${at}.serviceLabels`, ingress.serviceLabels, errors);
  });
  return errors;
}

function validateServicePort(field: string, port: number | undefined, errors: ValidationError[]) {
  if (port !== undefined && (port < 1 || port > 65535)) {
    errors.push({ field, message: `${port} is not a port: use 1-65535` });
  }
}

function isNonEmpty(map: Record<string, string> | undefined): boolean {
  return map !== undefined && Object.keys(map).length > 0;
}
