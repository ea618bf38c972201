/** The pure half of the SparkApplication controller; the act layer needs nothing else from this directory. */
export { afterSubmit, type SubmitOutcome, type SubmitResult } from "./after-submit.js";
export { DRIVER_POD_NOT_FOUND, decide } from "./decide.js";
export {
  type Action,
  type AppEvent,
  type CreateUIServiceAction,
  DEFAULT_DECIDE_CONFIG,
  type DecideConfig,
  type DecideInput,
  type Decision,
  type DeleteAppAction,
  type DeleteDriverResourcesAction,
  type FinalizeDeletionAction,
  type RecordSpecHashAction,
  type SubmitAction,
  type ValidationError,
} from "./decision.js";
export {
  driverPodNameFor,
  driverPodNameToObserve,
  executorPodSelector,
  uiServiceNameFor,
  webUIAddress,
} from "./names.js";
export { SPEC_HASH_ANNOTATION, specHash } from "./spec-hash.js";
export { withWebUIAddress } from "./status.js";
