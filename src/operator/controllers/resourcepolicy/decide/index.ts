export * from "./apply.js";
export * from "./constants.js";
export * from "./decide.js";
