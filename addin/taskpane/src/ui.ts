// DOM helpers and the Fluent UI web components the pane uses (registered once).

import {
  baseLayerLuminance,
  fluentAccordion,
  fluentAccordionItem,
  fluentButton,
  fluentProgressRing,
  fluentSelect,
  fluentOption,
  fluentTab,
  fluentTabPanel,
  fluentTabs,
  fluentTextField,
  fluentTreeItem,
  fluentTreeView,
  provideFluentDesignSystem,
  StandardLuminance,
} from "@fluentui/web-components";
import { PaneError, megabytes } from "./api";
import { OfficeFailure } from "./office";

export function registerFluent(): void {
  provideFluentDesignSystem().register(
    fluentAccordion(),
    fluentAccordionItem(),
    fluentButton(),
    fluentOption(),
    fluentProgressRing(),
    fluentSelect(),
    fluentTab(),
    fluentTabPanel(),
    fluentTabs(),
    fluentTextField(),
    fluentTreeItem(),
    fluentTreeView(),
  );
  // follow Office's theme (dark mode)
  const background = globalThis.Office?.context?.officeTheme?.bodyBackgroundColor;
  if (background && luminance(background) < 0.4) {
    baseLayerLuminance.withDefault(StandardLuminance.DarkMode);
    document.documentElement.classList.add("dark");
  }
}

function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
  if (!m) return 1;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** h("fluent-button", {appearance: "accent", onclick: f}, "Check") */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = String(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

let ids = 0;
export function uid(prefix: string): string {
  return `${prefix}-${++ids}`;
}

/** A view's message line: status (polite) or alert. */
export class Notice {
  readonly el = h("div", { class: "notice", role: "status", "aria-live": "polite" });

  info(message: string, ...extra: Child[]): void {
    this.el.className = "notice info";
    this.el.setAttribute("role", "status");
    this.el.replaceChildren(message, ...extra.filter((x): x is Node | string => Boolean(x)));
  }

  error(message: string, ...extra: Child[]): void {
    this.el.className = "notice error";
    this.el.setAttribute("role", "alert");
    this.el.replaceChildren(message, ...extra.filter((x): x is Node | string => Boolean(x)));
  }

  clear(): void {
    this.el.className = "notice";
    this.el.replaceChildren();
  }
}

/** The plain message for anything a view's action threw. */
export function messageOf(error: unknown, maxBytes?: number): string {
  if (error instanceof PaneError) return error.message;
  if (error instanceof OfficeFailure) {
    if (error.kind === "too_large") {
      const size = Number(error.message);
      return `This document is ${megabytes(size)}; the server accepts documents up to ${megabytes(maxBytes ?? 0)}. Ask IT to raise the limit.`;
    }
    return `Word could not do this: ${error.message}`;
  }
  if (typeof Word === "undefined" || typeof Office === "undefined" || !Office.context?.document) {
    return "This works inside Word: open PatentPane from Word's Home tab.";
  }
  return "Something went wrong. Try again.";
}

/** Runs `action` with `button` disabled and a busy indicator; failures go to `notice`. */
export async function busy(button: HTMLElement, notice: Notice, action: () => Promise<void>, maxBytes?: number): Promise<void> {
  const ring = h("fluent-progress-ring", { class: "ring", "aria-label": "Working" });
  button.setAttribute("disabled", "");
  button.after(ring);
  try {
    await action();
  } catch (error) {
    console.error(error);
    notice.error(messageOf(error, maxBytes));
  } finally {
    ring.remove();
    button.removeAttribute("disabled");
  }
}

export function badge(count: number, severity: string): HTMLElement {
  return h("span", { class: `count sev-${severity}`, title: `${count} ${severity}` }, `${count} ${severity === "info" ? "info" : severity + (count === 1 ? "" : "s")}`);
}

export function download(bytes: Uint8Array, filename: string, label: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }));
  return h("a", { href: url, download: filename, class: "download" }, label);
}
