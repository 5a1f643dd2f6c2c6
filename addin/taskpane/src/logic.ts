// Pure helpers of the views (no DOM, no Office): grouping findings, claim numbers, completions.

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: Severity[] = ["error", "warning", "info"];

export interface Finding {
  code: string;
  category: string;
  severity: Severity;
  message: string;
  claim: number | null;
  text: string;
  location: { paragraph: number; start: number; end: number };
  suggestion: string | null;
}

export interface CheckResult {
  document: { claims: number; independent_claims: number; words: number };
  claims: { number: number; depends_on: number[]; category: string; independent: boolean; status: string | null }[];
  findings: Finding[];
}

export type Counts = Record<Severity, number>;

export interface FindingGroup {
  category: string;
  label: string;
  counts: Counts;
  findings: Finding[];
}

export function emptyCounts(): Counts {
  return { error: 0, warning: 0, info: 0 };
}

export function countBySeverity(findings: Finding[]): Counts {
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity]++;
  return counts;
}

const LABELS: Record<string, string> = {
  antecedent_basis: "Antecedent basis",
  claim_numbering: "Claim numbering",
  claim_dependency: "Claim dependency",
  multiple_dependency: "Multiple dependency",
  claim_form: "Claim form",
  claim_support: "Support in the description",
  reference_numeral: "Reference numerals",
  figure_reference: "Figure references",
  terminology: "Terminology",
  abstract: "Abstract",
  title: "Title",
  sections: "Sections",
  fees: "Fees",
};

export function categoryLabel(category: string): string {
  return LABELS[category] ?? category.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function rank(f: Finding): number {
  return SEVERITIES.indexOf(f.severity);
}

/** Findings by category, worst categories first (most errors, then warnings, then info); inside a
 *  category by severity, then document order. */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const byCategory = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byCategory.get(f.category) ?? [];
    list.push(f);
    byCategory.set(f.category, list);
  }
  const groups = [...byCategory.entries()].map(([category, list]) => ({
    category,
    label: categoryLabel(category),
    counts: countBySeverity(list),
    findings: [...list].sort(
      (a, b) => rank(a) - rank(b) || a.location.paragraph - b.location.paragraph || a.location.start - b.location.start,
    ),
  }));
  return groups.sort(
    (a, b) =>
      b.counts.error - a.counts.error ||
      b.counts.warning - a.counts.warning ||
      b.counts.info - a.counts.info ||
      a.label.localeCompare(b.label),
  );
}

/** The text of a Word comment for a finding, as `patentpane check -o` writes them. */
export function commentText(f: Finding): string {
  return `[${f.code}] ${f.message}` + (f.suggestion ? `. Suggestion: ${f.suggestion}` : "");
}

export interface ClaimNode {
  number: number;
  number_end: number | null;
  status: string | null;
  canceled: boolean;
  independent: boolean;
  depends_on: number[];
  dependents: number[];
  category: string;
  text: string;
  preamble: string;
}

export interface ClaimTree {
  claims: ClaimNode[];
  independent_claims: number[];
}

export function lastNumber(claims: ClaimNode[]): number {
  return claims.reduce((n, c) => Math.max(n, c.number_end ?? c.number), 0);
}

/** Claims as text, one per line ("1. A widget ..."), as the claims assistant takes them. */
export function claimsText(claims: ClaimNode[]): string {
  return claims.map((c) => `${c.number}. ${c.text}`).join("\n");
}

/** A suggested claim without any number it came with ("21. The device ..." -> "The device ..."). */
export function stripNumber(text: string): string {
  return text.replace(/^\s*\d+\s*\.\s*/, "").trim();
}

/** Claims text renumbered to start after `offset`: leading numbers and "claim(s) N" references to
 *  claims of the same text move together (for a cloned set appended to the claims). */
