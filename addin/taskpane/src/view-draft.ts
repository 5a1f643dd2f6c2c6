// Draft: the description, summary, figure list and abstract generated from the claims; a preview;
// inserted as tracked changes (Word's change tracking where WordApi 1.4 has it, otherwise the
// server's /api/v1/draft/docx opened as a new document).

import type { Pane } from "./pane";
import { type DraftBlock, features, insertTracked } from "./office";
import { Notice, busy, h } from "./ui";

interface DraftParagraph {
  text: string;
  kind: "generated" | "boilerplate" | "placeholder";
  source_claims: number[];
}

interface DraftSection {
  section: string;
  heading: string;
  paragraphs: DraftParagraph[];
}

interface Draft {
  title: string;
  sections: DraftSection[];
  figures: { figure: number; kind: string; subject: string }[];
  claims: number;
  seconds: number;
}

export class DraftView {
  readonly el: HTMLElement;
  private readonly notice = new Notice();
  private readonly preview = h("div", { class: "draft-preview", id: "draft-preview" });
  private readonly runButton: HTMLElement;
  private readonly insertButton: HTMLElement;
  private draft: Draft | null = null;

  constructor(private readonly pane: Pane) {
    this.runButton = h("fluent-button", { appearance: "accent", id: "draft-run", onclick: () => this.run() }, "Draft from the claims");
    this.insertButton = h(
      "fluent-button",
      { id: "draft-insert", disabled: true, onclick: () => this.insert() },
      "Insert as tracked changes",
    );
    this.el = h(
      "section",
      { class: "view", "aria-labelledby": "draft-title" },
      h("h2", { id: "draft-title", class: "visually-hidden" }, "Draft"),
      h(
        "p",
        { class: "hint" },
        "Drafts the title, field, summary, figure list, detailed description and abstract from the claims. Every sentence restates the claims; placeholders mark what only you know.",
      ),
      h("div", { class: "actions" }, this.runButton, this.insertButton),
      this.notice.el,
      this.preview,
    );
  }

  private async run(): Promise<void> {
    await busy(
      this.runButton,
      this.notice,
      async () => {
        const draft = await this.pane.postDocument<Draft>("/api/v1/draft", this.notice, "Drafting…");
        this.draft = draft;
        const paragraphs = draft.sections.reduce((n, s) => n + s.paragraphs.length, 0);
        this.notice.info(
          `Drafted ${paragraphs} paragraphs and ${draft.figures.length} figures from ${draft.claims} claims. Review the preview, then insert it.`,
        );
        this.preview.replaceChildren(
          h("h3", {}, draft.title),
          ...draft.sections
            .filter((s) => s.section !== "title")
            .map((s) =>
              h(
                "section",
                { class: "draft-section" },
                h("h4", {}, s.heading),
                ...s.paragraphs.map((p) => h("p", { class: `draft-${p.kind}` }, p.text)),
              ),
            ),
        );
        this.insertButton.removeAttribute("disabled");
      },
      this.pane.maxBytes,
    );
  }

  private async insert(): Promise<void> {
    const draft = this.draft;
    if (!draft) return;
    await busy(
      this.insertButton,
      this.notice,
      async () => {
        if (features.changeTracking()) {
          const blocks: DraftBlock[] = draft.sections
            .filter((s) => s.section !== "title" && s.paragraphs.length)
            .map((s) => ({ section: s.section, heading: s.heading, paragraphs: s.paragraphs.map((p) => p.text) }));
          const n = await insertTracked(blocks);
          this.notice.info(`Inserted ${n} paragraphs as tracked changes: accept or reject them on the Review tab.`);
          return;
        }
        this.notice.info("This Word cannot track changes from an add-in: the server is inserting the draft into a copy…");
        await this.pane.offerServerCopy("/api/v1/draft/docx", "-draft.docx", "the draft as tracked changes", this.notice);
      },
      this.pane.maxBytes,
    );
  }
}
