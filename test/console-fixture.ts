/** `sparkplane console` in the test process on a free loopback port, with the default batch settings. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import { defaultBatches } from "../src/console/livy.js";
import { startConsole } from "../src/console/server.js";

export interface TestConsole {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  base: string;
  stop(): Promise<void>;
}

export async function startTestConsole(kc: KubeConfig, batchNamespace: string): Promise<TestConsole> {
  const server = await startConsole({
    kc,
    address: "127.0.0.1",
    port: 0,
    batches: defaultBatches(batchNamespace),
  });
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
