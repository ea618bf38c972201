import { connect, createServer, type Server } from "node:net";
import { apiRelayAddress, subnetCandidates } from "./ipam.js";

export interface ApiRelay {
  server: Server;
  subnet: number;
  address: string;
  port: number;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * A TCP relay from 127.B.0.1:443 to the API server: in-pod clients reach `https://kubernetes.default.svc`
 * (Spark's default in-cluster master) through the hosts file; TLS passes through untouched, and the API
 * server's certificate names kubernetes.default.svc. Holding this address is also how an agent claims its
 * subnet B: the first candidate whose :443 is free wins.
 */
export async function startApiRelay(
  preferred: number,
  target: { host: string; port: number },
  port = 443,
): Promise<ApiRelay> {
  let lastError: unknown;
  for (const subnet of subnetCandidates(preferred)) {
    const server = createServer((client) => {
      const upstream = connect({ host: target.host, port: target.port });
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close);
      upstream.on("error", close);
      client.on("close", close);
      upstream.on("close", close);
    });
    const address = apiRelayAddress(subnet);
    try {
      await listen(server, address, port);
      return { server, subnet, address, port };
    } catch (err) {
      lastError = err;
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") break;
    }
  }
  throw new Error(
    `cannot listen on any 127.B.0.1:${port} for the in-pod API relay: ${(lastError as Error)?.message}`,
  );
}
