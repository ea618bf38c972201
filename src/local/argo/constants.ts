/** Names Argo Workflows defines for running it (images, ConfigMap); its API names are in api/argo. */
export { ArgoApi, ArgoLabel } from "../../api/argo/constants.js";

/** The repository of Argo's executor image: the agent runs it as the provisioned argoexec. */
export const ARGOEXEC_IMAGE_REPOSITORY = "quay.io/argoproj/argoexec";

export function argoexecImage(version: string): string {
  return `${ARGOEXEC_IMAGE_REPOSITORY}:${version}`;
}

/** The controller's ConfigMap, read from its own namespace (`--configmap`'s default). */
export const CONTROLLER_CONFIGMAP = "workflow-controller-configmap";
/** Where `up --with argo` keeps the controller's ConfigMap (Argo's install manifests use `argo` too). */
export const ARGO_NAMESPACE = "argo";

/** The workflow controller's switch for single-instance mode (no Lease). */
export const LEADER_ELECTION_DISABLE_ENV = "LEADER_ELECTION_DISABLE";

/** The ServiceAccount our example workflows run as (Argo's executor Role plus SparkApplication access). */
export const WORKFLOW_SERVICE_ACCOUNT = "argo-workflow";
