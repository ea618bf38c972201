/**
 * The allow-list of the differential test: every intentional difference between the objects of native
 * submission (`native`) and of the real spark-submit (`sparkSubmit`), with its reason, per Spark major.
 * docs/submission-differences.md is its prose form.
 */
import { userInfo } from "node:os";
import type { Difference } from "./objects.js";
import { otherSparkVersion } from "./specs.js";

export interface Allowed {
  id: string;
  /** Matches the difference's path. */
  path: RegExp;
  /** Only in these specs (default: any). */
  specs?: string[];
  /** Only against the spark-submit of these Spark majors (default: any). */
  majors?: number[];
  /** Further condition on the two values: the difference must be exactly the expected one. */
  when?: (d: Difference, sparkVersion: string) => boolean;
  reason: string;
}

const DRIVER_CONTAINER = String.raw`pods\[[^\]]+\]\.spec\.containers\[spark-kubernetes-driver\]`;
const PROPERTIES = String.raw`configMaps\[spark-drv-<unique-id>-conf-map\]\.data\[spark\.properties\]\.properties`;
const path = (...parts: string[]) => new RegExp(`^${parts.join("")}$`);
/** The user spark-submit runs as: Utils.getCurrentUserName (SPARK_USER, else the Hadoop login user). */
const submittingUser = process.env.SPARK_USER ?? userInfo().username;

/**
 * Every intentional difference between the objects of native submission (`native`) and of the real
 * spark-submit (`sparkSubmit`), with its reason. docs/submission-differences.md is the prose form of this list.
 */
export const ALLOWED: Allowed[] = [
  {
    id: "spark-user",
    path: path(DRIVER_CONTAINER, String.raw`\.env\.SPARK_USER\.value`),
    when: (d) => d.native === "spark" && d.sparkSubmit === submittingUser,
    reason:
      "spark-submit puts the OS user it runs as into SPARK_USER (for an operator, the operator's own user, " +
      "meaningless to the app); native submission uses `spark` unless spec.proxyUser is set (then both use it).",
  },
  {
    id: "driver-pod-template-properties",
    path: path(PROPERTIES, String.raw`\[spark\.kubernetes\.driver\.podTemplate(File|ContainerName)\]`),
    when: (d) => d.native === undefined && typeof d.sparkSubmit === "string",
    reason:
      "The spark-submit submitter hands the fields Spark's configuration cannot carry (sparkplane has no " +
      "mutating webhook) to spark-submit as a driver pod template file in a temporary directory; Spark copies " +
      "both settings into spark.properties. Native submission builds the driver pod itself: no template.",
  },
  {
    id: "spark-conf-dir-order",
    specs: ["env-secrets"],
    path: path(DRIVER_CONTAINER, String.raw`\.env(\.SPARK_CONF_DIR|\[SPARK_CONF_DIR#2\])\.value`),
    when: (d) =>
      (d.path.endsWith(".SPARK_CONF_DIR.value") &&
        d.native === "/opt/spark/conf" &&
        d.sparkSubmit === "/etc/spark/conf") ||
      (d.path.endsWith("[SPARK_CONF_DIR#2].value") &&
        d.native === "/etc/spark/conf" &&
        d.sparkSubmit === "/opt/spark/conf"),
    reason:
      "spec.sparkConfigMap: the kubeflow webhook appends SPARK_CONF_DIR=/etc/spark/conf after the one Spark " +
      "sets, so the ConfigMap's directory wins; native submission keeps that order. Through spark-submit the " +
      "template's variable comes first and Spark's /opt/spark/conf (added last by the submission client) wins.",
  },
  {
    id: "driver-memory-limit",
    specs: ["resources"],
    path: path(DRIVER_CONTAINER, String.raw`\.resources\.limits\.memory`),
    when: (d) => d.native === "4Gi" && d.sparkSubmit === "2560Mi",
    reason:
      "spec.driver.memoryLimit: the kubeflow webhook sets it after Spark built the pod, as native submission " +
      "does; Spark overwrites a template's memory limit with its own request (memory + overhead), so through " +
      "spark-submit the limit is lost.",
  },
  {
    id: "carriage-return",
    specs: ["unusual-conf"],
    path: path(PROPERTIES, String.raw`\[spark\.test\.newline\]`),
    when: (d) =>
      typeof d.native === "string" &&
      d.native.includes("\r") &&
      d.native.replaceAll("\r", "") === d.sparkSubmit,
    reason:
      "bin/spark-class deletes every carriage return from the arguments it hands to SparkSubmit (a " +
      "workaround for Windows line ends); native submission writes the value as given.",
  },
  {
    id: "local-files-not-uploaded",
    specs: ["deps"],
    path: path(PROPERTIES, String.raw`\[spark\.(jars|files)\]`),
    when: (d) =>
      typeof d.native === "string" &&
      typeof d.sparkSubmit === "string" &&
      d.native.includes("file:/") &&
      !d.native.includes("spark-upload-") &&
      d.sparkSubmit.includes("/upload/spark-upload-<uuid>/"),
    reason:
      "spark-submit copies local (file:) jars and files to spark.kubernetes.file.upload.path and lists the " +
      "uploaded copies first; native submission never uploads (the local node agent runs pods on this machine, " +
      "where the paths are valid) and keeps the list as written.",
  },
  {
    id: "spark-version-label",
    specs: ["labels-annotations"],
    path: /^(pods\[[^\]]+\]\.metadata\.labels|services\[[^\]]+\]\.spec\.selector)\[spark-version\]$/,
    when: (d, sparkVersion) => d.native === otherSparkVersion(sparkVersion) && d.sparkSubmit === sparkVersion,
    reason:
      "spark-version: native submission takes spec.sparkVersion (the version of the image that will run); " +
      "spark-submit writes the version of the spark-submit that ran.",
  },
  {
    id: "spec-older-than-spark-submit",
    majors: [4],
    specs: ["labels-annotations"],
    path: new RegExp(
      `^(${DRIVER_CONTAINER}\\.(securityContext|ports\\[spark-connect\\])|services\\[[^\\]]+\\]\\.spec\\.ports\\[spark-connect\\])$`,
    ),
    when: (d, sparkVersion) =>
      d.native === undefined && d.sparkSubmit !== undefined && sparkVersion !== "4.0.0",
    reason:
      "spec.sparkVersion 4.0.0 against Spark 4.3's spark-submit: native submission builds what 4.0's submission " +
      "client builds (no Spark Connect port on the driver pod and Service, which 4.1 added; no " +
      "securityContext.allowPrivilegeEscalation, which 4.3 added); spark-submit builds what its own version does.",
  },
  {
    id: "prometheus-configmap",
    specs: ["monitoring"],
    path: /^configMaps\[monitoring-prom-conf\]$/,
    when: (d) => d.sparkSubmit === undefined && d.native !== undefined,
    reason:
      "The <app>-prom-conf ConfigMap (spec.monitoring.prometheus) is created by the operator, not by " +
      "spark-submit; NativeSubmitter creates it as part of the submission.",
  },
];
