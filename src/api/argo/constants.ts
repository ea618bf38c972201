/** Names of Argo Workflows' API (group, kinds, labels) that sparkplane reads, in one place. */
export const ArgoApi = {
  group: "argoproj.io",
  version: "v1alpha1",
  workflows: "workflows",
  workflowTemplates: "workflowtemplates",
  cronWorkflows: "cronworkflows",
} as const;

export const ArgoLabel = {
  workflow: "workflows.argoproj.io/workflow",
  completed: "workflows.argoproj.io/completed",
  cronWorkflow: "workflows.argoproj.io/cron-workflow",
} as const;
