import type { KubeConfig } from "@kubernetes/client-node";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { EventRecorder } from "../../../kube/events.js";
import type { KubeLog } from "../../../kube/log.js";
import type { EventSink } from "./controller.js";
import type { AppEvent } from "./decide/index.js";

export const REPORTING_COMPONENT = "sparkplane-operator";

/** Records the state machine's events on the SparkApplication (aggregated; never blocks or throws). */
export class EventRecorderSink implements EventSink {
  readonly recorder: EventRecorder;

  constructor(kc: KubeConfig, log?: KubeLog) {
    this.recorder = new EventRecorder(kc, { component: REPORTING_COMPONENT, ...(log ? { log } : {}) });
  }

  emit(app: SparkApplication, event: AppEvent): void {
    this.recorder.event(app as never, event.type, event.reason, event.message);
  }
}
