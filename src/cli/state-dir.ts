import type { Command } from "commander";
import { resolveStateDir } from "../local/paths.js";

/** Every command takes --state-dir; SPARKPLANE_STATE_DIR is the fallback, then the default under ~/.local/state. */
export function withStateDir(cmd: Command): Command {
  return cmd.option("--state-dir <dir>", "the embedded cluster's state dir (env: SPARKPLANE_STATE_DIR)");
}

export function stateDirOf(opts: { stateDir?: string }): string {
  return resolveStateDir(opts.stateDir);
}
