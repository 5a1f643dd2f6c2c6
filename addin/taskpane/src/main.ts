// Entry point: waits for Office.js (from Microsoft's CDN), registers the Fluent UI components and
// starts the pane against the server that served it.

import { Pane } from "./pane";
import { registerFluent } from "./ui";

async function officeReady(): Promise<boolean> {
  if (typeof Office === "undefined") return false; // opened outside Office, or the CDN is unreachable
  const info = await Promise.race([
    Office.onReady(),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
  ]);
  return Boolean(info && info.host === Office.HostType.Word);
}

async function main(): Promise<void> {
  const inWord = await officeReady();
  registerFluent();
  const root = document.getElementById("app") as HTMLElement;
  await new Pane(root, location.origin, inWord).start();
}

void main();
