// Signing in: the server's own accounts (password + TOTP) or Microsoft Entra ID (nested app
// authentication with MSAL.js; the Office dialog where the host has no NAA). GET /api/v1/auth/config
// says which.

import { PaneError, plainMessage, toError, type TokenSource } from "./api";
import { features } from "./office";

export interface AuthConfig {
  mode: "local" | "entra";
  max_upload_bytes: number;
  client_id?: string;
  authority?: string;
  scopes?: string[];
  auth_context?: string;
}

export interface Session extends TokenSource {
  readonly mode: "local" | "entra";
  /** Signed in already (a refresh token of this pane's session, or Entra's silent sign-in). */
  restore(): Promise<boolean>;
  signOut(): Promise<void>;
}

interface Tokens {
  access_token: string;
  expires_in: number;
  refresh_token: string;
}

const REFRESH_KEY = "patentpane.refresh";
const EARLY_MS = 30_000; // refresh this long before the access token expires

function signInRequired(): PaneError {
  return new PaneError("sign_in_required", plainMessage("sign_in_required"), 401);
}

async function post(base: string, path: string, body: unknown): Promise<Response> {
  try {
    return await fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new PaneError("unreachable", plainMessage("unreachable"));
  }
}

/** Local accounts: POST /api/v1/auth/login (email, password, code), rotating refresh tokens kept for
 *  this pane's session only (sessionStorage), access tokens in memory. */
export class LocalSession implements Session {
  readonly mode = "local" as const;
  private access: string | null = null;
  private expires = 0;
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly base: string) {}

  private store(tokens: Tokens): void {
    this.access = tokens.access_token;
    this.expires = Date.now() + tokens.expires_in * 1000;
    sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  }

  async signIn(email: string, password: string, code: string): Promise<void> {
    const response = await post(this.base, "/api/v1/auth/login", { email, password, code: code.replace(/\s/g, "") });
    if (!response.ok) throw await toError(response);
    this.store((await response.json()) as Tokens);
  }

  async restore(): Promise<boolean> {
    return sessionStorage.getItem(REFRESH_KEY) !== null && this.refresh();
  }

  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = sessionStorage.getItem(REFRESH_KEY);
      if (!refreshToken) return false;
      const response = await post(this.base, "/api/v1/auth/refresh", { refresh_token: refreshToken });
      if (!response.ok) {
        if (response.status === 401) this.forget();
        else throw await toError(response);
        return false;
      }
      this.store((await response.json()) as Tokens);
      return true;
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async token(): Promise<string> {
    if (this.access && Date.now() < this.expires - EARLY_MS) return this.access;
    if (await this.refresh()) return this.access as string;
    throw signInRequired();
  }

  async recover(error: PaneError): Promise<boolean> {
    if (error.code === "token_expired" || error.code === "invalid_token") {
      this.access = null;
      return this.refresh();
    }
    return false;
  }

  private forget(): void {
    this.access = null;
    sessionStorage.removeItem(REFRESH_KEY);
  }

  async signOut(): Promise<void> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    this.forget();
    if (refreshToken) await post(this.base, "/api/v1/auth/logout", { refresh_token: refreshToken }).catch(() => undefined);
  }
}

type Msal = typeof import("@azure/msal-browser");

/** Microsoft Entra ID: MSAL.js nested app authentication (silent first, then interactive), the Office
 *  dialog (auth-dialog.html) where the host lacks NAA; a claims challenge from the API (401
 *  `insufficient_claims`, e.g. the MFA authentication context) is passed to MSAL as `claims`. */
export class EntraSession implements Session {
  readonly mode = "entra" as const;
  private app: import("@azure/msal-browser").IPublicClientApplication | null = null;
  private access: string | null = null;
  private expires = 0;
  private claims: string | undefined;

  constructor(
    private readonly base: string,
    private readonly config: AuthConfig,
  ) {}

  private get request() {
    return { scopes: this.config.scopes ?? [], claims: this.claims };
  }

