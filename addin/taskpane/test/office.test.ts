// The task pane's Office calls (src/office.ts) against office-addin-mock.

import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import {
  OfficeFailure,
  SLICE_BYTES,
  addComments,
  documentName,
  features,
  insertClaim,
  insertTracked,
  occurrenceIndex,
  readDocument,
  searchable,
  selectWords,
  supports,
} from "../src/office";
import { installOffice, installWord } from "./mocks";

const CLAIMS = [
  "WIDGET",
  "[0001] The widget 100 includes a housing 102 and a lever 104.",
  "CLAIMS",
  "What is claimed is:",
  "1. A widget comprising: a housing; and a lever attached to the housing.",
  "2. The widget of claim 1, wherein the pin is red and the pin is round.",
  "3. The widget of claim 1, wherein the lever is substantially straight.",
  "ABSTRACT",
  "A widget includes a housing and a lever.",
];

describe("reading the document", () => {
  test("every slice of the compressed file, in order, then closeAsync", async () => {
    const file = installOffice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { sliceSize: 4 });
    const bytes = await readDocument();
    assert.deepEqual([...bytes], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(file.calls, [
      `getFileAsync:compressed:${SLICE_BYTES}`,
      "getSliceAsync:0",
      "getSliceAsync:1",
      "getSliceAsync:2",
      "closeAsync",
    ]);
  });

  test("a document larger than the server takes is refused before reading, and closed", async () => {
    const file = installOffice([1, 2, 3, 4, 5, 6], { sliceSize: 4 });
    await assert.rejects(readDocument({ maxBytes: 5 }), (e: unknown) => e instanceof OfficeFailure && e.kind === "too_large" && e.message === "6");
    assert.deepEqual(file.calls, [`getFileAsync:compressed:${SLICE_BYTES}`, "closeAsync"]);
  });

  test("a slice Word fails to give closes the file too", async () => {
    const file = installOffice([1, 2, 3, 4, 5, 6], { sliceSize: 4, failSlice: 1 });
    await assert.rejects(readDocument(), (e: unknown) => e instanceof OfficeFailure && e.message === "slice lost");
    assert.equal(file.calls.at(-1), "closeAsync");
  });

  test("the file name for the upload", () => {
    installOffice([1]);
    assert.equal(documentName(), "widget application.docx");
  });
});

describe("requirement sets", () => {
  test("comments and change tracking need WordApi 1.4; WordApi 1.3 opens documents", () => {
    installOffice([1], { sets: { WordApi: "1.3" } });
    assert.equal(features.comments(), false);
    assert.equal(features.changeTracking(), false);
    assert.equal(features.createDocument(), true);
    installOffice([1], { sets: { WordApi: "1.5", NestedAppAuth: "1.1" } });
    assert.equal(features.comments(), true);
    assert.equal(features.nestedAppAuth(), true);
  });

  test("outside Office nothing is supported", () => {
    delete (globalThis as Record<string, unknown>).Office;
    assert.equal(supports("WordApi", "1.3"), false);
  });
});

describe("selecting a finding's words", () => {
  beforeEach(() => installOffice([1], { sets: { WordApi: "1.4" } }));

  test("the occurrence the backend's offset points at, in its paragraph", async () => {
    const word = installWord(CLAIMS);
    // "the pin" twice in claim 2 (paragraph 5); the second starts at 50 in the displayed text
    assert.equal(await selectWords({ paragraph: 5, start: 50, text: "the pin" }), true);
    assert.deepEqual(word.selected, ["the pin"]);
  });

  test("falls back to the whole body when the paragraph moved", async () => {
    const word = installWord(CLAIMS);
    assert.equal(await selectWords({ paragraph: 0, start: 0, text: "substantially" }), true);
    assert.deepEqual(word.selected, ["substantially"]);
  });

  test("false when the words are gone", async () => {
    const word = installWord(CLAIMS);
    assert.equal(await selectWords({ paragraph: 5, start: 3, text: "the spring" }), false);
    assert.deepEqual(word.selected, []);
  });

  test("which occurrence: the last one at or before the offset", () => {
    const text = "2. The widget of claim 1, wherein the pin is red and the pin is round.";
    assert.equal(occurrenceIndex(text, "the pin", text.indexOf("the pin")), 0);
    assert.equal(occurrenceIndex(text, "the pin", text.lastIndexOf("the pin")), 1);
    assert.equal(occurrenceIndex(text, "the pin", text.lastIndexOf("the pin") + 3), 1); // a list number shifted it
  });

  test("search strings stay under Word's 255 characters, on a word boundary", () => {
    const long = "word ".repeat(100);
    const needle = searchable(long);
    assert.ok(needle.length <= 200 && needle.endsWith("word"));
    assert.equal(searchable("  the\n pin "), "the pin");
  });
});

