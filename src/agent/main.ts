import { Command } from "commander";
import { registerAgent } from "./command.js";

/**
 * Entry of a standalone agent process: `node dist/src/agent/main.js --state-dir DIR [agent flags]` (the
 * same flags as `sparkplane agent`). The supervisor and tests start the agent this way.
 */
const program = new Command("sparkplane-agent").enablePositionalOptions();
registerAgent(program);
try {
  await program.parseAsync(["node", "sparkplane-agent", "agent", ...process.argv.slice(2)]);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
