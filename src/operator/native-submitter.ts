import type { CoreV1Api, V1ConfigMap, V1PersistentVolumeClaim, V1Service } from "@kubernetes/client-node";
import { OperatorLabel } from "../api/v1beta2/constants.js";
import { withDefaults } from "../api/v1beta2/defaults.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { createIfAbsent } from "../kube/retry.js";
import { buildDriverObjects, ownedByDriver } from "../submit/driver.js";
import { submissionIdentity } from "../submit/names.js";
import type { SubmitAction, SubmitResult } from "./sparkapplication/index.js";
import { apiErrorMessage, isPermanentApiError, type Submitter } from "./submitter.js";

/** Creates, or returns the existing object of that (deterministic) name. */
async function ensure<T>(create: () => Promise<T>, read: () => Promise<T>): Promise<T> {
  return (await createIfAbsent(create, read)).object;
}

/**
 * Submits as Spark's own client would, without a JVM: builds the driver Pod, its spark.properties ConfigMap
 * and headless Service (and an executor pod template when needed) and creates them. Idempotent per attempt:
 * the identity is derived from the app's UID and the attempt, so a retry after a crash finds what exists.
 */
export class NativeSubmitter implements Submitter {
  readonly name = "native" as const;

  constructor(
    private readonly core: CoreV1Api,
    private readonly opts: { master: string },
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
      });
    } catch (err) {
      return { ok: false, error: `cannot build the driver: ${(err as Error).message}`, submissionId };
    }
    try {
      if (objects.prometheusConfigMap) await this.createConfigMap(namespace, objects.prometheusConfigMap);
      const podName = objects.pod.metadata!.name!;
      const pod = await ensure(
        () => this.core.createNamespacedPod({ namespace, body: objects.pod }),
        () => this.core.readNamespacedPod({ namespace, name: podName }),
      );
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
        this.createConfigMap(namespace, dependents.configMap),
        this.createService(namespace, dependents.service),
        dependents.executorPodTemplate
          ? this.createConfigMap(namespace, dependents.executorPodTemplate)
          : undefined,
        ...dependents.persistentVolumeClaims.map((c) => this.createClaim(namespace, c)),
      ]);
      return { ok: true, submissionId, driverPodName: podName, sparkApplicationId: identity.appId };
    } catch (err) {
      if (isPermanentApiError(err)) return { ok: false, error: apiErrorMessage(err), submissionId };
      throw err;
    }
  }

  private createConfigMap(namespace: string, body: V1ConfigMap): Promise<V1ConfigMap> {
    const name = body.metadata!.name!;
    return ensure(
      () => this.core.createNamespacedConfigMap({ namespace, body }),
      () => this.core.readNamespacedConfigMap({ namespace, name }),
    );
  }

  private createService(namespace: string, body: V1Service): Promise<V1Service> {
    const name = body.metadata!.name!;
    return ensure(
      () => this.core.createNamespacedService({ namespace, body }),
      () => this.core.readNamespacedService({ namespace, name }),
    );
  }

  private createClaim(namespace: string, body: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim> {
    const name = body.metadata!.name!;
    return ensure(
      () => this.core.createNamespacedPersistentVolumeClaim({ namespace, body }),
      () => this.core.readNamespacedPersistentVolumeClaim({ namespace, name }),
    );
  }
}
