// Office and Word stand-ins for the unit tests, built with office-addin-mock: its objects refuse to
// give a property before load() and context.sync() (like Office.js), so the tests catch a missing load.

import { OfficeMockObject } from "office-addin-mock";

type Data = Record<string, unknown>;

const created: OfficeMockObject[] = [];
const syncMock = OfficeMockObject.prototype.sync;

/** A mock whose sync also happens on `context.sync()` (office-addin-mock only syncs its own tree). */
export function mock(data: Data): OfficeMockObject & Record<string, any> {
  const m = new OfficeMockObject(data) as OfficeMockObject & Record<string, any>;
  created.push(m);
  return m;
}

/** A collection as Office.js has them: `items`, loaded with "items/<property>" paths. */
export function collection(items: object[]): OfficeMockObject & Record<string, any> {
  const m = mock({ items });
  const load = m.load.bind(m);
  m.load = (properties?: unknown) => {
    if (typeof properties !== "string" || !/^items(\/[A-Za-z]+)?(,\s*items\/[A-Za-z]+)*$/.test(properties)) {
      throw new Error(`unexpected load of a collection: ${properties}`);
    }
    return load("items");
  };
  return m;
}

export interface WordDocumentMock {
  paragraphs: Array<Record<string, any>>;
  comments: Array<{ content: string; deleted: boolean }>;
  selected: string[];
  inserted: Array<{ after: string; text: string; location: string; tracking: string }>;
  document: Record<string, any>;
}

/** Word with a body of `texts` (paragraph objects with search, insertParagraph, select). */
export function installWord(
  texts: string[],
  options: { comments?: string[]; listItems?: boolean; trackingMode?: string } = {},
): WordDocumentMock {
  created.length = 0;
  const state: WordDocumentMock = {
    paragraphs: [],
    comments: (options.comments ?? []).map((content) => ({ content, deleted: false })),
    selected: [],
    inserted: [],
    document: {},
  };
  const range = (text: string) => ({
    text,
    select: () => state.selected.push(text),
    insertComment: (comment: string) => {
      state.comments.push({ content: comment, deleted: false });
      return { content: comment };
    },
  });
  const search = (haystack: string) => (needle: string) => {
    const found: object[] = [];
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
      found.push({ ...range(needle), at });
    }
    return collection(found);
  };
  const paragraph = (text: string): Record<string, any> => {
    const p: Record<string, any> = {
      text,
      isListItem: Boolean(options.listItems) && /^(A|The) /.test(text),
      search: search(text),
      select: () => state.selected.push(text),
      insertParagraph: (added: string, location: string) => {
        state.inserted.push({ after: text, text: added, location, tracking: String(state.document.changeTrackingMode) });
        return paragraph(added);
      },
    };
    return p;
  };
  state.paragraphs = texts.map(paragraph);
  const context = mock({
    document: {
      changeTrackingMode: options.trackingMode ?? "Off",
      body: {
        search: (needle: string) => search(texts.join("\n"))(needle),
        getComments: () =>
          collection(
            state.comments.map((c) => ({
              get content() {
                return c.content;
              },
              delete: () => {
                c.deleted = true;
              },
            })),
          ),
        insertParagraph: (added: string, location: string) => {
          state.inserted.push({ after: "(body)", text: added, location, tracking: String(state.document.changeTrackingMode) });
          return paragraph(added);
        },
      },
    },
    application: { createDocument: () => ({ open: () => undefined }) },
  });
  context.document.body.paragraphs = collection(state.paragraphs);
  state.document = context.document;
  context.sync = async () => {
    for (const m of created) await syncMock.call(m);
    await new Promise((resolve) => setTimeout(resolve, 0)); // office-addin-mock updates in microtasks
  };
  (globalThis as any).Word = {
    ChangeTrackingMode: { off: "Off", trackAll: "TrackAll", trackMineOnly: "TrackMineOnly" },
    run: async (batch: (c: unknown) => Promise<unknown>) => batch(context),
  };
  return state;
}

export interface FileMock {
  calls: string[];
}

/** Office.context.document.getFileAsync over `bytes`, cut into slices of `sliceSize`. */
export function installOffice(
  bytes: number[],
  options: { sliceSize?: number; failSlice?: number; sets?: Record<string, string> } = {},
): FileMock {
  const state: FileMock = { calls: [] };
  const sliceSize = options.sliceSize ?? 4;
  const ok = (value: unknown) => ({ status: "succeeded", value });
  const office = mock({
    context: {
      document: {
        getFileAsync(type: string, opts: { sliceSize: number }, callback: (r: unknown) => void) {
          state.calls.push(`getFileAsync:${type}:${opts.sliceSize}`);
          const sliceCount = Math.ceil(bytes.length / sliceSize);
          callback(
            ok({
              size: bytes.length,
              sliceCount,
              getSliceAsync(index: number, cb: (r: unknown) => void) {
                state.calls.push(`getSliceAsync:${index}`);
                if (index === options.failSlice) cb({ status: "failed", error: { message: "slice lost" } });
                else cb(ok({ index, data: bytes.slice(index * sliceSize, (index + 1) * sliceSize) }));
              },
              closeAsync(cb: (r: unknown) => void) {
                state.calls.push("closeAsync");
                cb(ok(undefined));
              },
            }),
          );
        },
      },
      requirements: {
        isSetSupported: (name: string, version: string) => {
          const have = options.sets?.[name];
          return have !== undefined && Number(have) >= Number(version);
        },
      },
    },
  });
  office.context.document.url = "C:\\Matters\\widget application.docx";
  // enums are plain values in Office.js (no load needed)
  office.FileType = { Compressed: "compressed" };
  office.AsyncResultStatus = { Succeeded: "succeeded", Failed: "failed" };
  (globalThis as any).Office = office;
  return state;
}
