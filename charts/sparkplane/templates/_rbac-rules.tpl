{{/* Generated from src/operator/rbac.ts by `npm run gen:manifests`. Do not edit. */}}

{{- define "sparkplane.rules.operator" }}
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["sparkapplications"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["sparkplane.io"]
  resources: ["admission"]
  verbs: ["bypass"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["sparkapplications/status"]
  verbs: ["update"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["sparkapplications/finalizers"]
  verbs: ["update"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["sparkconnects"]
  verbs: ["list", "watch"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["sparkconnects/status"]
  verbs: ["update"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["sparkconnects/finalizers"]
  verbs: ["update"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["scheduledsparkapplications"]
  verbs: ["list", "watch"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["scheduledsparkapplications/status"]
  verbs: ["update"]
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["scheduledsparkapplications/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch", "get", "create", "update", "patch", "delete", "deletecollection"]
- apiGroups: [""]
  resources: ["pods/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "get", "create", "delete"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "create", "deletecollection"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "create"]
- apiGroups: ["scheduling.alibabacloud.com"]
  resources: ["resourcepolicies"]
  verbs: ["list", "watch"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "create", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}

{{- define "sparkplane.rules.cluster" }}
- apiGroups: ["sparkplane.io"]
  resources: ["sparkqueues"]
  verbs: ["list", "watch"]
- apiGroups: ["sparkplane.io"]
  resources: ["sparkqueues/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["list", "watch"]
{{- end }}

{{- define "sparkplane.rules.nodeStats" }}
- apiGroups: [""]
  resources: ["nodes/stats"]
  verbs: ["get"]
{{- end }}

{{- define "sparkplane.rules.leaderElection" }}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  resourceNames: [{{ include "sparkplane.leaseName" . | quote }}]
  verbs: ["get", "update"]
{{- end }}

{{- define "sparkplane.rules.sparkDriver" }}
- apiGroups: [""]
  resources: ["pods", "services", "configmaps", "persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create", "patch", "delete", "deletecollection"]
{{- end }}

{{- define "sparkplane.rules.console" }}
- apiGroups: ["sparkoperator.k8s.io"]
  resources: ["sparkapplications"]
  verbs: ["list", "watch"]
{{- end }}