describe("comments", () => {
  beforeEach(() => installOffice([1], { sets: { WordApi: "1.4" } }));

  test("one per finding on its words; PatentPane's earlier comments go, other people's stay", async () => {
    const word = installWord(CLAIMS, { comments: ["[AB001] an old finding", "Looks good to me -- JR"] });
    const result = await addComments([
      { paragraph: 5, start: 35, text: "the pin", comment: '[AB001] No antecedent basis for "the pin" in claim 2' },
      { paragraph: 6, start: 46, text: "substantially", comment: "[TM002] relative term" },
      { paragraph: 4, start: 0, text: "a spring", comment: "[AB001] gone" },
    ]);
    assert.deepEqual(result, { added: 2, missing: 1 });
    const live = word.comments.filter((c) => !c.deleted).map((c) => c.content);
    assert.deepEqual(live, ["Looks good to me -- JR", '[AB001] No antecedent basis for "the pin" in claim 2', "[TM002] relative term"]);
  });
});

describe("adding a claim at the end of the claims", () => {
  test("typed claims: after the last claim, with its number", async () => {
    const word = installWord(CLAIMS);
    const ok = await insertClaim({
      lastClaimText: "The widget of claim 1, wherein the lever is substantially straight.",
      number: 4,
      text: "21. The widget of claim 1, wherein the housing is formed of aluminium.",
    });
    assert.equal(ok, true);
    assert.deepEqual(
      word.inserted.map((i) => [i.after, i.location, i.text]),
      [[CLAIMS[6], "After", "4. The widget of claim 1, wherein the housing is formed of aluminium."]],
    );
  });

  test("claims numbered by Word: the text only (the list numbers it)", async () => {
    const listed = CLAIMS.map((t) => t.replace(/^\d+\. /, ""));
    const word = installWord(listed, { listItems: true });
    assert.equal(
      await insertClaim({ lastClaimText: listed[6], number: 4, text: "The widget of claim 1, wherein the lever is red." }),
      true,
    );
    assert.equal(word.inserted[0].text, "The widget of claim 1, wherein the lever is red.");
  });

  test("false when the claims are no longer in the document", async () => {
    const word = installWord(CLAIMS);
    assert.equal(await insertClaim({ lastClaimText: "A claim that is not there.", number: 4, text: "x" }), false);
    assert.deepEqual(word.inserted, []);
  });
});

describe("inserting the draft as tracked changes", () => {
  test("tracking on while inserting, back to what it was; sections in their places", async () => {
    const word = installWord(["WIDGET", "Field:", "[0001] Widgets.", "BRIEF DESCRIPTION OF THE DRAWINGS", "CLAIMS", "1. A widget."], {
      trackingMode: "Off",
    });
    const n = await insertTracked([
      { section: "technical_field", heading: "TECHNICAL FIELD", paragraphs: ["The present disclosure relates to widgets."] },
      { section: "summary", heading: "SUMMARY", paragraphs: ["In one aspect, a widget."] },
      { section: "detailed_description", heading: "DETAILED DESCRIPTION", paragraphs: ["The widget 100 includes a housing 102."] },
      { section: "abstract", heading: "ABSTRACT", paragraphs: ["A widget includes a housing."] },
    ]);
    assert.equal(n, 7);
    assert.deepEqual(
      word.inserted.map((i) => [i.after, i.location, i.text, i.tracking]),
      [
        ["Field:", "After", "The present disclosure relates to widgets.", "TrackAll"], // under the document's own heading
        ["BRIEF DESCRIPTION OF THE DRAWINGS", "Before", "SUMMARY", "TrackAll"], // in 37 CFR 1.77(b) order
        ["BRIEF DESCRIPTION OF THE DRAWINGS", "Before", "In one aspect, a widget.", "TrackAll"],
        ["CLAIMS", "Before", "DETAILED DESCRIPTION", "TrackAll"],
        ["CLAIMS", "Before", "The widget 100 includes a housing 102.", "TrackAll"],
        ["(body)", "End", "ABSTRACT", "TrackAll"],
        ["(body)", "End", "A widget includes a housing.", "TrackAll"],
      ],
    );
    assert.equal(word.document.changeTrackingMode, "Off");
  });

  test("an attorney already tracking changes keeps tracking", async () => {
    const word = installWord(["CLAIMS", "1. A widget."], { trackingMode: "TrackMineOnly" });
    await insertTracked([{ section: "summary", heading: "SUMMARY", paragraphs: ["In one aspect, a widget."] }]);
    assert.equal(word.document.changeTrackingMode, "TrackMineOnly");
  });
});
