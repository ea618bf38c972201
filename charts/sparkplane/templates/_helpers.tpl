{{/* Names, labels and the choices every template shares. */}}

{{- define "sparkplane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sparkplane.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sparkplane.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sparkplane.labels" -}}
helm.sh/chart: {{ include "sparkplane.chart" . }}
{{ include "sparkplane.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "sparkplane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sparkplane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "sparkplane.controller.name" -}}
{{- printf "%s-controller" (include "sparkplane.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sparkplane.controller.labels" -}}
{{ include "sparkplane.labels" . }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "sparkplane.controller.selectorLabels" -}}
{{ include "sparkplane.selectorLabels" . }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "sparkplane.controller.serviceAccountName" -}}
{{- if .Values.controller.serviceAccount.create }}
{{- default (include "sparkplane.controller.name" .) .Values.controller.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.controller.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sparkplane.spark.serviceAccountName" -}}
{{- default (printf "%s-spark" (include "sparkplane.fullname" .)) .Values.spark.serviceAccount.name }}
{{- end }}

{{- define "sparkplane.spark.name" -}}
{{- printf "%s-spark" (include "sparkplane.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Lease of leader election, in the release namespace. */}}
{{- define "sparkplane.leaseName" -}}
{{- printf "%s-lock" (include "sparkplane.controller.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sparkplane.leaderElection.enabled" -}}
{{- if or .Values.controller.leaderElection.enable (gt (int .Values.controller.replicas) 1) }}true{{ end }}
{{- end }}

{{/* "true" when the operator watches every namespace: jobNamespaces empty or containing "". */}}
{{- define "sparkplane.allNamespaces" -}}
{{- if or (not .Values.spark.jobNamespaces) (has "" .Values.spark.jobNamespaces) }}true{{ end }}
{{- end }}

{{/* The namespaces that get the Spark driver's ServiceAccount and Role, as a JSON list. */}}
{{- define "sparkplane.spark.namespaces" -}}
{{- $namespaces := without (.Values.spark.jobNamespaces | default list) "" }}
{{- if not $namespaces }}{{ $namespaces = list .Release.Namespace }}{{ end }}
{{- $namespaces | uniq | toJson }}
{{- end }}

{{- define "sparkplane.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.registry }}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "sparkplane.console.name" -}}
{{- printf "%s-console" (include "sparkplane.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sparkplane.console.labels" -}}
{{ include "sparkplane.labels" . }}
app.kubernetes.io/component: console
{{- end }}

{{- define "sparkplane.console.selectorLabels" -}}
{{ include "sparkplane.selectorLabels" . }}
app.kubernetes.io/component: console
{{- end }}

{{/* The ValidatingAdmissionPolicy and its binding (cluster-scoped: named per release). */}}
{{- define "sparkplane.admissionPolicyName" -}}
{{- printf "%s-spark-admission" (include "sparkplane.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
