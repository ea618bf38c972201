import { createHash } from "node:crypto";

/**
 * Addresses on loopback (Linux routes all of 127/8 to lo, so every 127.x.y.z can be bound without setup).
 * An agent claims one "subnet" 127.B.0.0/16 (B = 1..254):
 *   127.B.0.1        the in-pod address of kubernetes.default.svc (a TCP relay to the API server on :443)
 *   127.B.N.1        node N's InternalIP (N = 1 + the node's index), where its kubelet endpoint listens
 *   127.B.N.2..254   the pods of node N
 */
export const FIRST_POD_HOST = 2;
export const LAST_POD_HOST = 254;

/** A subnet octet from a seed (state dir + agent name), spreading agents on one host over 1..254. */
export function preferredSubnet(seed: string): number {
  return (createHash("sha256").update(seed).digest().readUInt32BE(0) % 254) + 1;
}

/** The subnets to try in order: the preferred one, then the others. */
export function subnetCandidates(preferred: number): number[] {
  return Array.from({ length: 254 }, (_, i) => ((preferred - 1 + i) % 254) + 1);
}

export function apiRelayAddress(subnet: number): string {
  return `127.${subnet}.0.1`;
}

export function nodeAddress(subnet: number, nodeIndex: number): string {
  if (nodeIndex < 0 || nodeIndex > 253) throw new Error(`node index ${nodeIndex} is out of range 0..253`);
  return `127.${subnet}.${nodeIndex + 1}.1`;
}

/** The `127.B.N.` prefix of a node's pod addresses. */
export function podPrefix(subnet: number, nodeIndex: number): string {
  return `127.${subnet}.${nodeIndex + 1}.`;
}

/** The host part of an address of this prefix, or undefined when it is not a pod address of it. */
export function podHost(prefix: string, ip: string | undefined): number | undefined {
  if (!ip?.startsWith(prefix)) return undefined;
  const host = Number(ip.slice(prefix.length));
  return Number.isInteger(host) && host >= FIRST_POD_HOST && host <= LAST_POD_HOST ? host : undefined;
}

/**
 * The next free pod address after `last` (round robin, so a released address is reused as late as
 * possible: its ports may still be in TIME_WAIT). Undefined when all 253 are taken.
 */
export function allocatePodIp(prefix: string, used: ReadonlySet<string>, last?: string): string | undefined {
  const start = podHost(prefix, last) ?? FIRST_POD_HOST - 1;
  const span = LAST_POD_HOST - FIRST_POD_HOST + 1;
  for (let i = 1; i <= span; i++) {
    const host = ((start - FIRST_POD_HOST + i) % span) + FIRST_POD_HOST;
    const ip = `${prefix}${host}`;
    if (!used.has(ip)) return ip;
  }
  return undefined;
}