export function renumber(text: string, offset: number): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const numbers = new Set(lines.map((l) => /^\s*(\d+)\s*\./.exec(l)?.[1]).filter(Boolean).map(Number));
  return lines
    .map((line) =>
      line
        .replace(/^\s*(\d+)\s*\.\s*/, (_, n: string) => `${Number(n) + offset}. `)
        .replace(/\b(claims?\s+)(\d+)((?:\s*(?:,|-|to|or|and|through)\s*\d+)*)/gi, (_m, word: string, first: string, rest: string) => {
          const shift = (n: string) => (numbers.has(Number(n)) ? String(Number(n) + offset) : n);
          return word + shift(first) + rest.replace(/\d+/g, shift);
        }),
    )
    .join("\n");
}

/** The claims text of a clone answer: a string, or a list of claims. */
export function cloneText(answer: unknown): string {
  const value = (answer as { claims?: unknown; text?: unknown }) ?? {};
  const claims = value.claims ?? value.text ?? answer;
  if (typeof claims === "string") return claims;
  if (Array.isArray(claims)) {
    return claims
      .map((c, i) => (typeof c === "string" ? c : `${(c as ClaimNode).number ?? i + 1}. ${(c as ClaimNode).text ?? ""}`))
      .join("\n");
  }
  return "";
}

export interface Completion {
  text: string;
  score?: number;
  source?: string;
}

/** `value` with `completion` inserted at `cursor`, and the cursor after it. */
export function acceptCompletion(value: string, cursor: number, completion: string): { value: string; cursor: number } {
  return { value: value.slice(0, cursor) + completion + value.slice(cursor), cursor: cursor + completion.length };
}

export interface Suggestion {
  text: string;
  number: number | null; // the number the assistant gave it (after the last claim)
  parent: number | null; // the claim it depends on: a claim, or another suggestion's number
  source: string; // where in the description it comes from ("paragraph 7")
  quote: string; // the description's sentence
  score: number | null;
}

/** Suggested dependent claims from the assistant's answer ({"suggestions": [{"text", "parent",
 *  "paragraph", "sentence", "score", ...}]}), tolerant of missing fields. */
export function suggestions(answer: unknown): Suggestion[] {
  const list = (answer as { suggestions?: unknown[] })?.suggestions ?? (Array.isArray(answer) ? answer : []);
  return (list as Record<string, unknown>[])
    .map((s) => {
      const paragraph = s.paragraph ?? s.source_paragraph;
      const parent = s.parent ?? s.depends_on;
      return {
        text: stripNumber(String(s.text ?? s.claim_text ?? s.claim ?? "")),
        number: typeof s.number === "number" ? s.number : null,
        parent: Array.isArray(parent) ? Number(parent[0]) : typeof parent === "number" ? parent : null,
        source: typeof paragraph === "number" ? `paragraph ${paragraph + 1}` : "",
        quote: typeof s.sentence === "string" ? s.sentence : typeof s.source_text === "string" ? s.source_text : "",
        score: typeof s.score === "number" ? s.score : null,
      };
    })
    .filter((s) => s.text);
}

/** The suggestions to insert, in order, for `chosen`: a suggestion that depends on another
 *  suggestion (a chain: "The device of claim 21, wherein the cover ..." after "21. ... further
 *  comprising a cover") needs that one in the claims first. `inserted` maps the suggestions already
 *  inserted to the claim numbers they got. */
export function insertionOrder(all: Suggestion[], chosen: Suggestion, inserted: ReadonlyMap<number, number>): Suggestion[] {
  const order: Suggestion[] = [];
  const seen = new Set<Suggestion>();
  for (let s: Suggestion | undefined = chosen; s && !seen.has(s); ) {
    seen.add(s);
    if (s.number !== null && inserted.has(s.number)) break;
    order.unshift(s);
    const parent: number | null = s.parent;
    s = parent === null || inserted.has(parent) ? undefined : all.find((o) => o.number === parent);
  }
  return order;
}

/** `text` referring to claim `to` where it referred to claim `from` (the first reference: the
 *  dependency of a suggested claim whose parent suggestion was inserted under another number). */
export function retarget(text: string, from: number, to: number): string {
  return from === to ? text : text.replace(new RegExp(`\\b(claim\\s+)${from}\\b`, "i"), (_m, word: string) => `${word}${to}`);
}