  private async client() {
    if (!this.app) {
      const msal: Msal = await import("@azure/msal-browser");
      this.app = await msal.createNestablePublicClientApplication({
        auth: { clientId: this.config.client_id ?? "", authority: this.config.authority },
      });
    }
    return this.app;
  }

  private keep(token: string, expiresOn: Date | number | null | undefined): string {
    this.access = token;
    this.expires = expiresOn instanceof Date ? expiresOn.getTime() : Number(expiresOn ?? Date.now() + 300_000);
    return token;
  }

  /** Silent sign-in (NAA: the account already signed in to Office). */
  async restore(): Promise<boolean> {
    if (!features.nestedAppAuth()) return false;
    try {
      await this.acquire(false);
      return true;
    } catch {
      return false;
    }
  }

  /** Interactive sign-in (a button press: popups need a user gesture). */
  async signIn(): Promise<void> {
    await this.acquire(true);
  }

  private async acquire(interactive: boolean): Promise<string> {
    if (!features.nestedAppAuth()) {
      if (!interactive) throw signInRequired();
      return this.viaDialog();
    }
    const app = await this.client();
    try {
      const result = await app.acquireTokenSilent({ ...this.request, forceRefresh: Boolean(this.claims) });
      return this.keep(result.accessToken, result.expiresOn);
    } catch {
      // InteractionRequiredAuthError (consent, MFA, claims) or no cached account: ask the user
      if (!interactive) throw signInRequired();
      const result = await app.acquireTokenPopup(this.request);
      return this.keep(result.accessToken, result.expiresOn);
    }
  }

  /** The Office dialog signs in with MSAL redirects (auth-dialog.html) and sends the token back. */
  private viaDialog(): Promise<string> {
    const url = new URL(`${this.base}/taskpane/auth-dialog.html`);
    if (this.claims) url.searchParams.set("claims", this.claims);
    return new Promise((resolve, reject) => {
      Office.context.ui.displayDialogAsync(url.toString(), { height: 60, width: 30 }, (opened) => {
        if (opened.status !== Office.AsyncResultStatus.Succeeded) {
          reject(new PaneError("office", "Word could not open the sign-in window. Allow pop-ups for Office and try again."));
          return;
        }
        const dialog = opened.value;
        dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
          dialog.close();
          try {
            const message = JSON.parse((arg as { message: string }).message) as { token?: string; expiresOn?: number; error?: string };
            if (message.token) resolve(this.keep(message.token, message.expiresOn));
            else reject(new PaneError("sign_in_failed", message.error || "The sign-in did not complete."));
          } catch {
            reject(new PaneError("sign_in_failed", "The sign-in did not complete."));
          }
        });
        dialog.addEventHandler(Office.EventType.DialogEventReceived, () =>
          reject(new PaneError("sign_in_cancelled", "The sign-in window was closed before signing in.")),
        );
      });
    });
  }

  async token(): Promise<string> {
    if (this.access && Date.now() < this.expires - EARLY_MS) return this.access;
    return this.acquire(false);
  }

  async recover(error: PaneError): Promise<boolean> {
    this.access = null;
    if (error.code === "insufficient_claims" && error.claims) {
      this.claims = error.claims; // step up: MSAL asks Entra ID for a token meeting the claims
      await this.acquire(true);
      return true;
    }
    if (error.code === "token_expired" || error.code === "invalid_token") {
      try {
        await this.acquire(false);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }

  async signOut(): Promise<void> {
    this.access = null;
    this.claims = undefined;
  }
}

export async function loadConfig(base: string): Promise<AuthConfig> {
  let response: Response;
  try {
    response = await fetch(`${base}/api/v1/auth/config`, { credentials: "omit", cache: "no-store" });
  } catch {
    throw new PaneError("unreachable", plainMessage("unreachable"));
  }
  if (!response.ok) throw await toError(response);
  return (await response.json()) as AuthConfig;
}
