/** Names and values of kubeflow's `sparkoperator.k8s.io/v1alpha1` SparkConnect API. One place for the domain. */
import { SPARKPLANE_GROUP } from "../sparkplane/constants.js";
import { GROUP } from "../v1beta2/constants.js";

export const VERSION_V1ALPHA1 = "v1alpha1";
export const API_VERSION_V1ALPHA1 = `${GROUP}/${VERSION_V1ALPHA1}` as const;

export const SparkConnectNames = {
  kind: "SparkConnect",
  listKind: "SparkConnectList",
  plural: "sparkconnects",
  singular: "sparkconnect",
  shortNames: ["sparkconn"],
} as const;

/** `status.state`, as kubeflow writes it. */
export const SparkConnectState = {
  New: "",
  Provisioning: "Provisioning",
  Ready: "Ready",
  NotReady: "NotReady",
  Failed: "Failed",
  /** sparkplane's: the server was stopped (idle longer than its idle timeout); `message` says why. */
  Stopped: "Stopped",
} as const;
export type SparkConnectState = (typeof SparkConnectState)[keyof typeof SparkConnectState];
export const SPARK_CONNECT_STATES: readonly SparkConnectState[] = Object.values(SparkConnectState);

/** Condition types and reasons of `status.conditions` (kubeflow's). */
export const SparkConnectCondition = {
  ServerPodReady: "ServerPodReady",
} as const;
export const SparkConnectConditionReason = {
  ServerPodReady: "ServerPodReady",
  ServerPodNotReady: "ServerPodNotReady",
} as const;

/** Labels kubeflow puts on a session's objects. */
export const SparkConnectLabel = {
  ConnectName: `${GROUP}/connect-name`,
  LaunchedBySparkOperator: `${GROUP}/launched-by-spark-operator`,
  CreatedBySparkOperator: `${GROUP}/created-by-spark-operator`,
} as const;

/** spark-role of the server pod (executors keep Spark's `executor`). */
export const CONNECT_SERVER_ROLE = "connect-server";

/** The Spark Connect gRPC port (Spark's default, and the port of kubeflow's server Service). */
export const SPARK_CONNECT_PORT = 15002;

/** The server's main class (in the spark-connect jar for Spark 3.5, in Spark's own jars from 4.0). */
export const SPARK_CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer";

/** Event reasons the SparkConnect controller records (sparkplane's: kubeflow records none). */
export const SparkConnectEventReason = {
  ServerCreated: "SparkConnectServerCreated",
  Ready: "SparkConnectReady",
  NotReady: "SparkConnectNotReady",
  Unschedulable: "SparkConnectUnschedulable",
  ExecutorsUnschedulable: "SparkConnectExecutorsUnschedulable",
  Failed: "SparkConnectFailed",
  InvalidSpec: "SparkConnectInvalidSpec",
  IdleStopped: "SparkConnectIdleStopped",
  InvalidIdleTimeout: "SparkConnectInvalidIdleTimeout",
} as const;

/**
 * sparkplane's annotations on a SparkConnect. `idle-timeout` (a Go duration: `30m`, `1h`, `90s`): the
 * operator stops the server once no Spark job or SQL query has run for that long (state Stopped).
 */
export const SparkConnectAnnotation = {
  IdleTimeout: `${SPARKPLANE_GROUP}/idle-timeout`,
} as const;
