import type { CoreV1Api } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GROUP, SparkApplicationNames, VERSION } from "../api/v1beta2/constants.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import type { EventSink } from "./sparkapp-controller.js";
import type { AppEvent } from "./sparkapplication/index.js";

export const REPORTING_COMPONENT = "sparkplane-operator";

/** Records the state machine's events on the SparkApplication (fire and forget: an event is never worth a retry). */
export class EventRecorderSink implements EventSink {
  constructor(
    private readonly core: CoreV1Api,
    private readonly log: Logger,
  ) {}

  emit(app: SparkApplication, event: AppEvent): void {
    const namespace = app.metadata.namespace ?? "default";
    const now = new Date();
    this.core
      .createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${app.metadata.name}.`, namespace },
          involvedObject: {
            apiVersion: `${GROUP}/${VERSION}`,
            kind: SparkApplicationNames.kind,
            name: app.metadata.name,
            namespace,
            uid: app.metadata.uid,
            resourceVersion: app.metadata.resourceVersion,
          },
          type: event.type,
          reason: event.reason,
          message: event.message,
          source: { component: REPORTING_COMPONENT },
          reportingComponent: REPORTING_COMPONENT,
          reportingInstance: REPORTING_COMPONENT,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      })
      .catch((err: Error) => this.log.warn({ err: err.message, reason: event.reason }, "event not recorded"));
  }
}
