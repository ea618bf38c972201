/** Names the operator derives from a SparkApplication (as the kubeflow operator names them). */
import type { SparkApplicationSpec } from "./sparkapplication.js";

export const DRIVER_POD_NAME_CONF = "spark.kubernetes.driver.pod.name";

/** spec.driver.podName, else sparkConf spark.kubernetes.driver.pod.name, else `<app>-driver`. */
export function driverPodName(
  appName: string,
  spec: Pick<SparkApplicationSpec, "driver" | "sparkConf">,
): string {
  return spec.driver.podName ?? spec.sparkConf?.[DRIVER_POD_NAME_CONF] ?? `${appName}-driver`;
}

export function uiServiceName(appName: string): string {
  return `${appName}-ui-svc`;
}

export function uiIngressName(appName: string): string {
  return `${appName}-ui-ingress`;
}
