// The backend's HTTP API as the task pane uses it, and a plain message for every failure.

export const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

export class PaneError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly claims: string | null = null,
  ) {
    super(message);
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** What to tell the attorney for an error code of the API (README "Service": the stable codes). */
export function plainMessage(code: string, serverMessage = "", status = 0): string {
  switch (code) {
    case "unreachable":
      return "PatentPane's server cannot be reached. Check your network connection, or ask IT whether the server is running.";
    case "unauthenticated":
    case "token_expired":
    case "invalid_token":
    case "invalid_refresh_token":
    case "sign_in_required":
      return "Your sign-in has expired. Please sign in again.";
    case "invalid_credentials":
      return "The email, password or code is not right. Codes change every 30 seconds: use the current one.";
    case "too_many_attempts":
      return "Too many sign-in attempts. Wait a minute, then try again.";
    case "account_disabled":
      return "This account is disabled. Ask your PatentPane administrator.";
    case "mfa_enrolment_required":
    case "mfa_required":
      return "Your account needs an authenticator app first. Ask your PatentPane administrator to set it up.";
    case "insufficient_claims":
      return "Your firm asks for another sign-in step (multi-factor authentication). Sign in again to continue.";
    case "tenant_not_allowed":
      return "Your organisation is not set up on this PatentPane server. Ask IT.";
    case "forbidden":
      return "Your role does not allow this. Ask your PatentPane administrator for the attorney role.";
    case "too_large":
    case "document_too_large":
      return serverMessage || "This document is too large for the server.";
    case "no_claims":
      return 'Nothing here looks like claims. PatentPane looks for numbered claims ("1. A device comprising ...") under a "Claims" or "What is claimed is:" heading.';
    case "empty_text":
      return "There is no text to work on.";
    case "not_a_docx":
      return "Word could not hand over this document as .docx. Save it as a Word document (.docx) and try again.";
    case "macro_enabled":
      return "This is a macro-enabled document (.docm). Save a copy as .docx to check it.";
    case "encrypted":
      return "This document is protected with a password. Remove the protection to check it.";
    case "corrupt":
    case "zip_bomb":
      return "The server could not read this document. Save it again in Word and retry.";
    case "not_available":
      return "This server does not offer that yet. Ask IT to update PatentPane.";
    case "office":
      return serverMessage || "Word could not do this. Try again.";
    case "internal_error":
      return `Something went wrong on the server. Try again; if it keeps happening, tell IT (${serverMessage}).`;
    default:
      if (status >= 500) return "The server had a problem. Try again in a moment; if it keeps happening, tell IT.";
      return serverMessage || "Something went wrong. Try again.";
  }
}

/** The `claims` of a `WWW-Authenticate: Bearer ..., error="insufficient_claims", claims="<base64>"`
 *  challenge, decoded (MSAL.js wants the JSON); null when there is none. */
export function challengeClaims(header: string | null): string | null {
  const match = header && /claims="([^"]+)"/.exec(header);
  if (!match) return null;
  try {
    return atob(match[1]);
  } catch {
    return match[1];
  }
}

export interface TokenSource {
  /** An access token for the API (refreshed as needed); throws PaneError("sign_in_required"). */
  token(): Promise<string>;
  /** After a 401: refresh, or step up with the claims; true when the request may be sent again. */
  recover(error: PaneError): Promise<boolean>;
}

export class Api {
  constructor(
    readonly base: string,
    private readonly auth: TokenSource | null,
    private readonly onSignedOut: () => void = () => {},
  ) {}

  async fetch(path: string, init: RequestInit = {}, retry = true): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.auth) {
      try {
        headers.set("Authorization", `Bearer ${await this.auth.token()}`);
      } catch (error) {
        if (error instanceof PaneError && error.code === "sign_in_required") this.onSignedOut();
        throw error;
      }
    }
    let response: Response;
    try {
      response = await fetch(this.base + path, { ...init, headers, credentials: "omit", cache: "no-store" });
    } catch {
      throw new PaneError("unreachable", plainMessage("unreachable"));
    }
    if (response.ok) return response;
    const error = await toError(response);
    if (response.status === 401 && this.auth) {
      if (retry && (await this.auth.recover(error))) return this.fetch(path, init, false);
      this.onSignedOut();
    }
    throw error;
  }

  async json<T>(path: string, body?: unknown): Promise<T> {
    const init: RequestInit =
      body === undefined
        ? { method: "GET" }
        : { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
    return (await this.fetch(path, init)).json() as Promise<T>;
  }

  /** POST a .docx (multipart field `file`); the response as it came. */
  async docx(path: string, bytes: Uint8Array, filename: string, fields: Record<string, string> = {}): Promise<Response> {
    const form = new FormData();
    form.append("file", new Blob([bytes as BlobPart], { type: DOCX_TYPE }), filename);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return this.fetch(path, { method: "POST", body: form });
  }
}

export async function toError(response: Response): Promise<PaneError> {
  let code = `http_${response.status}`;
  let message = "";
  try {
    const body = await response.json();
    code = body?.error?.code ?? code;
    message = body?.error?.message ?? "";
  } catch {
    // not JSON (a proxy's page): keep the status
  }
  if (response.status === 404 && code === "not_found") code = "not_available";
  if (response.status === 502 || response.status === 504) code = "unreachable";
  const claims = challengeClaims(response.headers.get("WWW-Authenticate"));
  return new PaneError(code, plainMessage(code, message, response.status), response.status, claims);
}
