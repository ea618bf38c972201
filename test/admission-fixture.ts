/**
 * Users for the admission policy's tests: ServiceAccounts in a fresh namespace, each with a Role, and a
 * kubeconfig that authenticates as it (a TokenRequest token); objects written as a user with the API server's
 * answer kept (status and message) instead of thrown.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  RbacAuthorizationV1Api,
  type V1PolicyRule,
} from "@kubernetes/client-node";
import { AdmissionPermission } from "../src/api/sparkplane/constants.js";
import { SparkConnectNames, VERSION_V1ALPHA1 } from "../src/api/v1alpha1/constants.js";
import {
  GROUP,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
  VERSION,
} from "../src/api/v1beta2/constants.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { serviceAccountKubeConfig } from "./chart-identity.js";

export const KINDS = {
  app: { plural: SparkApplicationNames.plural, kind: SparkApplicationNames.kind, version: VERSION },
  scheduled: {
    plural: ScheduledSparkApplicationNames.plural,
    kind: ScheduledSparkApplicationNames.kind,
    version: VERSION,
  },
  connect: { plural: SparkConnectNames.plural, kind: SparkConnectNames.kind, version: VERSION_V1ALPHA1 },
} as const;
export type Kind = keyof typeof KINDS;

const ALL_PLURALS = Object.values(KINDS).map((k) => k.plural);

/** create/get/list of the three Spark kinds, nothing else: what the attacker of issue 23 holds. */
export const WRITE_SPARK_KINDS: V1PolicyRule = {
  apiGroups: [GROUP],
  resources: ALL_PLURALS,
  verbs: ["create", "get", "list"],
};
export const CREATE_PODS: V1PolicyRule = { apiGroups: [""], resources: ["pods"], verbs: ["create"] };
export const useServiceAccount = (name: string): V1PolicyRule => ({
  apiGroups: [AdmissionPermission.UseServiceAccount.group],
  resources: [AdmissionPermission.UseServiceAccount.resource],
  resourceNames: [name],
  verbs: [AdmissionPermission.UseServiceAccount.verb],
});
export const useEscalations = (names: string[]): V1PolicyRule => ({
  apiGroups: [AdmissionPermission.UseEscalation.group],
  resources: [AdmissionPermission.UseEscalation.resource],
  resourceNames: names,
  verbs: [AdmissionPermission.UseEscalation.verb],
});
export const BYPASS: V1PolicyRule = {
  apiGroups: [AdmissionPermission.Bypass.group],
  resources: [AdmissionPermission.Bypass.resource],
  verbs: [AdmissionPermission.Bypass.verb],
};

/** ServiceAccount `name` in `namespace` with a Role of `rules` bound to it; its kubeconfig and token. */
export async function userWithRole(
  admin: KubeConfig,
  namespace: string,
  name: string,
  rules: V1PolicyRule[],
): Promise<{ kc: KubeConfig; token: string; username: string }> {
  await ensureServiceAccount(admin, namespace, name);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  });
  const kc = await serviceAccountKubeConfig(admin, namespace, name);
  return { kc, token: kc.getCurrentUser()!.token!, username: `system:serviceaccount:${namespace}:${name}` };
}

export async function ensureServiceAccount(admin: KubeConfig, namespace: string, name: string) {
  await admin
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccount({ namespace, body: { metadata: { name } } })
    .catch((err: { code?: number }) => {
      if (err.code !== 409) throw err;
    });
}

/** ServiceAccount `name` bound (in `namespace`) to the ClusterRole cluster-admin. */
export async function adminServiceAccount(admin: KubeConfig, namespace: string, name: string) {
  await ensureServiceAccount(admin, namespace, name);
  await admin.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  });
}

export interface Answer {
  status: number;
  message: string;
}

const answerOf = (err: unknown): Answer => {
  const e = err as { code?: number; body?: unknown };
  let body: { message?: string } = {};
  try {
    body = typeof e.body === "string" ? JSON.parse(e.body) : ((e.body as typeof body) ?? {});
  } catch {
    body = { message: String(e.body) };
  }
  if (typeof e.code !== "number") throw err;
  return { status: e.code, message: body.message ?? "" };
};

/** Creates `object` (metadata and spec) of `kind` as `kc`'s user; the API server's answer. */
export async function createAs(
  kc: KubeConfig,
  namespace: string,
  kind: Kind,
  object: { metadata: { name: string }; spec: unknown },
): Promise<Answer> {
  const { plural, kind: k, version } = KINDS[kind];
  try {
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: GROUP,
      version,
      plural,
      namespace,
      body: { apiVersion: `${GROUP}/${version}`, kind: k, ...object },
    });
    return { status: 201, message: "" };
  } catch (err) {
    return answerOf(err);
  }
}

/** A merge patch of a SparkApplication (or its status subresource) as `kc`'s user; the answer. */
export async function patchAppAs(
  kc: KubeConfig,
  namespace: string,
  name: string,
  patch: object,
  subresource?: "status",
): Promise<Answer> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ref = {
    group: GROUP,
    version: VERSION,
    plural: SparkApplicationNames.plural,
    namespace,
    name,
    body: patch,
  };
  try {
    if (subresource) await custom.patchNamespacedCustomObjectStatus(ref, mergePatchOptions);
    else await custom.patchNamespacedCustomObject(ref, mergePatchOptions);
    return { status: 200, message: "" };
  } catch (err) {
    return answerOf(err);
  }
}
