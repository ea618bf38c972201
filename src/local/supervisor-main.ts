import { Supervisor } from "./supervisor.js";

/** Entry of the detached supervisor process: `node supervisor-main.js --state-dir DIR [--no-agent] [--no-operator] [--with-argo] [--node-pool SPEC]... [--exit-with PID]`. */
function parse(argv: string[]) {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const stateDir = get("--state-dir");
  if (!stateDir) throw new Error("--state-dir is required");
  const exitWith = get("--exit-with");
  const nodePools = argv.flatMap((a, i) => (a === "--node-pool" && argv[i + 1] ? [argv[i + 1]!] : []));
  return {
    stateDir,
    agent: !argv.includes("--no-agent"),
    operator: !argv.includes("--no-operator"),
    argo: argv.includes("--with-argo"),
    nodePools,
    exitWith: exitWith ? Number(exitWith) : undefined,
  };
}

await new Supervisor(parse(process.argv.slice(2))).run();
