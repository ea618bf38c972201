/** Debian's Chromium driven by playwright-core, headless, for the console's page tests (no
 * browser download); playwright gives each launch a fresh temporary profile. */
import { type Browser, chromium } from "playwright-core";
import { findChromium } from "../src/local/provision/browser.js";

export async function launchChromium(): Promise<Browser> {
  const found = findChromium();
  if (!found) throw new Error("Chromium is not installed: run `sparkplane provision`");
  return chromium.launch({
    executablePath: found.chromium,
    headless: true,
    // The machine's network is closed: without these, Chromium keeps dialling Google's services.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
