// The sign-in window for hosts without nested app authentication: Office opens it with
// displayDialogAsync; MSAL.js signs in by redirect (this page is the SPA redirect URI) and the
// token goes back to the task pane with messageParent.

import { PublicClientApplication } from "@azure/msal-browser";
import type { AuthConfig } from "./auth";

function send(message: object): void {
  Office.context.ui.messageParent(JSON.stringify(message));
}

async function run(): Promise<void> {
  const config = (await (await fetch("/api/v1/auth/config", { cache: "no-store" })).json()) as AuthConfig;
  const claims = new URL(location.href).searchParams.get("claims") ?? undefined;
  const app = new PublicClientApplication({
    auth: {
      clientId: config.client_id ?? "",
      authority: config.authority,
      redirectUri: `${location.origin}/taskpane/auth-dialog.html`,
    },
    cache: { cacheLocation: "sessionStorage" },
  });
  await app.initialize();
  const result = await app.handleRedirectPromise();
  if (result) {
    send({ token: result.accessToken, expiresOn: result.expiresOn?.getTime() });
    return;
  }
  await app.acquireTokenRedirect({ scopes: config.scopes ?? [], claims });
}

Office.onReady(() => {
  run().catch((error: unknown) => send({ error: error instanceof Error ? error.message : "sign-in failed" }));
});
