import type { V1Pod } from "@kubernetes/client-node";
import { OperatorLabel } from "../../api/v1beta2/constants.js";
import { withDefaults } from "../../api/v1beta2/defaults.js";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { type JsonClient, namespacedPath } from "../../kube/json-client.js";
import { createIfAbsent } from "../../kube/retry.js";
import { buildDriverObjects, ownedByDriver } from "../../submit/driver.js";
import { submissionIdentity } from "../../submit/names.js";
import { type RunSchedulingGates, SchedulingRefusal } from "../../submit/scheduling-gates.js";
import type { SubmitAction, SubmitResult } from "../controllers/sparkapplication/decide/index.js";
import { apiErrorMessage, isPermanentApiError, type Submitter } from "./submitter.js";

/**
 * Submits as Spark's own client would, without a JVM: builds the driver Pod, its spark.properties ConfigMap
 * and headless Service and the executor pod template, and creates them. Idempotent per attempt:
 * the identity is derived from the app's UID and the attempt, so a retry after a crash finds what exists.
 */
export class NativeSubmitter implements Submitter {
  readonly name = "native" as const;

  constructor(
    private readonly json: JsonClient,
    private readonly opts: {
      master: string;
      /** The gates a run's pods are created with (queues, placement). */
      schedulingGates?: (run: { app: SparkApplication; submissionId: string }) => RunSchedulingGates;
    },
  ) {}

  async submit(app: SparkApplication, action: SubmitAction): Promise<SubmitResult> {
    const namespace = app.metadata.namespace ?? "default";
    const identity = submissionIdentity({
      uid: app.metadata.uid ?? "",
      namespace,
      name: app.metadata.name ?? "",
      attempt: action.attempt,
      generation: app.metadata.generation,
      now: action.requestedAt,
    });
    const submissionId = identity.submissionId;
    let objects: ReturnType<typeof buildDriverObjects>;
    try {
      objects = buildDriverObjects({ ...app, spec: withDefaults(app.spec) }, identity, {
        master: this.opts.master,
        ...(this.opts.schedulingGates
          ? { schedulingGates: this.opts.schedulingGates({ app, submissionId }) }
          : {}),
      });
    } catch (err) {
      if (err instanceof SchedulingRefusal) return { ok: false, error: err.message, submissionId };
      return { ok: false, error: `cannot build the driver: ${(err as Error).message}`, submissionId };
    }
    try {
      if (objects.prometheusConfigMap)
        await this.ensure(namespace, "configmaps", objects.prometheusConfigMap);
      const podName = objects.pod.metadata!.name!;
      const pod = await this.ensure<V1Pod>(namespace, "pods", objects.pod);
      const foundId = pod.metadata?.labels?.[OperatorLabel.SubmissionId];
      if (foundId !== submissionId) {
        return {
          ok: false,
          error: `a driver pod named ${podName} from another submission (${foundId ?? "unknown"}) still exists`,
          submissionId,
        };
      }
      const dependents = ownedByDriver(objects, pod);
      await Promise.all([
        this.ensure(namespace, "configmaps", dependents.configMap),
        this.ensure(namespace, "services", dependents.service),
        this.ensure(namespace, "configmaps", dependents.executorPodTemplate),
        ...dependents.persistentVolumeClaims.map((c) => this.ensure(namespace, "persistentvolumeclaims", c)),
      ]);
      return { ok: true, submissionId, driverPodName: podName, sparkApplicationId: identity.appId };
    } catch (err) {
      if (isPermanentApiError(err)) return { ok: false, error: apiErrorMessage(err), submissionId };
      throw err;
    }
  }

  /** Creates the object, or returns the existing one of that (deterministic) name. */
  private async ensure<T>(
    namespace: string,
    plural: string,
    body: { metadata?: { name?: string } },
  ): Promise<T> {
    const collection = namespacedPath("v1", namespace, plural);
    const name = body.metadata?.name ?? "";
    const { object } = await createIfAbsent(
      () => this.json.create<T>(collection, body),
      () => this.json.get<T>(namespacedPath("v1", namespace, plural, name)),
    );
    return object;
  }
}
