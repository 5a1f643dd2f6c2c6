// Every call the task pane makes to Word (Office.js). Nothing else touches `Office` or `Word`, so
// test/office.test.ts can check them against office-addin-mock and tests/e2e/ against a stand-in host.

export const SLICE_BYTES = 4 * 1024 * 1024; // the largest slice Office hands out
export const COMMENT_PREFIX = /^\[[A-Z]{2}\d{3}\]/; // PatentPane's comments: "[AB001] message"

export class OfficeFailure extends Error {
  constructor(
    message: string,
    readonly kind: "too_large" | "office" | "not_found" = "office",
  ) {
    super(message);
  }
}

/** Whether the running Word supports a requirement set ("WordApi", "1.4"); false outside Office. */
export function supports(set: string, version: string): boolean {
  try {
    return Boolean(globalThis.Office?.context?.requirements?.isSetSupported(set, version));
  } catch {
    return false;
  }
}

export const features = {
  comments: () => supports("WordApi", "1.4"),
  changeTracking: () => supports("WordApi", "1.4"),
  createDocument: () => supports("WordApi", "1.3"),
  nestedAppAuth: () => supports("NestedAppAuth", "1.1"),
  dialog: () => supports("DialogApi", "1.1"),
};

function asyncCall<T>(start: (callback: (result: Office.AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    start((result) => {
      if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
      else reject(new OfficeFailure(result.error?.message || "Word could not do this"));
    });
  });
}

/** The open document as .docx bytes: getFileAsync(Compressed) slice by slice, then closeAsync
 *  (Word keeps at most two files open). `maxBytes`: refuse larger documents before reading them. */
export async function readDocument(options: { maxBytes?: number; sliceSize?: number } = {}): Promise<Uint8Array> {
  const file = await asyncCall<Office.File>((cb) =>
    Office.context.document.getFileAsync(Office.FileType.Compressed, { sliceSize: options.sliceSize ?? SLICE_BYTES }, cb),
  );
  try {
    if (options.maxBytes !== undefined && file.size > options.maxBytes) {
      throw new OfficeFailure(`${file.size}`, "too_large");
    }
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < file.sliceCount; i++) {
      const slice = await asyncCall<Office.Slice>((cb) => file.getSliceAsync(i, cb));
      const bytes = slice.data instanceof Uint8Array ? slice.data : Uint8Array.from(slice.data as number[]);
      parts.push(bytes);
      total += bytes.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  } finally {
    await new Promise<void>((resolve) => file.closeAsync(() => resolve()));
  }
}

/** The document's file name (for uploads), when Word knows it. */
export function documentName(): string {
  const url = globalThis.Office?.context?.document?.url || "";
  const name = url.split(/[\\/]/).pop() || "";
  return name.toLowerCase().endsWith(".docx") ? name : "document.docx";
}

export interface Place {
  paragraph: number; // body and table-cell paragraphs from 0, as the backend counts them
  start: number; // offset in the paragraph as displayed (list numbers included)
  text: string; // the words themselves
}

/** Word's search takes at most 255 characters; `^` is its escape character. */
export function searchable(text: string): string {
  let needle = text.replace(/\s+/g, " ").trim();
  if (needle.length > 200) needle = needle.slice(0, 200).replace(/\s+\S*$/, "");
  return needle;
}

function escapeSearch(text: string): string {
  return text.replace(/\^/g, "^^");
}

/** Which occurrence of `needle` in `paragraphText` the backend's offset `start` means: the last one
 *  at or before it (Word's text lacks the list number the backend counts, so offsets only shrink). */
export function occurrenceIndex(paragraphText: string, needle: string, start: number): number {
  let index = -1;
  let k = 0;
  for (let at = paragraphText.indexOf(needle); at !== -1; at = paragraphText.indexOf(needle, at + 1), k++) {
    if (at <= start) index = k;
    else break;
  }
  return Math.max(index, 0);
}

