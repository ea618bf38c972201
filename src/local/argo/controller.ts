import type { ComponentSpec } from "../components.js";
import type { StatePaths } from "../paths.js";
import type { ArgoInstall } from "../provision/argo.js";
import {
  ARGO_NAMESPACE,
  argoexecImage,
  CONTROLLER_CONFIGMAP,
  LEADER_ELECTION_DISABLE_ENV,
} from "./constants.js";

/**
 * The controller's configuration (`workflow-controller-configmap`, one key per field, YAML values). Metrics on
 * a port of our choosing, plain HTTP on loopback: the controller's health check, and no clash between
 * clusters side by side (its /healthz is fixed at :6060, so it cannot serve that role).
 */
export function controllerConfigData(metricsPort: number): Record<string, string> {
  return {
    metricsConfig: `enabled: true\npath: /metrics\nport: ${metricsPort}\nsecure: false\n`,
  };
}

/**
 * Argo's workflow-controller as a host process of the embedded cluster: the admin kubeconfig, its ConfigMap
 * in `argo`, Argo's executor image (which the agent runs as the built argoexec), one instance (no Lease).
 * Pure: paths and ports in, a command line out.
 */
export function workflowControllerComponent(
  argo: Pick<ArgoInstall, "workflowController" | "version">,
  paths: Pick<StatePaths, "kubeconfig">,
  metricsPort: number,
): ComponentSpec {
  return {
    name: "workflow-controller",
    command: argo.workflowController,
    args: [
      `--kubeconfig=${paths.kubeconfig}`,
      `--namespace=${ARGO_NAMESPACE}`,
      `--configmap=${CONTROLLER_CONFIGMAP}`,
      `--executor-image=${argoexecImage(argo.version)}`,
      "--loglevel=info",
      "--log-format=text",
    ],
    env: { [LEADER_ELECTION_DISABLE_ENV]: "true" },
    healthUrl: `http://127.0.0.1:${metricsPort}/metrics`,
  };
}

/** The port `argo server` listens on by default, which hera and the CLI's ARGO_SERVER examples assume. */
export const ARGO_SERVER_PORT = 2746;

/**
 * `argo server`, the API hera and `argo --argo-server` talk to: plain HTTP, and `--auth-mode=server` (it acts
 * with its own kubeconfig, the cluster's admin one; local mode has one user). It listens on every interface
 * (`:<port>`, not configurable in this release).
 */
export function argoServerComponent(
  argo: Pick<ArgoInstall, "argo">,
  paths: Pick<StatePaths, "kubeconfig">,
  port: number,
): ComponentSpec {
  return {
    name: "argo-server",
    command: argo.argo,
    args: [
      "server",
      `--kubeconfig=${paths.kubeconfig}`,
      `--namespace=${ARGO_NAMESPACE}`,
      `--configmap=${CONTROLLER_CONFIGMAP}`,
      `--port=${port}`,
      "--secure=false",
      "--auth-mode=server",
      "--log-format=text",
    ],
    healthUrl: `http://127.0.0.1:${port}/api/v1/version`,
  };
}
