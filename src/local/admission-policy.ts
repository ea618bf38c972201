/**
 * `sparkplane up` installs the admission policy as it installs the CRDs (the chart and config/install.yaml
 * carry the same policy, named per release). Not the operator: an identity able to write admission policies
 * could lift the control that keeps it from being a confused deputy (docs/security.md).
 */
import {
  AdmissionregistrationV1Api,
  type KubeConfig,
  type V1ValidatingAdmissionPolicy,
  type V1ValidatingAdmissionPolicyBinding,
} from "@kubernetes/client-node";
import { admissionPolicy, admissionPolicyBinding } from "../api/sparkplane/admission-policy.js";
import { LOCAL_ADMISSION_POLICY_NAME } from "../api/sparkplane/constants.js";
import { isNotFound } from "../kube/retry.js";
import { SPARK_CONF_POD_PRIVILEGES } from "../spark/constants.js";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Creates the policy and its binding, or replaces them when their spec differs from ours. Idempotent. */
export async function ensureAdmissionPolicy(
  kc: KubeConfig,
  name = LOCAL_ADMISSION_POLICY_NAME,
): Promise<void> {
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  const policy: V1ValidatingAdmissionPolicy = admissionPolicy(name, SPARK_CONF_POD_PRIVILEGES);
  const current = await api.readValidatingAdmissionPolicy({ name }).catch(absent);
  if (!current) await api.createValidatingAdmissionPolicy({ body: policy });
  else if (!same(current.spec, { ...current.spec, ...policy.spec }))
    await api.replaceValidatingAdmissionPolicy({ name, body: withVersion(policy, current) });

  const binding: V1ValidatingAdmissionPolicyBinding = admissionPolicyBinding(name);
  const bound = await api.readValidatingAdmissionPolicyBinding({ name }).catch(absent);
  if (!bound) await api.createValidatingAdmissionPolicyBinding({ body: binding });
  else if (!same(bound.spec, { ...bound.spec, ...binding.spec }))
    await api.replaceValidatingAdmissionPolicyBinding({ name, body: withVersion(binding, bound) });
}

function absent(err: unknown): undefined {
  if (isNotFound(err)) return undefined;
  throw err;
}

function withVersion<T extends { metadata?: { resourceVersion?: string } }>(wanted: T, current: T): T {
  return { ...wanted, metadata: { ...wanted.metadata, resourceVersion: current.metadata?.resourceVersion } };
}
