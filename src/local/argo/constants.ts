/** Names Argo Workflows defines (its API group, images, ConfigMap, labels), in one place. */
export const ArgoApi = {
  group: "argoproj.io",
  version: "v1alpha1",
  workflows: "workflows",
  workflowTemplates: "workflowtemplates",
  cronWorkflows: "cronworkflows",
} as const;

/** The repository of Argo's executor image: the agent runs it as the provisioned argoexec. */
export const ARGOEXEC_IMAGE_REPOSITORY = "quay.io/argoproj/argoexec";

export function argoexecImage(version: string): string {
  return `${ARGOEXEC_IMAGE_REPOSITORY}:${version}`;
}

/** The controller's ConfigMap, read from its own namespace (`--configmap`'s default). */
export const CONTROLLER_CONFIGMAP = "workflow-controller-configmap";
/** Where `up --with argo` keeps the controller's ConfigMap (Argo's install manifests use `argo` too). */
export const ARGO_NAMESPACE = "argo";

export const ArgoLabel = {
  workflow: "workflows.argoproj.io/workflow",
  completed: "workflows.argoproj.io/completed",
  cronWorkflow: "workflows.argoproj.io/cron-workflow",
} as const;

/** The workflow controller's switch for single-instance mode (no Lease). */
export const LEADER_ELECTION_DISABLE_ENV = "LEADER_ELECTION_DISABLE";

/** The ServiceAccount our example workflows run as (Argo's executor Role plus SparkApplication access). */
export const WORKFLOW_SERVICE_ACCOUNT = "argo-workflow";
