/** Names, ports and selectors of the objects a SparkApplication's runs consist of (as kubeflow names them). */
import { createHash } from "node:crypto";
import type { V1Pod } from "@kubernetes/client-node";
import type { ServiceType } from "../../../../api/v1beta2/core.js";
import { driverPodName } from "../../../../api/v1beta2/derived-names.js";
import type { SparkApplication } from "../../../../api/v1beta2/sparkapplication.js";
import {
  ConfKey,
  KUBERNETES_DNS_LABEL_MAX_LENGTH,
  SparkLabel,
  SparkPort,
  SparkRole,
} from "../../../../spark/constants.js";
import { sparkApplicationIdOf } from "./pod-state.js";

/** The UI Service's port name in kubeflow. */
const DEFAULT_UI_PORT_NAME = "spark-driver-ui-port";

type AppRef = Pick<SparkApplication, "metadata" | "spec">;

/** The driver pod the next submission creates. */
export function driverPodNameFor(app: AppRef): string {
  return driverPodName(app.metadata.name ?? "", app.spec);
}

/** The driver pod to observe: the one recorded in the status, else the one the next submission creates. */
export function driverPodNameToObserve(app: SparkApplication): string {
  return nonEmpty(app.status?.driverInfo?.podName) ?? driverPodNameFor(app);
}

/**
 * `<app>-ui-svc` (as derived-names' uiServiceName); a name over 63 characters, which no Service may have, is
 * shortened with a hash of it so it stays unique (as kubeflow does).
 */
export function uiServiceNameFor(app: Pick<SparkApplication, "metadata">): string {
  return boundedName(app.metadata.name ?? "", "ui-svc");
}

export interface UIServicePorts {
  port: number;
  portName: string;
  targetPort: number;
}

/**
 * The UI port of the driver is `spark.ui.port` (default 4040). The Service exposes it on
 * sparkUIOptions.servicePort; without sparkUIOptions on the driver's own port, with sparkUIOptions but no
 * servicePort on 4040 (kubeflow's rules).
 */
export function uiServicePorts(app: AppRef): UIServicePorts {
  const configured = Number(app.spec.sparkConf?.[ConfKey.UiPort]);
  const targetPort = Number.isInteger(configured) && configured > 0 ? configured : SparkPort.Ui;
  const options = app.spec.sparkUIOptions;
  const port = options === undefined ? targetPort : (options.servicePort ?? SparkPort.Ui);
  return { port, portName: nonEmpty(options?.servicePortName) ?? DEFAULT_UI_PORT_NAME, targetPort };
}

export function uiServiceType(app: AppRef): ServiceType {
  return app.spec.sparkUIOptions?.serviceType ?? "ClusterIP";
}

/**
 * `status.driverInfo.webUIAddress` as kubeflow writes it: the UI Service's cluster IP and port, `<ip>:<port>`
 * (an IPv6 address without brackets, as kubeflow has it). The DNS form needs no field of its own:
 * `<webUIServiceName>.<namespace>.svc:<webUIPort>`.
 */
export function webUIAddress(clusterIP: string, port: number): string {
  return `${clusterIP}:${port}`;
}

/**
 * Label selector of the executors of the current run (`spark-role=executor,spark-app-selector=<id>`), the
 * id taken from the driver pod, else the status; undefined while no id is known (no executors can exist
 * before the driver reports its id).
 */
export function executorPodSelector(app: SparkApplication, driverPod: V1Pod | undefined): string | undefined {
  const appId = (driverPod && sparkApplicationIdOf(driverPod)) ?? nonEmpty(app.status?.sparkApplicationId);
  return appId === undefined
    ? undefined
    : `${SparkLabel.Role}=${SparkRole.Executor},${SparkLabel.AppId}=${appId}`;
}

function boundedName(base: string, suffix: string): string {
  const preferred = `${base}-${suffix}`;
  if (preferred.length <= KUBERNETES_DNS_LABEL_MAX_LENGTH) return preferred;
  const hash = createHash("md5").update(preferred).digest("hex").slice(0, 8);
  const keep = KUBERNETES_DNS_LABEL_MAX_LENGTH - suffix.length - hash.length - 2;
  return `${base.slice(0, keep).replace(/-+$/, "")}-${hash}-${suffix}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
