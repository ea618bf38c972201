/** Names the console puts on cluster objects. One place. */
export const CONSOLE_PREFIX = "console.sparkplane.io";

export const LivyLabel = {
  /** The Livy batch id of a SparkApplication made through `/batches` (an integer as text). */
  BatchId: `${CONSOLE_PREFIX}/livy-batch-id`,
} as const;

export const LivyAnnotation = {
  /** The `name` a Livy client gave its batch (free text, so an annotation rather than the object name). */
  Name: `${CONSOLE_PREFIX}/livy-name`,
} as const;

/** The ConfigMap holding the next batch id of a namespace (`data.next`), updated with resourceVersion checks. */
export const BATCH_ID_CONFIGMAP = "sparkplane-livy-batch-ids";

/** SparkApplications made for batches are named this plus the id. */
export const BATCH_APP_PREFIX = "livy-batch-";

/** Request bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1 << 20;
