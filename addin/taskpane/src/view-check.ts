// Check: the findings of the open document, grouped by category and severity; a finding selects
// its words; "Add comments" puts them in the document; rule help links to the MPEP/EPC text.

import type { Pane } from "./pane";
import { type CheckResult, type Finding, SEVERITIES, commentText, countBySeverity, groupFindings } from "./logic";
import { addComments, features, selectWords } from "./office";
import { Notice, badge, busy, h, uid } from "./ui";

interface RuleDetail {
  code: string;
  name: string;
  summary: string;
  doc: string;
  authority: { citation: string; url: string };
}

const RULE_HEADINGS = /^(What it does|Why it matters|Example|Fix)\b/;

export class CheckView {
  readonly el: HTMLElement;
  private readonly notice = new Notice();
  private readonly results = h("div", { class: "results" });
  private readonly checkButton: HTMLElement;
  private readonly commentsButton: HTMLElement;
  private readonly rules = new Map<string, Promise<RuleDetail>>();
  private result: CheckResult | null = null;

  constructor(private readonly pane: Pane) {
    this.checkButton = h("fluent-button", { appearance: "accent", id: "check-run", onclick: () => this.run() }, "Check document");
    this.commentsButton = h(
      "fluent-button",
      { id: "check-comments", disabled: true, onclick: () => this.comment(), title: "Put each finding in the document as a Word comment" },
      "Add comments",
    );
    this.el = h(
      "section",
      { class: "view", "aria-labelledby": "check-title" },
      h("h2", { id: "check-title", class: "visually-hidden" }, "Check"),
      h("div", { class: "actions" }, this.checkButton, this.commentsButton),
      this.notice.el,
      this.results,
    );
  }

  private async run(): Promise<void> {
    await busy(
      this.checkButton,
      this.notice,
      async () => {
        this.result = await this.pane.postDocument<CheckResult>("/api/v1/check", this.notice, "Checking…");
        this.render();
        this.checkButton.textContent = "Re-check";
      },
      this.pane.maxBytes,
    );
  }

  private render(): void {
    const result = this.result as CheckResult;
    const counts = countBySeverity(result.findings);
    const doc = result.document;
    this.commentsButton.toggleAttribute("disabled", result.findings.length === 0);
    if (result.findings.length === 0) {
      this.notice.info(`No findings: ${doc.claims} claims checked.`);
    } else {
      this.notice.info(
        `${result.findings.length} findings in ${doc.claims} claims (${doc.independent_claims} independent), ${doc.words.toLocaleString("en-US")} words.`,
      );
    }
    const summary = h("p", { class: "summary", id: "check-summary" }, ...SEVERITIES.map((s) => badge(counts[s], s)));
    const accordion = h("fluent-accordion", { id: "findings" });
    for (const group of groupFindings(result.findings)) {
      const list = h("ul", { class: "findings", "aria-label": group.label });
      for (const f of group.findings) list.append(this.findingItem(f));
      accordion.append(
        h(
          "fluent-accordion-item",
          { expanded: group.counts.error > 0 || result.findings.length <= 12, "data-category": group.category },
          h(
            "span",
            { slot: "heading", class: "group-heading" },
            h("span", { class: "group-label" }, group.label),
            ...SEVERITIES.filter((s) => group.counts[s]).map((s) => badge(group.counts[s], s)),
          ),
          list,
        ),
      );
    }
    this.results.replaceChildren(summary, accordion);
  }

  private findingItem(f: Finding): HTMLElement {
    const helpId = uid("help");
    const help = h("div", { class: "rule-help", id: helpId, hidden: true });
    const toggle = h(
      "button",
      { class: "link", type: "button", "aria-expanded": "false", "aria-controls": helpId },
      `About ${f.code}`,
    );
    toggle.addEventListener("click", () => this.toggleHelp(f.code, toggle, help));
    const main = h(
      "button",
      { class: "finding-main", type: "button", title: "Select these words in the document" },
      h(
        "span",
        { class: "finding-meta" },
        h("span", { class: `sev sev-${f.severity}` }, f.severity),
        h("span", { class: "code" }, f.code),
        f.claim !== null ? h("span", { class: "claim" }, `claim ${f.claim}`) : null,
      ),
      h("span", { class: "message" }, f.message),
      f.suggestion ? h("span", { class: "suggestion" }, `Suggestion: ${f.suggestion}`) : null,
    );
    main.addEventListener("click", () => this.select(f, main));
    return h("li", { class: `finding sev-${f.severity}`, "data-code": f.code }, main, toggle, help);
  }

  private async select(f: Finding, button: HTMLElement): Promise<void> {
    for (const el of this.results.querySelectorAll("[aria-current]")) el.removeAttribute("aria-current");
    button.setAttribute("aria-current", "true");
    try {
      const found = await selectWords({ paragraph: f.location.paragraph, start: f.location.start, text: f.text });
      if (!found) this.notice.error(`"${f.text}" is no longer in the document (it changed since the check). Re-check.`);
    } catch (error) {
      console.error(error);
      this.notice.error("Word could not select those words.");
    }
  }

  private toggleHelp(code: string, toggle: HTMLElement, help: HTMLElement): void {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    help.hidden = !open;
    if (!open || help.childElementCount) return;
    help.textContent = "Loading…";
    if (!this.rules.has(code)) this.rules.set(code, this.pane.api.json<RuleDetail>(`/api/v1/rules/${encodeURIComponent(code)}`));
    (this.rules.get(code) as Promise<RuleDetail>)
      .then((rule) => {
        // the rule's documentation: headings ("What it does", ...) and paragraphs, lines joined
        const blocks = rule.doc
          .split(/\n\s*\n/)
          .map((block) => block.split("\n").map((line) => line.trim()).filter(Boolean))
          .filter((lines) => lines.length);
        const docs = blocks.flatMap((lines) =>
          RULE_HEADINGS.test(lines[0])
            ? [h("p", { class: "rule-heading" }, lines[0]), ...(lines.length > 1 ? [h("p", {}, lines.slice(1).join(" "))] : [])]
            : [h("p", {}, lines.join(" "))],
        );
        help.replaceChildren(
          h("p", { class: "rule-summary" }, h("strong", {}, `${rule.code} ${rule.name}. `), rule.summary),
          ...docs,
          h("p", {}, "Authority: ", h("a", { href: rule.authority.url, target: "_blank", rel: "noopener" }, rule.authority.citation)),
        );
      })
      .catch(() => {
        this.rules.delete(code);
        help.textContent = "The rule's help could not be loaded.";
      });
  }

  private async comment(): Promise<void> {
    const result = this.result;
    if (!result) return;
    await busy(
      this.commentsButton,
      this.notice,
      async () => {
        if (features.comments()) {
          const { added, missing } = await addComments(
            result.findings.map((f) => ({ paragraph: f.location.paragraph, start: f.location.start, text: f.text, comment: commentText(f) })),
          );
          this.notice.info(
            `Added ${added} comment${added === 1 ? "" : "s"} to the document.` +
              (missing ? ` ${missing} finding${missing === 1 ? "'s words were" : "s' words were"} not found: re-check.` : ""),
          );
          return;
        }
        // Word without the comments API (WordApi 1.4): the server annotates a copy
        this.notice.info("This Word cannot add comments itself: the server is making an annotated copy…");
        await this.pane.offerServerCopy("/api/v1/check/annotate", "-checked.docx", "the comments", this.notice);
      },
      this.pane.maxBytes,
    );
  }
}