async function locate(context: Word.RequestContext, place: Place): Promise<Word.Range | null> {
  const needle = searchable(place.text);
  if (!needle) return null;
  const paragraphs = context.document.body.paragraphs;
  paragraphs.load("items/text");
  await context.sync();
  const paragraph = paragraphs.items[place.paragraph];
  if (paragraph && paragraph.text.includes(needle)) {
    const found = paragraph.search(escapeSearch(needle), { matchCase: true });
    found.load("items");
    await context.sync();
    const k = occurrenceIndex(paragraph.text, needle, place.start);
    if (found.items.length) return found.items[Math.min(k, found.items.length - 1)];
  }
  const anywhere = context.document.body.search(escapeSearch(needle), { matchCase: true });
  anywhere.load("items");
  await context.sync();
  return anywhere.items[0] ?? null;
}

/** Selects (and scrolls to) the words of a finding; false when they are no longer there. */
export async function selectWords(place: Place): Promise<boolean> {
  return Word.run(async (context) => {
    const range = await locate(context, place);
    if (!range) return false;
    range.select();
    await context.sync();
    return true;
  });
}

export interface CommentRequest extends Place {
  comment: string;
}

/** Word comments on the words of each finding (WordApi 1.4); PatentPane's earlier comments (those
 *  starting "[AB001]") go first, so checking twice does not duplicate them. Returns how many were
 *  added and how many findings' words could not be found. */
export async function addComments(requests: CommentRequest[]): Promise<{ added: number; missing: number }> {
  return Word.run(async (context) => {
    const existing = context.document.body.getComments();
    existing.load("items/content");
    await context.sync();
    for (const comment of existing.items) {
      if (COMMENT_PREFIX.test(comment.content)) comment.delete();
    }
    await context.sync();
    let added = 0;
    let missing = 0;
    for (const request of requests) {
      const range = await locate(context, request);
      if (!range) {
        missing++;
        continue;
      }
      range.insertComment(request.comment);
      added++;
    }
    await context.sync();
    return { added, missing };
  });
}

