// The pane: sign-in, then the Check / Claims / Draft tabs.

import { Api, PaneError } from "./api";
import { type AuthConfig, EntraSession, LocalSession, type Session, loadConfig } from "./auth";
import { documentName, features, openAsNewDocument, readDocument } from "./office";
import { Notice, busy, download, h } from "./ui";
import { CheckView } from "./view-check";
import { ClaimsView } from "./view-claims";
import { DraftView } from "./view-draft";

export class Pane {
  api!: Api;
  config!: AuthConfig;
  private session!: Session;

  constructor(
    private readonly root: HTMLElement,
    private readonly base: string,
    private readonly inWord: boolean,
  ) {}

  get maxBytes(): number {
    return this.config.max_upload_bytes;
  }

  async start(): Promise<void> {
    const notice = new Notice();
    try {
      this.config = await loadConfig(this.base);
    } catch (error) {
      const retry = h("fluent-button", { id: "retry", onclick: () => this.start() }, "Try again");
      this.root.replaceChildren(this.header(), h("main", { class: "pane" }, notice.el, retry));
      notice.error(error instanceof PaneError ? error.message : "PatentPane could not start.");
      return;
    }
    this.session = this.config.mode === "entra" ? new EntraSession(this.base, this.config) : new LocalSession(this.base);
    this.api = new Api(this.base, this.session, () => this.signedOut());
    let restored = false;
    try {
      restored = await this.session.restore();
    } catch {
      restored = false;
    }
    if (restored) await this.showMain();
    else this.showSignIn();
  }

  /** The open document as .docx bytes (refused before reading when larger than the server takes). */
  async readDocx(): Promise<{ bytes: Uint8Array; name: string }> {
    return { bytes: await readDocument({ maxBytes: this.config.max_upload_bytes }), name: documentName() };
  }

  /** The open document sent to `path` (`doing` says what the server is doing meanwhile); its JSON answer. */
  async postDocument<T>(path: string, notice: Notice, doing: string): Promise<T> {
    notice.info("Reading the document…");
    const { bytes, name } = await this.readDocx();
    notice.info(doing);
    return (await (await this.api.docx(path, bytes, name)).json()) as T;
  }

  /** A copy of the document the server prepared (annotated, drafted) for a Word that cannot do it
   *  itself: opened as a new document where Word can (WordApi 1.3), and offered as a download. */
  async offerServerCopy(path: string, suffix: string, what: string, notice: Notice): Promise<void> {
    const { bytes, name } = await this.readDocx();
    const response = await this.api.docx(path, bytes, name);
    const copy = new Uint8Array(await response.arrayBuffer());
    const file = name.replace(/\.docx$/i, "") + suffix;
    const link = download(copy, file, `Download ${file}`);
    if (features.createDocument()) {
      await openAsNewDocument(copy);
      notice.info(`Opened a copy with ${what} as a new document. `, link);
    } else {
      notice.info(`The copy with ${what} is ready: `, link);
    }
  }

  private header(who?: string): HTMLElement {
    return h(
      "header",
      { class: "bar" },
      h("span", { class: "brand" }, h("img", { src: "assets/icon-32.png", alt: "", width: 20, height: 20 }), "PatentPane"),
      who ? h("span", { class: "who", id: "who" }, who) : null,
      who ? h("fluent-button", { appearance: "stealth", id: "sign-out", onclick: () => this.signOut() }, "Sign out") : null,
    );
  }

  private notInWord(): HTMLElement | null {
    return this.inWord ? null : h("p", { class: "notice info" }, "Open PatentPane from Word (Home tab, PatentPane) to work on a document.");
  }

  private signedOut(message = "Your sign-in has expired. Please sign in again."): void {
    this.showSignIn(message);
  }

  private async signOut(): Promise<void> {
    await this.session.signOut();
    this.showSignIn("You are signed out.");
  }

  showSignIn(message?: string): void {
    const notice = new Notice();
    if (message) notice.info(message);
    const main = h("main", { class: "pane signin" }, h("h1", {}, "Sign in"), this.notInWord() ?? "", notice.el);
    if (this.session instanceof EntraSession) {
      const session = this.session;
      const button = h("fluent-button", { appearance: "accent", id: "signin-microsoft" }, "Sign in with Microsoft");
      button.addEventListener("click", () =>
        busy(button, notice, async () => {
          await session.signIn();
          await this.showMain();
        }),
      );
      main.append(h("p", {}, "Use your organisation's Microsoft account."), button);
    } else {
      const session = this.session as LocalSession;
      const email = h("fluent-text-field", { id: "signin-email", type: "email", autocomplete: "username", required: true }, "Email");
      const password = h("fluent-text-field", { id: "signin-password", type: "password", autocomplete: "current-password", required: true }, "Password");
      const code = h(
        "fluent-text-field",
        { id: "signin-code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 8, required: true },
        "Code from your authenticator app",
      );
      const button = h("fluent-button", { appearance: "accent", id: "signin-submit", type: "submit" }, "Sign in");
      const value = (el: HTMLElement) => ((el as HTMLElement & { value?: string }).value ?? "").trim();
      const submit = () =>
        busy(button, notice, async () => {
          if (!value(email) || !value(password) || !value(code)) {
            notice.error("Enter your email, password and the code from your authenticator app.");
            return;
          }
          await session.signIn(value(email), value(password), value(code));
          await this.showMain();
        });
      const form = h("form", { class: "form", novalidate: true }, email, password, code, button);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        void submit();
      });
      form.addEventListener("keydown", (event) => {
        if ((event as KeyboardEvent).key === "Enter") {
          event.preventDefault();
          void submit();
        }
      });
      button.addEventListener("click", (event) => {
        event.preventDefault();
        void submit();
      });
      main.append(form);
    }
    this.root.replaceChildren(this.header(), main);
    (main.querySelector("fluent-text-field, fluent-button") as HTMLElement | null)?.focus();
  }

  async showMain(): Promise<void> {
    let who = "Signed in";
    try {
      const me = await this.api.json<{ email: string | null; display_name: string }>("/api/v1/me");
      who = me.display_name || me.email || who;
    } catch (error) {
      if (error instanceof PaneError && error.status === 401) return; // signedOut() showed the sign-in
    }
    const views = { check: new CheckView(this), claims: new ClaimsView(this), draft: new DraftView(this) };
    const tabs = h("fluent-tabs", { activeid: "tab-check", id: "tabs", class: "tabs" });
    for (const [key, label] of [
      ["check", "Check"],
      ["claims", "Claims"],
      ["draft", "Draft"],
    ] as const) {
      tabs.append(h("fluent-tab", { id: `tab-${key}` }, label));
    }
    for (const key of ["check", "claims", "draft"] as const) {
      tabs.append(h("fluent-tab-panel", { id: `panel-${key}` }, views[key].el));
    }
    this.root.replaceChildren(this.header(who), h("main", { class: "pane" }, this.notInWord() ?? "", tabs));
    (this.root.querySelector("#check-run") as HTMLElement | null)?.focus();
  }
}
