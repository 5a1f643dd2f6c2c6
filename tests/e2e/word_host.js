// The page standing in for Word: the document (paragraph texts of the .docx fixture) on the left,
// the task pane in a frame on the right. window.WordHost is the document model the Office.js
// stand-in (office_standin.js) works on; the test reads it back to check what the pane did.
(function () {
  "use strict";
  const setup = JSON.parse(document.getElementById("setup").textContent);
  const docx = Uint8Array.from(atob(setup.docx), (c) => c.charCodeAt(0));
  let nextId = 0;

  const WordHost = {
    fileName: setup.fileName,
    requirements: setup.requirements,
    paragraphs: setup.paragraphs.map((text) => ({ id: nextId++, text: text, tracked: false })),
    comments: [],
    selection: null,
    trackingMode: "Off",
    openedDocuments: [],
    calls: [],
    log(name, detail) { this.calls.push(detail === undefined ? name : `${name}:${detail}`); },
    currentDocx() { return docx; },
    select(entry, start, end) {
      this.selection = { entry: entry, start: start, end: end };
      this.log("select", entry.text.slice(start, end));
      this.render();
      const el = document.querySelector(`[data-id="${entry.id}"]`);
      if (el) el.scrollIntoView({ block: "center" });
    },
    addComment(entry, start, end, content) {
      const comment = { entry: entry, start: start, end: end, content: content };
      this.comments.push(comment);
      return comment;
    },
    deleteComment(comment) {
      this.comments = this.comments.filter((c) => c !== comment);
    },
    insertParagraph(anchor, text, location) {
      const entry = { id: nextId++, text: text, tracked: this.trackingMode !== "Off" };
      let at = this.paragraphs.length;
      if (anchor) {
        const i = this.paragraphs.indexOf(anchor);
        at = location === "Before" ? i : i + 1;
      } else if (location === "Start") {
        at = 0;
      }
      this.paragraphs.splice(at, 0, entry);
      this.log("insertParagraph", text);
      return entry;
    },
    // what the test asserts on
    snapshot() {
      return {
        paragraphs: this.paragraphs.map((p) => ({ text: p.text, tracked: p.tracked })),
        comments: this.comments.map((c) => ({ text: c.entry.text.slice(c.start, c.end), content: c.content })),
        selection: this.selection && this.selection.entry.text.slice(this.selection.start, this.selection.end),
        trackingMode: this.trackingMode,
        openedDocuments: this.openedDocuments.length,
        calls: this.calls.slice(),
      };
    },
    render() {
      const page = document.getElementById("page");
      page.replaceChildren();
      for (const entry of this.paragraphs) {
        const p = document.createElement("p");
        p.dataset.id = String(entry.id);
        if (entry.tracked) p.className = "tracked";
        if (/^[A-Z][A-Z ,]+:?$/.test(entry.text) || entry.id === 0) p.classList.add("heading");
        const marks = [];
        for (const c of this.comments) if (c.entry === entry) marks.push({ start: c.start, end: c.end, kind: "comment" });
        if (this.selection && this.selection.entry === entry) {
          marks.push({ start: this.selection.start, end: this.selection.end, kind: "selection" });
        }
        marks.sort((a, b) => a.start - b.start);
        let at = 0;
        for (const m of marks) {
          if (m.start < at) continue;
          p.append(entry.text.slice(at, m.start));
          const span = document.createElement("span");
          span.className = m.kind;
          span.textContent = entry.text.slice(m.start, m.end);
          p.append(span);
          at = m.end;
        }
        p.append(entry.text.slice(at));
        page.append(p);
        for (const c of this.comments) {
          if (c.entry !== entry) continue;
          const note = document.createElement("aside");
          note.className = "comment-note";
          note.textContent = c.content;
          page.append(note);
        }
      }
    },
  };
  window.WordHost = WordHost;
  WordHost.render();
  document.getElementById("pane").src = setup.paneUrl;
})();
