import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import type { EventRecorder } from "../../../kube/events.js";
import type { EventSink } from "./controller.js";
import type { AppEvent } from "./decide/index.js";

/** Records the state machine's events on the SparkApplication (aggregated; never blocks or throws). */
export class EventRecorderSink implements EventSink {
  constructor(readonly recorder: EventRecorder) {}

  emit(app: SparkApplication, event: AppEvent): void {
    this.recorder.event(app as never, event.type, event.reason, event.message);
  }
}
