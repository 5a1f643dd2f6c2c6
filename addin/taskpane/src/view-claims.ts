// Claims: the claim tree of the open document, an editor with inline completions (Tab accepts),
// suggested dependent claims with "Insert", and cloning the claims into another category. The
// claims assistant's routes (complete, suggest-dependent, clone) may be missing on an older server:
// their buttons then say so.

import { PaneError } from "./api";
import type { Pane } from "./pane";
import {
  type ClaimNode,
  type ClaimTree,
  type Completion,
  type Suggestion,
  acceptCompletion,
  claimsText,
  cloneText,
  insertionOrder,
  lastNumber,
  renumber,
  retarget,
  stripNumber,
  suggestions,
} from "./logic";
import { insertClaim, paragraphTexts, selectWords } from "./office";
import { Notice, busy, h } from "./ui";

const CATEGORY_LABELS: Record<string, string> = {
  method: "method",
  apparatus: "apparatus",
  system: "system",
  composition: "composition",
  crm: "computer-readable medium",
  use: "use",
  unknown: "",
};

const COMPLETE_DELAY_MS = 150;

export class ClaimsView {
  readonly el: HTMLElement;
  private readonly notice = new Notice();
  private readonly tree = h("div", { class: "claim-tree" });
  private readonly readButton: HTMLElement;
  private readonly suggestButton: HTMLElement;
  private readonly suggestionsList = h("ol", { class: "suggestions", id: "suggestions" });
  private readonly editor = h("textarea", {
    id: "claim-editor",
    rows: 5,
    spellcheck: "true",
    placeholder: "Type a claim: completions appear as you write (Tab accepts, Esc dismisses).",
    "aria-describedby": "claim-completions-help",
  });
  private readonly ghost = h("div", { class: "ghost", "aria-hidden": "true" });
  private readonly completionsList = h("ul", { class: "completions", id: "claim-completions", role: "listbox", "aria-label": "Completions" });
  private readonly cloneSelect: HTMLElement;
  private readonly clonePreview = h("textarea", { id: "clone-preview", rows: 6, readonly: true, hidden: true, "aria-label": "Cloned claims" });
  private readonly cloneInsert: HTMLElement;
  private claims: ClaimNode[] = [];
  private description = "";
  private completions: Completion[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private request = 0;
  private completeAvailable = true;

  constructor(private readonly pane: Pane) {
    this.readButton = h("fluent-button", { appearance: "accent", id: "claims-read", onclick: () => this.read() }, "Read claims");
    this.suggestButton = h("fluent-button", { id: "claims-suggest", disabled: true, onclick: () => this.suggest() }, "Suggest dependent claims");
    this.cloneSelect = h(
      "fluent-select",
      { id: "clone-target", "aria-label": "Clone into" },
      h("fluent-option", { value: "method" }, "Method claims"),
      h("fluent-option", { value: "system" }, "System claims"),
      h("fluent-option", { value: "crm" }, "Computer-readable medium claims"),
    );
    const cloneButton = h("fluent-button", { id: "clone-run", onclick: () => this.clone(cloneButton) }, "Clone");
    this.cloneInsert = h("fluent-button", { id: "clone-insert", hidden: true, onclick: () => this.insertClone() }, "Add after the claims");
    const addButton = h("fluent-button", { id: "claim-add", onclick: () => this.insertEditor(addButton) }, "Add to the claims");
    this.editor.addEventListener("input", () => this.scheduleCompletion());
    this.editor.addEventListener("keydown", (event) => this.onKey(event));
    this.editor.addEventListener("click", () => this.renderGhost());
    this.editor.addEventListener("scroll", () => {
      this.ghost.scrollTop = this.editor.scrollTop;
    });
    this.el = h(
      "section",
      { class: "view", "aria-labelledby": "claims-title" },
      h("h2", { id: "claims-title", class: "visually-hidden" }, "Claims"),
      h("div", { class: "actions" }, this.readButton),
      this.notice.el,
      this.tree,
      h("h3", {}, "Suggested dependent claims"),
      h("div", { class: "actions" }, this.suggestButton),
      this.suggestionsList,
      h("h3", {}, h("label", { for: "claim-editor" }, "Write a claim")),
      h("div", { class: "editor-wrap" }, this.ghost, this.editor),
      h("p", { id: "claim-completions-help", class: "hint" }, "Tab accepts the first completion; Esc dismisses them."),
      this.completionsList,
      h("div", { class: "actions" }, addButton),
      h("h3", {}, "Clone to another category"),
      h("div", { class: "actions" }, this.cloneSelect, cloneButton),
      this.clonePreview,
      h("div", { class: "actions" }, this.cloneInsert),
    );
  }

  private get active(): ClaimNode[] {
    return this.claims.filter((c) => !c.canceled);
  }

  private async read(): Promise<void> {
    await busy(
      this.readButton,
      this.notice,
      async () => {
        const tree = await this.pane.postDocument<ClaimTree>("/api/v1/claims/parse", this.notice, "Reading the claims…");
        this.claims = tree.claims;
        this.description = await this.readDescription();
        this.renderTree(tree);
        this.suggestButton.removeAttribute("disabled");
        const n = this.active.length;
        this.notice.info(`${n} claim${n === 1 ? "" : "s"}, ${tree.independent_claims.length} independent.`);
      },
      this.pane.maxBytes,
    );
  }

  /** The paragraphs before the first claim: the description the assistant draws on. */
  private async readDescription(): Promise<string> {
    const first = this.active[0];
    const paragraphs = await paragraphTexts().catch(() => [] as string[]);
    if (!first) return paragraphs.join("\n");
    const head = first.text.replace(/\s+/g, " ").slice(0, 30);
    const at = paragraphs.findIndex((p) => p.replace(/\s+/g, " ").includes(head));
    return (at > 0 ? paragraphs.slice(0, at) : paragraphs).join("\n");
  }

  private renderTree(tree: ClaimTree): void {
    const byNumber = new Map(tree.claims.map((c) => [c.number, c]));
    const item = (claim: ClaimNode, seen: Set<number>): HTMLElement => {
      seen.add(claim.number);
      const category = CATEGORY_LABELS[claim.category] ?? claim.category;
      const el = h(
        "fluent-tree-item",
        { expanded: true, "data-claim": claim.number },
        h(
          "span",
          { class: "claim-line" },
          h("strong", {}, `${claim.number}.`),
          " ",
          claim.canceled ? h("em", {}, "(canceled)") : claim.text.length > 90 ? `${claim.text.slice(0, 90)}…` : claim.text,
          category && claim.independent ? h("span", { class: "category" }, category) : null,
        ),
      );
      el.addEventListener("click", (event) => {
        event.stopPropagation();
        if (!claim.canceled) void selectWords({ paragraph: -1, start: 0, text: claim.text.slice(0, 60) });
      });
      for (const child of claim.dependents) {
        const node = byNumber.get(child);
        // a claim depending on several (multiple dependency) shows under its first parent only
        if (node && !seen.has(child) && node.depends_on[0] === claim.number) el.append(item(node, seen));
      }
      return el;
    };
    const view = h("fluent-tree-view", { "aria-label": "Claim tree", id: "claim-tree" });
    const seen = new Set<number>();
    for (const claim of tree.claims) {
      if (!seen.has(claim.number) && (claim.independent || claim.canceled || !claim.depends_on.some((p) => byNumber.has(p)))) {
        view.append(item(claim, seen));
      }
    }
    this.tree.replaceChildren(view);
  }

  // --- completions -------------------------------------------------------------------------------

  private context(): { text: string; cursor: number } {
    const before = this.claims.length ? `${claimsText(this.active)}\n` : "";
    return { text: before + this.editor.value, cursor: before.length + (this.editor.selectionStart ?? this.editor.value.length) };
  }

  private scheduleCompletion(): void {
    clearTimeout(this.timer);
    this.request++; // answers to earlier requests are stale
    this.showCompletions([]);
    if (!this.completeAvailable || !this.editor.value.trim()) return;
    this.timer = setTimeout(() => void this.complete(), COMPLETE_DELAY_MS);
  }

  private async complete(): Promise<void> {
    const request = ++this.request;
    const typed = this.editor.value;
    const { text, cursor } = this.context();
    try {
      const answer = await this.pane.api.json<{ completions: Completion[] }>("/api/v1/claims/complete", {
        claims: text,
        cursor,
        description: this.description || undefined,
      });
      // an answer for text that has changed since (typing on, a claim added) is dropped
      if (request === this.request && typed === this.editor.value) {
        this.showCompletions((answer.completions ?? []).filter((c) => c.text).slice(0, 5));
      }
    } catch (error) {
      if (error instanceof PaneError && error.code === "not_available") {
        this.completeAvailable = false;
        this.notice.info("This server does not offer completions yet.");
      }
    }
  }

  private showCompletions(completions: Completion[]): void {
    this.completions = completions;
    this.completionsList.replaceChildren(
      ...completions.map((c, i) =>
        h(
          "li",
          { role: "option", "aria-selected": String(i === 0), class: "completion", onmousedown: (e: Event) => this.pick(e, i) },
          h("span", { class: "completion-text" }, c.text),
          c.source ? h("span", { class: "source" }, c.source) : null,
        ),
      ),
    );
    this.renderGhost();
  }

  /** The first completion in grey after the cursor (shown when the cursor is at the end). */
  private renderGhost(): void {
    const first = this.completions[0];
    const atEnd = this.editor.selectionStart === this.editor.value.length;
    this.ghost.replaceChildren(this.editor.value, first && atEnd ? h("span", { class: "ghost-text" }, first.text) : "");
  }

  private pick(event: Event, index: number): void {
    event.preventDefault();
    this.accept(index);
  }

  private accept(index: number): void {
    const completion = this.completions[index];
    if (!completion) return;
    const cursor = this.editor.selectionStart ?? this.editor.value.length;
    const next = acceptCompletion(this.editor.value, cursor, completion.text);
    this.editor.value = next.value;
    this.editor.setSelectionRange(next.cursor, next.cursor);
    this.editor.focus();
    this.scheduleCompletion();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "Tab" && !event.shiftKey && this.completions.length) {
      event.preventDefault(); // Tab accepts; without completions it moves focus as usual
      this.accept(0);
    } else if (event.key === "Escape" && this.completions.length) {
      event.preventDefault();
      clearTimeout(this.timer);
      this.showCompletions([]);
    } else if (event.key.startsWith("Arrow")) {
      queueMicrotask(() => this.renderGhost());
    }
  }

