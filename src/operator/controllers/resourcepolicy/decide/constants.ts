/** Names sparkplane's placement controller writes on pods and events. */
import { SPARKPLANE_GROUP } from "../../../../api/sparkplane/constants.js";

export const PlacementAnnotation = {
  /** The index of the unit a pod was placed in (counted by later decisions, across restarts). */
  Unit: `${SPARKPLANE_GROUP}/placement-unit`,
  /** The ResourcePolicy (name) whose unit the pod was placed in. */
  Policy: `${SPARKPLANE_GROUP}/placement-policy`,
} as const;

export const PlacementEventReason = {
  Placed: "PlacementUnitChosen",
  Waiting: "PlacementUnitsFull",
  LeftToAck: "PlacementLeftToACK",
} as const;
