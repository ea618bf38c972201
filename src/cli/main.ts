import { Command } from "commander";
import { registerAgent } from "../agent/command.js";
import { registerAppCommands } from "./apps/commands.js";
import { registerConnect } from "./apps/connect.js";
import { registerNotebook } from "./apps/notebook.js";
import { registerRun } from "./apps/run.js";
import { registerUi } from "./apps/ui.js";
import { registerBench } from "./commands/bench.js";
import { registerClusterCommands } from "./commands/cluster.js";
import { registerConsole } from "./commands/console.js";
import { registerDemo } from "./commands/demo.js";
import { registerOperator } from "./commands/operator.js";
import { registerProvision } from "./commands/provision.js";

const program = new Command("sparkplane")
  .description(
    "Run Apache Spark on Kubernetes: a drop-in sparkoperator.k8s.io/v1beta2 operator and an embedded local cluster",
  )
  .enablePositionalOptions()
  .showHelpAfterError();

registerDemo(program);
registerRun(program);
registerAppCommands(program);
registerUi(program);
registerConnect(program);
registerNotebook(program);
registerProvision(program);
registerClusterCommands(program);
registerOperator(program);
registerAgent(program);
registerBench(program);
registerConsole(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
