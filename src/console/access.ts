/**
 * May this caller read that? Asked of the API server as the caller (a SelfSubjectAccessReview, which every
 * authenticated identity may create), so pages served from the console's cache show only what the caller's
 * own RBAC lets it list. Answers are kept for a short while per caller.
 */
import { HttpError, kubeError } from "./http.js";
import type { KubeCaller } from "./kube.js";

export interface ResourceAttributes {
  verb: "list" | "get" | "watch";
  group: string;
  resource: string;
  /** Undefined: in every namespace. */
  namespace?: string;
}

const TTL_MS = 30_000;

export class AccessReviews {
  private readonly answers = new WeakMap<KubeCaller, Map<string, { allowed: boolean; until: number }>>();

  async allowed(caller: KubeCaller, attrs: ResourceAttributes): Promise<boolean> {
    const key = `${attrs.verb} ${attrs.group}/${attrs.resource} ${attrs.namespace ?? "*"}`;
    let byKey = this.answers.get(caller);
    if (!byKey) {
      byKey = new Map();
      this.answers.set(caller, byKey);
    }
    const known = byKey.get(key);
    if (known && known.until > Date.now()) return known.allowed;
    const answer = await caller.call<{ status?: { allowed?: boolean } }>(
      "POST",
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { ...attrs, namespace: attrs.namespace ?? "" } },
      },
    );
    if (answer.status !== 201 && answer.status !== 200)
      throw kubeError(answer.status, answer.body, "access review");
    const allowed = answer.body.status?.allowed === true;
    if (byKey.size > 1000) byKey.clear();
    byKey.set(key, { allowed, until: Date.now() + TTL_MS });
    return allowed;
  }

  /** 403 naming what is missing unless allowed. */
  async require(caller: KubeCaller, attrs: ResourceAttributes): Promise<void> {
    if (await this.allowed(caller, attrs)) return;
    const where = attrs.namespace
      ? `in namespace ${attrs.namespace}`
      : "in every namespace (pick a namespace)";
    throw new HttpError(403, `you may not ${attrs.verb} ${attrs.resource}.${attrs.group} ${where}`);
  }
}
