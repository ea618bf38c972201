import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const TEN_YEARS_MS = 3650 * 24 * 3600 * 1000;

/** The in-cluster name of the API server plus loopback: what clients, and pods on this host, dial. */
export const API_SERVER_SANS = {
  dns: [
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
  ],
  ips: ["127.0.0.1", "10.0.0.1"],
};

export interface Pki {
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  saPublicKey: string;
  saPrivateKey: string;
  adminToken: string;
  /** Serving certificate for node agents' kubelet endpoints. */
  kubeletCert: string;
  kubeletKey: string;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function pemPrivate(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function pemPublic(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("spki", key);
  return x509.PemConverter.encode(der, "PUBLIC KEY");
}

function serial(): string {
  return randomBytes(8)
    .toString("hex")
    .replace(/^[89a-f]/, "1");
}

async function signedBy(
  ca: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  cn: string,
  sans: { dns: string[]; ips: string[] },
  usage: "server" | "client",
): Promise<{ cert: string; key: string }> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${cn}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([usage === "server" ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"]),
      new x509.SubjectAlternativeNameExtension([
        ...sans.dns.map((value) => ({ type: "dns" as const, value })),
        ...sans.ips.map((value) => ({ type: "ip" as const, value })),
      ]),
    ],
  });
  return { cert: cert.toString("pem"), key: await pemPrivate(keys.privateKey) };
}

export async function generatePki(): Promise<Pki> {
  const caKeys = await newKeys();
  const now = Date.now();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=sparkplane-ca",
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
    ],
  });
  const ca = { cert: caCert, keys: caKeys };
  const apiserver = await signedBy(ca, "kube-apiserver", API_SERVER_SANS, "server");
  const kubelet = await signedBy(
    ca,
    "sparkplane-agent",
    { dns: ["localhost"], ips: ["127.0.0.1"] },
    "server",
  );
  const sa = await newKeys();
  return {
    caCert: caCert.toString("pem"),
    caKey: await pemPrivate(caKeys.privateKey),
    apiserverCert: apiserver.cert,
    apiserverKey: apiserver.key,
    saPublicKey: await pemPublic(sa.publicKey),
    saPrivateKey: await pemPrivate(sa.privateKey),
    adminToken: randomBytes(24).toString("hex"),
    kubeletCert: kubelet.cert,
    kubeletKey: kubelet.key,
  };
}

const FILES: Record<keyof Pki, string> = {
  caCert: "ca.crt",
  caKey: "ca.key",
  apiserverCert: "apiserver.crt",
  apiserverKey: "apiserver.key",
  saPublicKey: "sa.pub",
  saPrivateKey: "sa.key",
  adminToken: "admin.token",
  kubeletCert: "kubelet.crt",
  kubeletKey: "kubelet.key",
};

export function pkiFile(dir: string, which: keyof Pki): string {
  return join(dir, FILES[which]);
}

/** Generates the PKI once per state dir; later `up`s reuse it so kubeconfigs stay valid across restarts. */
export async function ensurePki(dir: string): Promise<Pki> {
  const keys = Object.keys(FILES) as (keyof Pki)[];
  if (keys.every((k) => existsSync(pkiFile(dir, k)))) {
    return Object.fromEntries(
      keys.map((k) => [k, readFileSync(pkiFile(dir, k), "utf8").trim()]),
    ) as unknown as Pki;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pki = await generatePki();
  for (const k of keys) writeFileSync(pkiFile(dir, k), `${pki[k].trim()}\n`, { mode: 0o600 });
  // The static token file: token,user,uid,"group1,group2"
  writeFileSync(
    join(dir, "tokens.csv"),
    `${pki.adminToken},sparkplane-admin,sparkplane-admin,"system:masters"\n`,
    { mode: 0o600 },
  );
  return pki;
}
