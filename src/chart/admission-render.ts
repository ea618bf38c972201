/**
 * The chart's templates/admission-policy.yaml, rendered from src/api/sparkplane/admission-policy.ts (pure;
 * written by scripts/gen-manifests.mjs, checked by a test to be up to date). The policy and binding are named
 * per release; `admissionPolicy.enabled: false` leaves them out.
 */
import { Document, isPair, isScalar, visit } from "yaml";
import { admissionPolicy, admissionPolicyBinding } from "../api/sparkplane/admission-policy.js";
import { SPARK_CONF_POD_PRIVILEGES } from "../spark/constants.js";

export const ADMISSION_TEMPLATE_FILE = "templates/admission-policy.yaml";

const NAME_PLACEHOLDER = "__ADMISSION_POLICY_NAME__";
/** Stands for the chart's labels: one line, replaced by the include below. */
const LABELS_PLACEHOLDER = { __LABELS__: "placeholder" };
const NAME_TEMPLATE = '{{ include "sparkplane.admissionPolicyName" . }}';
const LABELS_TEMPLATE = '{{- include "sparkplane.labels" . | nindent 4 }}';

const CEL_KEYS = new Set(["expression", "messageExpression"]);

/** YAML of `object` with CEL as folded block scalars (read as one line, shown wrapped, no escapes). */
function document(object: object): string {
  const doc = new Document(object);
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && CEL_KEYS.has(String(pair.key.value)) && isScalar(pair.value))
        pair.value.type = "BLOCK_FOLDED";
    },
  });
  const text = doc.toString({ lineWidth: 110 });
  return text
    .replaceAll(NAME_PLACEHOLDER, NAME_TEMPLATE)
    .replace(/^ {4}__LABELS__: placeholder$/m, `    ${LABELS_TEMPLATE}`);
}

/** The template; the CEL never contains `{{`, so Helm leaves it as it is (checked by a test). */
export function admissionPolicyTemplate(): string {
  return [
    "{{/* Generated from src/api/sparkplane/admission-policy.ts by `npm run gen:manifests`. Do not edit. */}}",
    "{{- if .Values.admissionPolicy.enabled }}",
    "# Admits a SparkApplication, ScheduledSparkApplication or SparkConnect only when the user writing it could",
    "# create the pods it asks for: pods, the ServiceAccounts it names, host access (docs/security.md).",
    document(admissionPolicy(NAME_PLACEHOLDER, SPARK_CONF_POD_PRIVILEGES, LABELS_PLACEHOLDER)).trimEnd(),
    "---",
    document(admissionPolicyBinding(NAME_PLACEHOLDER, LABELS_PLACEHOLDER)).trimEnd(),
    "{{- end }}",
    "",
  ].join("\n");
}
