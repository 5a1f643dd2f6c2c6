// The API client and the local sign-in against a stubbed fetch: retries after a refresh, the claims
// step-up, plain errors, the refresh token kept for the pane's session only.

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { Api, PaneError, type TokenSource } from "../src/api";
import { LocalSession } from "../src/auth";

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;
let requests: { url: string; init: RequestInit }[] = [];

function serve(handler: Handler): void {
  requests = [];
  (globalThis as Record<string, unknown>).fetch = async (url: string, init: RequestInit = {}) => {
    requests.push({ url, init });
    return handler(url, init);
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function error(status: number, code: string, headers: Record<string, string> = {}): Response {
  return json({ error: { code, message: `${code} message` } }, status, headers);
}

class Store {
  private items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

beforeEach(() => {
  (globalThis as Record<string, unknown>).sessionStorage = new Store();
});

describe("the API client", () => {
  test("a 401 the session recovers from is sent again, once, with the new token", async () => {
    let token = "old";
    const seen: PaneError[] = [];
    const auth: TokenSource = {
      token: async () => token,
      recover: async (e) => {
        seen.push(e);
        token = "new";
        return true;
      },
    };
    serve((_url, init) =>
      new Headers(init.headers).get("Authorization") === "Bearer new" ? json({ ok: true }) : error(401, "token_expired"),
    );
    assert.deepEqual(await new Api("https://pp", auth).json("/api/v1/me"), { ok: true });
    assert.equal(requests.length, 2);
    assert.equal(seen[0].code, "token_expired");
  });

  test("a claims challenge reaches the session decoded (MFA step-up)", async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    let stepped: string | null = null;
    const auth: TokenSource = {
      token: async () => (stepped ? "strong" : "weak"),
      recover: async (e) => {
        stepped = e.claims;
        return e.code === "insufficient_claims";
      },
    };
    serve((_url, init) =>
      new Headers(init.headers).get("Authorization") === "Bearer strong"
        ? json({ ok: 1 })
        : error(401, "insufficient_claims", { "WWW-Authenticate": `Bearer error="insufficient_claims", claims="${btoa(claims)}"` }),
    );
    await new Api("https://pp", auth).json("/api/v1/check", { text: "1. A widget." });
    assert.equal(stepped, claims);
  });

  test("a 401 nothing recovers from signs the pane out", async () => {
    let signedOut = 0;
    const auth: TokenSource = { token: async () => "t", recover: async () => false };
    serve(() => error(401, "invalid_token"));
    const api = new Api("https://pp", auth, () => signedOut++);
    await assert.rejects(api.json("/api/v1/me"), (e: unknown) => e instanceof PaneError && /sign-in has expired/.test(e.message));
    assert.equal(signedOut, 1);
  });

  test("plain errors: unreachable, a missing route, too large", async () => {
    const api = new Api("https://pp", null);
    serve(() => {
      throw new TypeError("fetch failed");
    });
    await assert.rejects(api.json("/x"), (e: unknown) => e instanceof PaneError && e.code === "unreachable");
    serve(() => error(404, "not_found"));
    await assert.rejects(api.json("/api/v1/claims/clone", {}), (e: unknown) => e instanceof PaneError && e.code === "not_available");
    serve(() => error(413, "too_large"));
    await assert.rejects(api.docx("/api/v1/check", new Uint8Array([1]), "a.docx"), (e: unknown) => e instanceof PaneError && e.message === "too_large message");
  });

  test("a .docx goes as multipart field `file`", async () => {
    serve(() => json({}));
    await new Api("https://pp", null).docx("/api/v1/check", new Uint8Array([80, 75]), "widget.docx");
    const form = requests[0].init.body as FormData;
    const file = form.get("file") as File;
    assert.equal(file.name, "widget.docx");
    assert.deepEqual([...new Uint8Array(await file.arrayBuffer())], [80, 75]);
  });
});

describe("local sign-in", () => {
  const tokens = (n: number, expires = 600) => ({ access_token: `a${n}`, token_type: "bearer", expires_in: expires, refresh_token: `r${n}` });

  test("sign in, then refresh when the access token is about to expire", async () => {
    serve((url, init) => {
      if (url.endsWith("/auth/login")) return json(tokens(1, 10)); // expires within the early-refresh margin
      if (url.endsWith("/auth/refresh")) {
        assert.deepEqual(JSON.parse(String(init.body)), { refresh_token: "r1" });
        return json(tokens(2));
      }
      return error(404, "not_found");
    });
    const session = new LocalSession("https://pp");
    await session.signIn("ann@smith.example", "password", "123 456");
    assert.deepEqual(JSON.parse(String(requests[0].init.body)), { email: "ann@smith.example", password: "password", code: "123456" });
    assert.equal(await session.token(), "a2");
    assert.equal(sessionStorage.getItem("patentpane.refresh"), "r2");
  });

  test("a refused refresh forgets the session: sign in again", async () => {
    sessionStorage.setItem("patentpane.refresh", "stolen-and-reused");
    serve(() => error(401, "invalid_refresh_token"));
    const session = new LocalSession("https://pp");
    assert.equal(await session.restore(), false);
    assert.equal(sessionStorage.getItem("patentpane.refresh"), null);
    await assert.rejects(session.token(), (e: unknown) => e instanceof PaneError && e.code === "sign_in_required");
  });

  test("wrong credentials say so plainly", async () => {
    serve(() => error(401, "invalid_credentials"));
    await assert.rejects(new LocalSession("https://pp").signIn("a@b", "c", "1"), (e: unknown) => e instanceof PaneError && /password or code/.test(e.message));
  });
});