  // --- adding claims -----------------------------------------------------------------------------

  /** Adds claim text after the last claim with the next number; false (and a message) if it can't. */
  private async add(text: string): Promise<number | null> {
    const last = this.active[this.active.length - 1];
    if (!last) {
      this.notice.error("Read the claims first.");
      return null;
    }
    const number = lastNumber(this.claims) + 1;
    const body = stripNumber(text);
    const ok = await insertClaim({ lastClaimText: last.text, number, text: body });
    if (!ok) {
      this.notice.error("The claims could not be found in the document (they changed since they were read). Read the claims again.");
      return null;
    }
    this.claims.push({
      number,
      number_end: null,
      status: null,
      canceled: false,
      independent: false,
      depends_on: [],
      dependents: [],
      category: "unknown",
      text: body,
      preamble: "",
    });
    return number;
  }

  private async insertEditor(button: HTMLElement): Promise<void> {
    const text = this.editor.value.trim();
    if (!text) {
      this.notice.error("Write the claim first.");
      return;
    }
    await busy(button, this.notice, async () => {
      const number = await this.add(text);
      if (number !== null) {
        this.editor.value = "";
        this.showCompletions([]);
        this.notice.info(`Claim ${number} added at the end of the claims.`);
      }
    });
  }

  private async suggest(): Promise<void> {
    await busy(this.suggestButton, this.notice, async () => {
      this.notice.info("Looking for dependent claims in the description…");
      let answer: unknown;
      try {
        answer = await this.pane.api.json("/api/v1/claims/suggest-dependent", {
          claims: claimsText(this.active),
          description: this.description,
        });
      } catch (error) {
        if (error instanceof PaneError && error.code === "not_available") {
          this.notice.error("This server does not suggest dependent claims yet. Ask IT to update PatentPane.");
          return;
        }
        throw error;
      }
      const found = suggestions(answer);
      this.notice.info(found.length ? `${found.length} suggested dependent claims.` : "No dependent claims to suggest from the description.");
      // suggestion number -> the claim number it got; a chained suggestion refers to its parent
      // suggestion, which goes in first and may get another number than the assistant gave it
      const inserted = new Map<number, number>();
      const buttons = new Map<Suggestion, HTMLElement>();
      const done = new Set<Suggestion>(); // taken by a click (being inserted or inserted)
      this.suggestionsList.replaceChildren(
        ...found.map((s) => {
          const insert = h("fluent-button", { class: "insert", appearance: "outline" }, "Insert");
          buttons.set(s, insert);
          insert.addEventListener("click", async () => {
            // every suggestion of the chain is taken at once, so that no second click inserts one twice
            const chain = insertionOrder(found, s, inserted).filter((item) => !done.has(item));
            chain.forEach((item) => {
              done.add(item);
              buttons.get(item)?.setAttribute("disabled", "");
            });
            const added = new Map<Suggestion, number>();
            await busy(insert, this.notice, async () => {
              for (const item of chain) {
                const parent = item.parent;
                const text = parent !== null && inserted.has(parent) ? retarget(item.text, parent, inserted.get(parent)!) : item.text;
                const number = await this.add(text);
                if (number === null) break;
                added.set(item, number);
                if (item.number !== null) inserted.set(item.number, number);
              }
              const numbers = [...added.values()];
              if (numbers.length === 1) this.notice.info(`Claim ${numbers[0]} added at the end of the claims.`);
              else if (numbers.length > 1)
                this.notice.info(`Claims ${numbers.join(" and ")} added at the end of the claims (the claim it depends on first).`);
            });
            // `busy` enables the button again: an added suggestion stays disabled, one not added can be retried
            for (const item of chain) {
              const button = buttons.get(item);
              const number = added.get(item);
              if (number !== undefined) {
                button?.setAttribute("disabled", "");
                if (button) button.textContent = `Added as claim ${number}`;
              } else {
                done.delete(item);
                button?.removeAttribute("disabled");
              }
            }
          });
          return h(
            "li",
            { class: "suggestion-item" },
            h("p", { class: "suggested" }, s.text),
            s.source || s.quote
              ? h("p", { class: "source" }, `From ${s.source || "the description"}${s.quote ? `: “${s.quote}”` : ""}`)
              : null,
            insert,
          );
        }),
      );
    });
  }

