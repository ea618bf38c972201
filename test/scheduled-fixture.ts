/**
 * A ScheduledSparkApplication controller running in this process on a fresh namespace of the shared test
 * cluster, with a clock the test sets. Only the scheduled controller runs (no SparkApplication controller):
 * tests play it by writing the runs' `status.applicationState` through the status subresource.
 */
import { CoreV1Api, type CoreV1Event, CustomObjectsApi } from "@kubernetes/client-node";
import {
  API_VERSION,
  GROUP,
  OperatorLabel,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
  VERSION,
} from "../src/api/v1beta2/constants.js";
import type { ScheduledSparkApplication } from "../src/api/v1beta2/scheduledsparkapplication.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { silentLog } from "../src/kube/log.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { SPARK_APPLICATIONS } from "../src/operator/controllers/caches.js";
import { type ControllerManager, registerControllers } from "../src/operator/controllers/manager.js";
import { scheduledSparkApplicationController } from "../src/operator/controllers/scheduledsparkapplication/index.js";
import { ensureCrds } from "../src/operator/crds.js";
import { freshNamespace, type TestCluster } from "./cluster.js";
import { basicApp } from "./operator-fixture.js";
import { eventually } from "./poll.js";

export interface ScheduledHarness {
  ns: string;
  cluster: TestCluster;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** The controller's clock (ms); `Date.now()` at first. Change it, then `poke`. */
  clock: { now: number };
  /** Starts a controller (and its SparkApplication informer) reading `clock`. */
  start(): Promise<void>;
  /** Stops the controller: an operator going down. */
  stop(): Promise<void>;
  /** Makes the controller decide about `name` now (as a requeue or a watch event would). */
  poke(name: string): void;
  create(name: string, spec: Record<string, unknown>): Promise<ScheduledSparkApplication>;
  get(name: string): Promise<ScheduledSparkApplication>;
  patchSpec(name: string, spec: Record<string, unknown>): Promise<void>;
  /** The runs in the API, oldest first by name. */
  runs(name: string): Promise<SparkApplication[]>;
  /** Plays the SparkApplication controller: sets a run's `status.applicationState.state` (and waits till seen). */
  setRunState(run: string, state: "RUNNING" | "COMPLETED" | "FAILED"): Promise<void>;
  events(name: string): Promise<CoreV1Event[]>;
  until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
}

let crds: Promise<unknown> | undefined;

/** A SparkApplication template that validates (the template of every scheduled app in these tests). */
export const template = () => basicApp("unused").spec as unknown as Record<string, unknown>;

export async function scheduledHarness(prefix: string): Promise<ScheduledHarness> {
  const { name: ns, cluster } = await freshNamespace(prefix);
  crds ??= ensureCrds(cluster.kc);
  await crds;
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const custom = cluster.kc.makeApiClient(CustomObjectsApi);
  const scheduledRef = { group: GROUP, version: VERSION, plural: ScheduledSparkApplicationNames.plural };
  const runsRef = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural };
  const clock = { now: Date.now() };
  let running: ControllerManager | undefined;
  const h: ScheduledHarness = {
    ns,
    cluster,
    core,
    custom,
    clock,
    async start() {
      const controllers = await registerControllers([scheduledSparkApplicationController], {
        kc: cluster.kc,
        options: {
          namespaces: [ns],
          workers: 2,
          resyncMs: 0,
          now: () => clock.now,
          defaultTimeZone: "UTC",
        },
        log: silentLog,
      });
      await controllers.startCaches(30_000);
      controllers.startWorkers();
      running = controllers;
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
    poke(name) {
      running?.controllers.get(scheduledSparkApplicationController.name)?.enqueue(`${ns}/${name}`);
    },
    async create(name, spec) {
      return (await custom.createNamespacedCustomObject({
        ...scheduledRef,
        namespace: ns,
        body: {
          apiVersion: API_VERSION,
          kind: ScheduledSparkApplicationNames.kind,
          metadata: { name, labels: { team: "tests" } },
          spec: { template: template(), ...spec },
        },
      })) as ScheduledSparkApplication;
    },
    async get(name) {
      return (await custom.getNamespacedCustomObject({
        ...scheduledRef,
        namespace: ns,
        name,
      })) as ScheduledSparkApplication;
    },
    async patchSpec(name, spec) {
      await custom.patchNamespacedCustomObject(
        { ...scheduledRef, namespace: ns, name, body: { spec } },
        mergePatchOptions,
      );
    },
    async runs(name) {
      const list = (await custom.listNamespacedCustomObject({
        ...runsRef,
        namespace: ns,
        labelSelector: `${OperatorLabel.ScheduledAppName}=${name}`,
      })) as { items: SparkApplication[] };
      return list.items.sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
    },
    async setRunState(run, state) {
      await custom.patchNamespacedCustomObjectStatus(
        { ...runsRef, namespace: ns, name: run, body: { status: { applicationState: { state } } } },
        mergePatchOptions,
      );
      // As with a real SparkApplication controller, the scheduled one sees the state before its next decision.
      const seen = () =>
        (running?.informers.informer(SPARK_APPLICATIONS).get(ns, run) as SparkApplication | undefined)?.status
          ?.applicationState?.state === state;
      if (running) await h.until(`${run} ${state} in the controller's cache`, async () => seen());
    },
    async events(name) {
      const list = await core.listNamespacedEvent({
        namespace: ns,
        fieldSelector: `involvedObject.name=${name},involvedObject.kind=${ScheduledSparkApplicationNames.kind}`,
      });
      return list.items.sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
    },
    until(what, check, timeoutMs = 15_000) {
      return eventually(what, check, { timeoutMs });
    },
  };
  return h;
}

/** `reason: message` of each event, with the reason's `ScheduledSparkApplication` prefix dropped. */
export const describeEvents = (events: CoreV1Event[]) =>
  events.map((e) => `${e.type}/${(e.reason ?? "").replace("ScheduledSparkApplication", "")}: ${e.message}`);

export const nameOf = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? "";