/** Opens .docx bytes as a new Word document (WordApi 1.3): the annotated copy, or the draft. */
export async function openAsNewDocument(bytes: Uint8Array): Promise<void> {
  await Word.run(async (context) => {
    context.application.createDocument(toBase64(bytes)).open();
    await context.sync();
  });
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The texts of the body's paragraphs, in order (for the description the claims assistant uses). */
export async function paragraphTexts(): Promise<string[]> {
  return Word.run(async (context) => {
    const paragraphs = context.document.body.paragraphs;
    paragraphs.load("items/text");
    await context.sync();
    return paragraphs.items.map((p) => p.text);
  });
}

const TYPED_NUMBER = /^\s*(\d+)\s*\.\s*/;

function normalised(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Adds a claim after the last paragraph of the claims (found by the end of the last claim's text):
 *  typed as "N. text" when the claims are typed, or as text only when Word numbers them (the new
 *  paragraph continues their list). Returns false when the claims are not found in the document. */
export async function insertClaim(options: { lastClaimText: string; number: number; text: string }): Promise<boolean> {
  const tail = normalised(options.lastClaimText).slice(-40);
  const body = normalised(options.text.replace(TYPED_NUMBER, ""));
  return Word.run(async (context) => {
    const paragraphs = context.document.body.paragraphs;
    paragraphs.load("items/text,items/isListItem");
    await context.sync();
    let last = -1;
    for (let i = paragraphs.items.length - 1; i >= 0; i--) {
      const text = normalised(paragraphs.items[i].text);
      if (tail && text.endsWith(tail)) {
        last = i;
        break;
      }
    }
    if (last < 0) return false;
    // the claim's first paragraph says how claims are numbered: typed "1." or a Word list
    let first = last;
    while (first > 0 && !TYPED_NUMBER.test(paragraphs.items[first].text) && !paragraphs.items[first].isListItem) first--;
    const listed = paragraphs.items[first].isListItem && !TYPED_NUMBER.test(paragraphs.items[first].text);
    const added = paragraphs.items[last].insertParagraph(listed ? body : `${options.number}. ${body}`, "After");
    added.select();
    await context.sync();
    return true;
  });
}

export interface DraftBlock {
  section: string; // technical_field, background, summary, brief_description_of_drawings, detailed_description, abstract
  heading: string;
  paragraphs: string[];
}

/** The sections in the order of 37 CFR 1.77(b), with the headings documents give them. */
export const SECTION_HEADINGS: [string, string[]][] = [
  ["technical_field", ["TECHNICAL FIELD", "FIELD", "FIELD OF THE INVENTION", "FIELD OF THE DISCLOSURE", "TECHNICAL FIELD OF THE INVENTION"]],
  ["background", ["BACKGROUND", "BACKGROUND ART", "BACKGROUND OF THE INVENTION", "BACKGROUND OF THE DISCLOSURE"]],
  ["summary", ["SUMMARY", "BRIEF SUMMARY", "SUMMARY OF THE INVENTION", "SUMMARY OF THE DISCLOSURE", "BRIEF SUMMARY OF THE INVENTION"]],
  ["brief_description_of_drawings", ["BRIEF DESCRIPTION OF THE DRAWINGS", "BRIEF DESCRIPTION OF DRAWINGS", "DESCRIPTION OF THE DRAWINGS"]],
  ["detailed_description", ["DETAILED DESCRIPTION", "DETAILED DESCRIPTION OF THE INVENTION", "DETAILED DESCRIPTION OF EMBODIMENTS", "DESCRIPTION OF EMBODIMENTS", "DESCRIPTION OF THE EMBODIMENTS"]],
  ["claims", ["CLAIMS", "WHAT IS CLAIMED IS", "I CLAIM", "WE CLAIM"]],
  ["abstract", ["ABSTRACT", "ABSTRACT OF THE DISCLOSURE"]],
];

function headingKey(text: string): string {
  return normalised(text).toUpperCase().replace(/[:.]+$/, "");
}

/** Inserts drafted sections as tracked changes (WordApi 1.4 change tracking): each section under the
 *  document's own heading for it (before what is already there), else as a new heading and paragraphs
 *  before the first heading of a later section (37 CFR 1.77(b) order), else at the end; tracking is
 *  switched back to what it was afterwards (the insertions stay revisions). */
export async function insertTracked(blocks: DraftBlock[]): Promise<number> {
  return Word.run(async (context) => {
    const document = context.document;
    document.load("changeTrackingMode");
    const paragraphs = document.body.paragraphs;
    paragraphs.load("items/text");
    await context.sync();
    const before = document.changeTrackingMode;
    document.changeTrackingMode = Word.ChangeTrackingMode.trackAll;
    await context.sync();
    const order = SECTION_HEADINGS.map(([section]) => section);
    const headingOf = (section: string, own?: string) => {
      const names = new Set([...(SECTION_HEADINGS.find(([s]) => s === section)?.[1] ?? []), ...(own ? [headingKey(own)] : [])]);
      return paragraphs.items.find((p) => names.has(headingKey(p.text)));
    };
    let inserted = 0;
    try {
      for (const block of blocks) {
        const own = headingOf(block.section, block.heading);
        if (own) {
          let anchor = own;
          for (const text of block.paragraphs) {
            anchor = anchor.insertParagraph(text, "After");
            inserted++;
          }
          continue;
        }
        const later = order.slice(order.indexOf(block.section) + 1).map((s) => headingOf(s)).find(Boolean);
        if (later && order.includes(block.section)) {
          for (const text of [block.heading, ...block.paragraphs]) later.insertParagraph(text, "Before");
        } else {
          for (const text of [block.heading, ...block.paragraphs]) document.body.insertParagraph(text, "End");
        }
        inserted += block.paragraphs.length + 1;
      }
      await context.sync();
    } finally {
      document.changeTrackingMode = before;
      await context.sync();
    }
    return inserted;
  });
}
