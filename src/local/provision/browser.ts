/**
 * Debian's Chromium, for the console's browser tests (driven by playwright-core, which never downloads a
 * browser). A system package, so it is installed with apt when the machine lets us (root), else the error
 * says the one command to run.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface BrowserBinary {
  chromium: string;
  source: "debian" | "user";
}

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** SPARKPLANE_CHROMIUM, else Debian's package when installed. */
export function findChromium(): BrowserBinary | undefined {
  const user = process.env.SPARKPLANE_CHROMIUM;
  if (user) {
    if (!existsSync(user)) throw new Error(`SPARKPLANE_CHROMIUM=${user} does not exist: fix or unset it`);
    return { chromium: user, source: "user" };
  }
  return existsSync(DEBIAN_CHROMIUM) ? { chromium: DEBIAN_CHROMIUM, source: "debian" } : undefined;
}

export async function installChromium(detail: (s: string) => void): Promise<BrowserBinary> {
  const fix = "install Debian's package (`sudo apt-get install chromium`) or set SPARKPLANE_CHROMIUM";
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get"))
    throw new Error(`Chromium is missing at ${DEBIAN_CHROMIUM} and this is not root with apt: ${fix}`);
  const install = () =>
    run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "chromium"], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      maxBuffer: 64 << 20,
    });
  try {
    detail("apt-get install chromium");
    await install();
  } catch {
    detail("apt-get update, then install chromium");
    await run("apt-get", ["update", "-q"], { maxBuffer: 64 << 20 });
    await install();
  }
  const found = findChromium();
  if (!found) throw new Error(`apt-get installed chromium but ${DEBIAN_CHROMIUM} is not there: ${fix}`);
  return found;
}
