/**
 * The ValidatingAdmissionPolicy that keeps the operator from being a confused deputy: a SparkApplication,
 * ScheduledSparkApplication or SparkConnect is admitted only when the user writing it could create the pods it
 * asks for (docs/security.md). Kubernetes' own admission (CEL with its `authorizer`), no webhook server.
 * Pure: the chart's template (src/chart), config/install.yaml and `sparkplane up` are made from this.
 */
import type {
  V1ValidatingAdmissionPolicy,
  V1ValidatingAdmissionPolicyBinding,
  V1Validation,
} from "@kubernetes/client-node";
import { SparkConnectNames } from "../v1alpha1/constants.js";
import { GROUP, ScheduledSparkApplicationNames, SparkApplicationNames } from "../v1beta2/constants.js";
import { escalationsCel, serviceAccountFieldCount, serviceAccountsCel } from "./admission-cel.js";
import { AdmissionPermission, Escalation } from "./constants.js";

export const ADMISSION_API_VERSION = "admissionregistration.k8s.io/v1";

/** What the policy looks for in spec.sparkConf (Spark's keys: spark/constants.ts SPARK_CONF_POD_PRIVILEGES). */
export interface SparkConfPrivileges {
  serviceAccountKeys: readonly string[];
  hostPathVolumePrefixes: readonly string[];
}

/** The resources the policy guards (their status subresources are not matched: the operator writes those). */
export const GUARDED_RESOURCES = [
  SparkApplicationNames.plural,
  ScheduledSparkApplicationNames.plural,
  SparkConnectNames.plural,
] as const;

type Permission = { group: string; resource: string; verb: string };

/** `authorizer....check(verb).allowed()` for the request's user in the request's namespace. */
function allowed(p: Permission, name?: string): string {
  const named = name === undefined ? "" : `.name(${name})`;
  return `authorizer.group('${p.group}').resource('${p.resource}').namespace(request.namespace)${named}.check('${p.verb}').allowed()`;
}

const USER = "request.userInfo.username";
const NAMESPACE = "request.namespace";
const { UseServiceAccount, ImpersonateServiceAccount, UseEscalation, Bypass } = AdmissionPermission;

const mayUseAccount = (name: string) =>
  `(${allowed(UseServiceAccount, name)} || ${allowed(ImpersonateServiceAccount, name)})`;
const mayEscalate = (name: string) => allowed(UseEscalation, name);

const PODS_MESSAGE = `'user ' + ${USER} + ' may not create pods in namespace ' + ${NAMESPACE} + " (needs verb 'create' on pods): the operator would create this " + request.kind.kind + "'s pods for them"`;

/** `<field>: user U may not <what> in namespace N (needs verb 'V' on <resource>)`. */
const denied = (field: string, what: string, needs: string) =>
  `${field} + ': user ' + ${USER} + ' may not ' + ${what} + ' in namespace ' + ${NAMESPACE} + " (needs verb " + ${needs} + ")"`;

/**
 * The validations, in the order their refusals are reported: the API server reports only the first that
 * fails, and a message cannot ask the authorizer (`messageExpression` has no `authorizer`, not even through a
 * variable), so each validation's message is exact by construction: the i-th named ServiceAccount, then each
 * escalation with every field asking for it, then pods.
 */
function validations(sparkConf: SparkConfPrivileges): V1Validation[] {
  const accounts = Array.from({ length: serviceAccountFieldCount(sparkConf.serviceAccountKeys) }, (_, i) => {
    const a = `variables.serviceAccounts[${i}]`;
    return {
      expression: `size(variables.serviceAccounts) <= ${i} || ${mayUseAccount(`${a}.name`)}`,
      messageExpression: denied(
        `${a}.field`,
        `'use ServiceAccount ' + ${a}.name`,
        `"'${UseServiceAccount.verb}' on ${UseServiceAccount.resource}/" + ${a}.name`,
      ),
    };
  });
  const escalations = Object.entries(Escalation).map(([name, what]) => {
    const asking = `variables.escalations.filter(a, a.name == '${name}')`;
    return {
      expression: `!variables.escalations.exists(a, a.name == '${name}') || ${mayEscalate(`'${name}'`)}`,
      messageExpression: denied(
        `${asking}.map(a, a.field).join(', ')`,
        `'${what.replaceAll("'", "\\'")}'`,
        `"'${UseEscalation.verb}' on ${UseEscalation.resource}.${UseEscalation.group}/${name}"`,
      ),
    };
  });
  const pods = {
    expression: allowed({ group: "", resource: "pods", verb: "create" }),
    messageExpression: PODS_MESSAGE,
  };
  return [...accounts, ...escalations, pods].map((v) => ({ ...v, reason: "Forbidden" }));
}

/** The policy's spec, independent of where it is installed (the chart names it per release). */
export function admissionPolicySpec(sparkConf: SparkConfPrivileges): V1ValidatingAdmissionPolicy["spec"] {
  return {
    failurePolicy: "Fail",
    matchConstraints: {
      resourceRules: [
        {
          apiGroups: [GROUP],
          apiVersions: ["*"],
          operations: ["CREATE", "UPDATE"],
          resources: [...GUARDED_RESOURCES],
        },
      ],
    },
    matchConditions: [
      {
        // Metadata-only updates (labels, finalizers, the operator's annotations) ask for no new pods.
        name: "spec-written",
        expression: "request.operation == 'CREATE' || object.spec != oldObject.spec",
      },
      {
        name: "not-exempt",
        expression: `!${allowed(Bypass)}`,
      },
    ],
    variables: [
      {
        name: "app",
        expression: `request.resource.resource == '${ScheduledSparkApplicationNames.plural}' ? object.spec.template : object.spec`,
      },
      {
        name: "prefix",
        expression: `request.resource.resource == '${ScheduledSparkApplicationNames.plural}' ? 'spec.template.' : 'spec.'`,
      },
      { name: "conf", expression: "has(variables.app.sparkConf) ? variables.app.sparkConf : {}" },
      { name: "serviceAccounts", expression: serviceAccountsCel(sparkConf.serviceAccountKeys) },
      { name: "escalations", expression: escalationsCel(sparkConf.hostPathVolumePrefixes) },
    ],
    validations: validations(sparkConf),
  };
}

/** The policy named `name` (cluster-scoped). */
export function admissionPolicy(
  name: string,
  sparkConf: SparkConfPrivileges,
  labels?: Record<string, string>,
): V1ValidatingAdmissionPolicy {
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: "ValidatingAdmissionPolicy",
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: admissionPolicySpec(sparkConf),
  };
}

/** Its binding, in every namespace, denying what the policy refuses. */
export function admissionPolicyBinding(
  name: string,
  labels?: Record<string, string>,
): V1ValidatingAdmissionPolicyBinding {
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { policyName: name, validationActions: ["Deny"] },
  };
}
