/** What the pages read from the API server, as the caller: one app with its events and pods, and the lists. */
import type { CoreV1Event, V1Node, V1Pod } from "@kubernetes/client-node";
import { ArgoApi, ArgoLabel } from "../../api/argo/constants.js";
import { SPARKPLANE_API_VERSION, SparkQueueNames } from "../../api/sparkplane/constants.js";
import type { SparkQueue } from "../../api/sparkplane/sparkqueue.js";
import {
  GROUP,
  OperatorLabel,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
  VERSION,
} from "../../api/v1beta2/constants.js";
import type { ScheduledSparkApplication } from "../../api/v1beta2/scheduledsparkapplication.js";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { BOUND_PODS_FIELD_SELECTOR, diagnosePending, summarizePending } from "../../diagnose/pending.js";
import { eventsAboutSelector } from "../../kube/event-selector.js";
import { kubeError } from "../http.js";
import type { KubeCaller } from "../kube.js";
import type { AppView } from "./pages/app.js";
import type { Listed, SessionItem } from "./pages/others.js";
import type { WorkflowItem } from "./pages/workflows.js";

const seg = encodeURIComponent;

async function items<T>(caller: KubeCaller, path: string, what: string): Promise<T[]> {
  const answer = await caller.call<{ items?: T[] }>("GET", path);
  if (answer.status !== 200) throw kubeError(answer.status, answer.body, what);
  return answer.body.items ?? [];
}

export async function readAppView(caller: KubeCaller, ns: string, name: string): Promise<AppView> {
  const what = `SparkApplication ${ns}/${name}`;
  const answer = await caller.call<SparkApplication>(
    "GET",
    `/apis/${GROUP}/${VERSION}/namespaces/${seg(ns)}/${SparkApplicationNames.plural}/${seg(name)}`,
  );
  if (answer.status !== 200) throw kubeError(answer.status, answer.body, what);
  const app = answer.body;
  const driver = app.status?.driverInfo?.podName;
  const eventsOf = (kind: string, n: string, uid?: string) =>
    items<CoreV1Event>(
      caller,
      `/api/v1/namespaces/${seg(ns)}/events?fieldSelector=${seg(eventsAboutSelector({ kind, name: n, ...(uid ? { uid } : {}) }))}`,
      `events of ${kind} ${n}`,
    ).catch(() => []);
  const [appEvents, driverEvents, pods] = await Promise.all([
    eventsOf(SparkApplicationNames.kind, name, app.metadata.uid),
    driver ? eventsOf("Pod", driver) : Promise.resolve([]),
    items<V1Pod>(
      caller,
      `/api/v1/namespaces/${seg(ns)}/pods?labelSelector=${seg(`${OperatorLabel.AppName}=${name}`)}`,
      `pods of ${what}`,
    ).catch(() => []),
  ]);
  return {
    app,
    events: [...appEvents, ...driverEvents],
    pods,
    diagnosis: await diagnosis(caller, app, pods),
    now: Date.now(),
  };
}

async function diagnosis(
  caller: KubeCaller,
  app: SparkApplication,
  pods: readonly V1Pod[],
): Promise<AppView["diagnosis"]> {
  if (!pods.some((p) => !p.spec?.nodeName && (p.status?.phase ?? "Pending") === "Pending")) return [];
  try {
    const [nodes, boundPods] = await Promise.all([
      items<V1Node>(caller, "/api/v1/nodes", "nodes"),
      items<V1Pod>(caller, `/api/v1/pods?fieldSelector=${seg(BOUND_PODS_FIELD_SELECTOR)}`, "pods on nodes"),
    ]);
    return summarizePending(diagnosePending({ app, pods, nodes, boundPods }));
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
}

async function listed<T>(caller: KubeCaller, path: string, what: string): Promise<Listed<T>> {
  const answer = await caller.call<{ items?: T[] }>("GET", path);
  if (answer.status === 200) return { items: answer.body.items ?? [] };
  if (answer.status === 404)
    return { unavailable: `${what}: the API server does not serve this kind (its CRD is not installed)` };
  return { unavailable: kubeError(answer.status, answer.body, `list ${what}`).message };
}

const inNamespace = (ns: string | undefined, group: string, version: string, plural: string) =>
  `/apis/${group}/${version}/${ns ? `namespaces/${seg(ns)}/` : ""}${plural}`;

export function readScheduled(caller: KubeCaller, ns?: string) {
  return listed<ScheduledSparkApplication>(
    caller,
    inNamespace(ns, GROUP, VERSION, ScheduledSparkApplicationNames.plural),
    "ScheduledSparkApplications",
  );
}

export function readQueues(caller: KubeCaller) {
  return listed<SparkQueue>(
    caller,
    `/apis/${SPARKPLANE_API_VERSION}/${SparkQueueNames.plural}`,
    "SparkQueues",
  );
}

export function readSessions(caller: KubeCaller, ns?: string) {
  return listed<SessionItem>(caller, inNamespace(ns, GROUP, "v1alpha1", "sparkconnects"), "SparkConnects");
}

export function readWorkflows(caller: KubeCaller, ns?: string) {
  return listed<WorkflowItem>(
    caller,
    inNamespace(ns, ArgoApi.group, ArgoApi.version, ArgoApi.workflows),
    "Workflows",
  );
}

/** One workflow and the SparkApplications it made (Argo labels what its resource templates create). */
export async function readWorkflow(caller: KubeCaller, ns: string, name: string) {
  const what = `Workflow ${ns}/${name}`;
  const answer = await caller.call<WorkflowItem>(
    "GET",
    `/apis/${ArgoApi.group}/${ArgoApi.version}/namespaces/${seg(ns)}/${ArgoApi.workflows}/${seg(name)}`,
  );
  if (answer.status !== 200) throw kubeError(answer.status, answer.body, what);
  const apps = await items<SparkApplication>(
    caller,
    `/apis/${GROUP}/${VERSION}/namespaces/${seg(ns)}/${SparkApplicationNames.plural}?labelSelector=${seg(`${ArgoLabel.workflow}=${name}`)}`,
    `SparkApplications of ${what}`,
  ).catch(() => []);
  return { workflow: answer.body, apps };
}
