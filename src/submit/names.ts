/**
 * Names and identifiers of one submission. Spark draws them at random; sparkplane derives them from the
 * application's UID and the submission attempt, so an operator that restarts mid-submission re-derives the
 * same names and finds (instead of duplicating) what it already created.
 */
import { createHash } from "node:crypto";
import { ConfKey, KUBERNETES_DNS_LABEL_MAX_LENGTH, SparkConfigMap } from "../spark/constants.js";
import { javaTrim } from "./memory.js";

export interface SubmissionIdentityInput {
  /** metadata.uid of the SparkApplication. */
  uid: string;
  namespace: string;
  /** metadata.name of the SparkApplication (Spark's app name, as the kubeflow operator passes --name). */
  name: string;
  /** The submission attempt this identity belongs to (status.submissionAttempts after incrementing). */
  attempt: number;
  /**
   * metadata.generation of the SparkApplication. The attempt count restarts after a spec change, so without
   * the generation a resubmission would re-derive the previous run's names and ids.
   */
  generation?: number;
  /** Submission time; only spark.app.submitTime and the properties date line depend on it, never names. */
  now: number | Date;
}

export interface SubmissionIdentity {
  /** UUID (name-based, version 5) stamped as label sparkoperator.k8s.io/submission-id. */
  submissionId: string;
  /** 16 hex characters, in the place of Spark's 6 random hex + hex(time) (KubernetesUtils.uniqueID). */
  uniqueId: string;
  /** spark.app.id: `spark-<32 hex>`. */
  appId: string;
  /** `<appName>-<uniqueId>`, sanitised as Spark sanitises it. */
  resourcePrefix: string;
  submitTimeMs: number;
}

/** Namespace of the version 5 UUIDs sparkplane derives. */
const SPARKPLANE_UUID_NAMESPACE = "45068899-1d7a-4e25-a3a6-514e3b3f38a1";

export function submissionIdentity(input: SubmissionIdentityInput): SubmissionIdentity {
  const run = input.generation === undefined ? String(input.attempt) : `${input.attempt}@${input.generation}`;
  const seed = [input.namespace, input.name, input.uid, run].join("\u0000");
  const uniqueId = hashHex(`unique-id\u0000${seed}`).slice(0, 16);
  return {
    submissionId: deterministicUuid(`submission-id\u0000${seed}`),
    uniqueId,
    appId: `spark-${hashHex(`app-id\u0000${seed}`).slice(0, 32)}`,
    resourcePrefix: resourceNamePrefix(input.name, uniqueId),
    submitTimeMs: typeof input.now === "number" ? input.now : input.now.getTime(),
  };
}

function hashHex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A version 5 (SHA-1, name-based) UUID of `name` in sparkplane's namespace. */
export function deterministicUuid(name: string): string {
  const namespace = Buffer.from(SPARKPLANE_UUID_NAMESPACE.replaceAll("-", ""), "hex");
  const bytes = createHash("sha1").update(namespace).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Lowercase; characters outside [a-z0-9-] become `-`; runs of `-` collapse (Spark's shared sanitising). */
function sanitise(text: string): string {
  return javaTrim(text)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-");
}

/** KubernetesConf.getResourceNamePrefix: `<appName>-<uniqueId>`, no leading `-`, a leading digit becomes `x`. */
export function resourceNamePrefix(appName: string, uniqueId: string): string {
  return sanitise(`${appName}-${uniqueId}`)
    .replace(/^-/, "")
    .replace(/^[0-9]/, "x");
}

/**
 * The spark-app-name label value: sanitised and cut to 63 characters. Dashes left at either end by the cut
 * are dropped, since the API server rejects such label values (Spark keeps them and the pod is refused).
 */
export function appNameLabel(appName: string): string {
  return sanitise(appName).slice(0, KUBERNETES_DNS_LABEL_MAX_LENGTH).replace(/^-+/, "").replace(/-+$/, "");
}

/** `<prefix>-driver-svc` when it fits a DNS label, else `spark-<uniqueId>-driver-svc`. */
export function driverServiceName(identity: Pick<SubmissionIdentity, "resourcePrefix" | "uniqueId">): string {
  const preferred = `${identity.resourcePrefix}-driver-svc`;
  if (preferred.length <= KUBERNETES_DNS_LABEL_MAX_LENGTH) return preferred;
  return `spark-${identity.uniqueId}-driver-svc`;
}

/** KubernetesClientUtils.configMapName: the prefix cut so that the name with `-conf-map` fits 253. */
function confMapName(prefix: string): string {
  return `${prefix.slice(0, SparkConfigMap.MaxNameLength - SparkConfigMap.Suffix.length)}${SparkConfigMap.Suffix}`;
}

/** `spark-drv-<uniqueId>-conf-map` (Spark draws a second uniqueID here; sparkplane reuses the one). */
export function driverConfigMapName(identity: Pick<SubmissionIdentity, "uniqueId">): string {
  return confMapName(`${SparkConfigMap.DriverPrefix}${identity.uniqueId}`);
}

/** `<prefix>-driver-podspec-conf-map` as Spark names it, the prefix cut to keep the name within 253 characters. */
export function executorPodTemplateConfigMapName(
  identity: Pick<SubmissionIdentity, "resourcePrefix">,
): string {
  const suffix = SparkConfigMap.PodTemplateSuffix;
  return `${identity.resourcePrefix.slice(0, SparkConfigMap.MaxNameLength - suffix.length)}${suffix}`;
}

/** The scratch directory Spark mounts when no local dir is configured: `/var/data/spark-<uuid>`. */
export function defaultLocalDirUuid(identity: Pick<SubmissionIdentity, "submissionId">): string {
  return deterministicUuid(`local-dir\u0000${identity.submissionId}`);
}

/**
 * The driver pod name as the kubeflow operator chooses it: spec.driver.podName, else sparkConf
 * spark.kubernetes.driver.pod.name, else `<app>-driver`.
 */
export function driverPodName(
  appName: string,
  spec: { driver: { podName?: string }; sparkConf?: Record<string, string> },
): string {
  if (spec.driver.podName) return spec.driver.podName;
  const fromConf = spec.sparkConf?.[ConfKey.DriverPodName];
  if (fromConf) return fromConf;
  return `${appName}-driver`;
}
