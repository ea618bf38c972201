/**
 * Counting the operator's own API requests: it runs as a ServiceAccount of its own, and a FlowSchema of that
 * identity makes the API server count its requests apart (apiserver_flowcontrol_dispatched_requests_total).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AUDITED_NAMESPACE, serviceAccountUser } from "../local/audit.js";
import { adminKubeconfig } from "../local/kubeconfig.js";
import { parsePromText, type Sample, sumBy, sumOf } from "../util/prom-text.js";
import { KubeHttp } from "./kube-http.js";

const OPERATOR_SA_NAMESPACE = AUDITED_NAMESPACE;
const OPERATOR_SA = "sparkplane-operator";
const FLOW_SCHEMA = "sparkplane-bench-operator";

export const API_REQUEST_METHOD =
  "The operator runs as its own ServiceAccount (bound to cluster-admin) and a FlowSchema of that identity " +
  `("${FLOW_SCHEMA}", priority level exempt, like the admin identity \`sparkplane up\` gives it) counts its ` +
  "requests exactly: apiserver_flowcontrol_dispatched_requests_total{flow_schema} after minus before, over " +
  "the first create to the settled operator, divided by the apps. The spark-submit JVMs use the same " +
  "identity, so their requests count as the operator's. apiRequestsAllClientsPerApp is the " +
  "apiserver_request_total delta of every client (bench, scheduler, controller-manager included). " +
  `apiRequestsOperatorPerApp breaks the operator's down by verb and resource from the API server's audit log, ` +
  `which records the requests of the ServiceAccounts of namespace ${AUDITED_NAMESPACE} only.`;

/** The operator's username, as the API server's audit log names it. */
export const OPERATOR_USER = serviceAccountUser(OPERATOR_SA_NAMESPACE, OPERATOR_SA);

/**
 * A ServiceAccount for the operator, bound to cluster-admin, a FlowSchema that sends its requests to the
 * exempt priority level (so they are counted apart and throttled no more than the admin's), and a kubeconfig
 * with a token of it. Returns the kubeconfig's path.
 */
export async function operatorIdentity(admin: KubeHttp, stateDir: string): Promise<string> {
  await admin.createIfAbsent("/api/v1/namespaces", { metadata: { name: OPERATOR_SA_NAMESPACE } });
  await admin.createIfAbsent(`/api/v1/namespaces/${OPERATOR_SA_NAMESPACE}/serviceaccounts`, {
    metadata: { name: OPERATOR_SA },
  });
  await admin.createIfAbsent("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
    metadata: { name: FLOW_SCHEMA },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name: OPERATOR_SA, namespace: OPERATOR_SA_NAMESPACE }],
  });
  await admin.createIfAbsent("/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas", {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1",
    kind: "FlowSchema",
    metadata: { name: FLOW_SCHEMA },
    spec: {
      priorityLevelConfiguration: { name: "exempt" },
      matchingPrecedence: 50,
      rules: [
        {
          subjects: [
            {
              kind: "ServiceAccount",
              serviceAccount: { namespace: OPERATOR_SA_NAMESPACE, name: OPERATOR_SA },
            },
          ],
          resourceRules: [
            { verbs: ["*"], apiGroups: ["*"], resources: ["*"], clusterScope: true, namespaces: ["*"] },
          ],
          nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        },
      ],
    },
  });
  const tr = await admin.json<{ status: { token: string } }>(
    "POST",
    `/api/v1/namespaces/${OPERATOR_SA_NAMESPACE}/serviceaccounts/${OPERATOR_SA}/token`,
    {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 7 * 24 * 3600 },
    },
  );
  const path = join(stateDir, "operator-kubeconfig");
  writeFileSync(
    path,
    adminKubeconfig({
      server: admin.endpoint.server,
      caPem: admin.endpoint.caPem,
      token: tr.status.token,
      name: "sparkplane-bench-operator",
    }),
    { mode: 0o600 },
  );
  // The API server applies a new FlowSchema within moments; wait until a request of the identity counts.
  const probe = new KubeHttp({ ...admin.endpoint, token: tr.status.token });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await probe.raw("GET", "/api/v1/namespaces/default");
      if ((await operatorRequests(admin)) > 0) break;
      if (Date.now() > deadline) throw new Error(`the FlowSchema ${FLOW_SCHEMA} never matched`);
      await sleep(200);
    }
  } finally {
    probe.close();
  }
  return path;
}

const APISERVER_METRICS = new Set([
  "apiserver_flowcontrol_dispatched_requests_total",
  "apiserver_request_total",
]);

export async function apiserverMetrics(admin: KubeHttp): Promise<Sample[]> {
  return parsePromText(await admin.raw("GET", "/metrics"), APISERVER_METRICS);
}

export function operatorRequestsOf(samples: Sample[]): number {
  return sumOf(samples, "apiserver_flowcontrol_dispatched_requests_total", { flow_schema: FLOW_SCHEMA });
}

async function operatorRequests(admin: KubeHttp): Promise<number> {
  return operatorRequestsOf(await apiserverMetrics(admin));
}

export function requestsByVerb(samples: Sample[]): Map<string, number> {
  const raw = sumBy(samples, "apiserver_request_total", ["verb", "resource", "subresource"]);
  const out = new Map<string, number>();
  for (const [k, v] of raw) {
    const [verb, resource, sub] = k.split(" ");
    const key = `${verb} ${resource}${sub ? `/${sub}` : ""}`;
    out.set(key, (out.get(key) ?? 0) + v);
  }
  return out;
}
