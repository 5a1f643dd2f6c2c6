// The pure helpers: grouping findings, claim numbers, the assistant's answers, error messages.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { challengeClaims, plainMessage } from "../src/api";
import {
  type Finding,
  acceptCompletion,
  cloneText,
  insertionOrder,
  commentText,
  groupFindings,
  renumber,
  retarget,
  stripNumber,
  suggestions,
} from "../src/logic";

function finding(code: string, category: string, severity: Finding["severity"], paragraph = 0): Finding {
  return { code, category, severity, message: `${code} message`, claim: null, text: "x", location: { paragraph, start: 0, end: 1 }, suggestion: null };
}

describe("findings", () => {
  test("grouped by category, worst first, with counts by severity", () => {
    const groups = groupFindings([
      finding("TM002", "terminology", "info", 9),
      finding("AB001", "antecedent_basis", "error", 12),
      finding("AB002", "antecedent_basis", "info", 10),
      finding("CF002", "claim_form", "warning", 11),
      finding("AB001", "antecedent_basis", "error", 11),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.label, g.counts]),
      [
        ["Antecedent basis", { error: 2, warning: 0, info: 1 }],
        ["Claim form", { error: 0, warning: 1, info: 0 }],
        ["Terminology", { error: 0, warning: 0, info: 1 }],
      ],
    );
    assert.deepEqual(
      groups[0].findings.map((f) => [f.code, f.location.paragraph]),
      [
        ["AB001", 11],
        ["AB001", 12],
        ["AB002", 10],
      ],
    );
  });

  test("comment text as patentpane check -o writes it", () => {
    const f = { ...finding("AB001", "antecedent_basis", "error"), message: 'No antecedent basis for "the pin"', suggestion: 'change to "a pin"' };
    assert.equal(commentText(f), '[AB001] No antecedent basis for "the pin". Suggestion: change to "a pin"');
  });
});

describe("claims", () => {
  test("a cloned set renumbered to follow the claims, references with it", () => {
    const text = "1. A method comprising: a step.\n2. The method of claim 1, wherein the step is fast.\n3. The method of claims 1 or 2, further comprising claim 7.";
    assert.equal(
      renumber(text, 20),
      "21. A method comprising: a step.\n22. The method of claim 21, wherein the step is fast.\n23. The method of claims 21 or 22, further comprising claim 7.",
    );
  });

  test("a chained suggestion goes in after the suggestion it depends on, referring to its new number", () => {
    const list = suggestions({
      suggestions: [
        { number: 4, parent: 1, text: "The widget of claim 1, further comprising a cover." },
        { number: 5, parent: 1, text: "The widget of claim 1, wherein the lever is red." },
        { number: 6, parent: 4, text: "The widget of claim 4, wherein the cover is hinged." },
      ],
    });
    const [cover, red, hinged] = list;
    assert.deepEqual(insertionOrder(list, hinged, new Map()), [cover, hinged]);
    assert.deepEqual(insertionOrder(list, hinged, new Map([[4, 9]])), [hinged]);
    assert.deepEqual(insertionOrder(list, red, new Map()), [red]);
    assert.equal(retarget(hinged.text, 4, 9), "The widget of claim 9, wherein the cover is hinged.");
    assert.equal(retarget("The widget of claim 14, wherein x.", 4, 9), "The widget of claim 14, wherein x.");
  });

  test("suggested claims lose the number they came with", () => {
    assert.equal(stripNumber(" 21. The device of claim 1, wherein x."), "The device of claim 1, wherein x.");
  });

  test("the assistant's answers, whatever their exact shape", () => {
    const answer = {
      suggestions: [
        { number: 4, parent: 1, text: "The widget of claim 1, wherein the lever is red.", claim: "4. The widget of claim 1, wherein the lever is red.",
          paragraph: 6, sentence: "In some embodiments the lever is red.", score: 0.9 },
      ],
    };
    assert.deepEqual(suggestions(answer), [
      { text: "The widget of claim 1, wherein the lever is red.", number: 4, parent: 1, source: "paragraph 7", quote: "In some embodiments the lever is red.", score: 0.9 },
    ]);
    assert.deepEqual(suggestions({ suggestions: [{ claim: "5. The widget of claim 1." }] })[0].text, "The widget of claim 1.");
    assert.equal(cloneText({ claims: [{ number: 1, text: "A system." }, { number: 2, text: "The system of claim 1." }] }), "1. A system.\n2. The system of claim 1.");
    assert.equal(cloneText({ claims: "1. A system." }), "1. A system.");
    assert.deepEqual(acceptCompletion("the hou", 7, "sing"), { value: "the housing", cursor: 11 });
  });
});

describe("messages", () => {
  test("the claims of a claims challenge, decoded for MSAL", () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const header = `Bearer realm="patentpane", error="insufficient_claims", claims="${btoa(claims)}"`;
    assert.equal(challengeClaims(header), claims);
    assert.equal(challengeClaims('Bearer realm="patentpane"'), null);
  });

  test("plain words for every failure the attorney can meet", () => {
    assert.match(plainMessage("unreachable"), /cannot be reached/);
    assert.match(plainMessage("token_expired"), /sign-in has expired/);
    assert.match(plainMessage("no_claims"), /Nothing here looks like claims/);
    assert.match(plainMessage("too_large", "the upload is larger than 10 bytes"), /larger than 10 bytes/);
    assert.match(plainMessage("whatever", "", 503), /server had a problem/);
  });
});
