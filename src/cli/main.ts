import { Command } from "commander";
import { registerClusterCommands } from "./commands/cluster.js";
import { registerOperator } from "./commands/operator.js";
import { registerProvision } from "./commands/provision.js";

const program = new Command("sparkplane")
  .description(
    "Run Apache Spark on Kubernetes: a drop-in sparkoperator.k8s.io/v1beta2 operator and an embedded local cluster",
  )
  .enablePositionalOptions()
  .showHelpAfterError();

registerProvision(program);
registerClusterCommands(program);
registerOperator(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
