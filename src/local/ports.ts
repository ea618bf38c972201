import { createServer } from "node:net";

/** Is this loopback port free right now? */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host: "127.0.0.1", exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the kernel hands out as free on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Reuses the previous port when still free (stable kubeconfigs across restarts), else a fresh one. */
export async function pickPort(previous: number | undefined, taken: Set<number>): Promise<number> {
  if (previous && !taken.has(previous) && (await portFree(previous))) {
    taken.add(previous);
    return previous;
  }
  for (;;) {
    const p = await freePort();
    if (!taken.has(p)) {
      taken.add(p);
      return p;
    }
  }
}