  private async clone(button: HTMLElement): Promise<void> {
    if (!this.active.length) {
      this.notice.error("Read the claims first.");
      return;
    }
    await busy(button, this.notice, async () => {
      const target = (this.cloneSelect as HTMLElement & { value: string }).value || "method";
      let answer: unknown;
      try {
        answer = await this.pane.api.json("/api/v1/claims/clone", {
          claims: claimsText(this.active),
          target,
          start: lastNumber(this.claims) + 1,
        });
      } catch (error) {
        if (error instanceof PaneError && error.code === "not_available") {
          this.notice.error("This server does not clone claims yet. Ask IT to update PatentPane.");
          return;
        }
        throw error;
      }
      // numbered to follow the claims (the server does when it honours `start`; otherwise here)
      const cloned = cloneText(answer);
      const first = Number(/^\s*(\d+)\s*\./.exec(cloned)?.[1] ?? 1);
      const text = renumber(cloned, lastNumber(this.claims) + 1 - first);
      this.clonePreview.value = text;
      this.clonePreview.hidden = false;
      this.cloneInsert.hidden = false;
      this.notice.info("The cloned claims, numbered to follow yours: check them, then add them.");
    });
  }

  private async insertClone(): Promise<void> {
    const lines = this.clonePreview.value.split(/\r?\n/).filter((l) => l.trim());
    await busy(this.cloneInsert, this.notice, async () => {
      let added = 0;
      for (const line of lines) {
        if ((await this.add(line)) === null) return;
        added++;
      }
      this.cloneInsert.hidden = true;
      this.notice.info(`${added} claims added at the end of the claims.`);
    });
  }
}
