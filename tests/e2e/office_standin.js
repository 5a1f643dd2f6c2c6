// Stands in for Office.js inside the task pane's frame (the test serves it for
// https://appsforoffice.microsoft.com/lib/1/hosted/office.js). It implements the calls the pane
// makes (addin/taskpane/src/office.ts) on the document model of the page around the frame
// (word_host.js: window.WordHost, same origin), the way Word behaves: the .docx comes in slices and
// must be closed, search finds words in paragraphs, comments anchor on ranges, paragraphs are
// inserted (as revisions when change tracking is on).
(function () {
  "use strict";
  const host = window.parent.WordHost;
  if (!host) throw new Error("the stand-in Word host is missing");

  const Succeeded = "succeeded";
  const Failed = "failed";
  let openFiles = 0;

  function result(value, error) {
    return error
      ? { status: Failed, error: { message: error, code: 5001 }, value: undefined }
      : { status: Succeeded, value: value };
  }

  function versionAtLeast(have, want) {
    const a = String(have).split(".").map(Number);
    const b = String(want || "1.1").split(".").map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
    }
    return true;
  }

  const Office = {
    HostType: { Word: "Word" },
    FileType: { Compressed: "compressed" },
    AsyncResultStatus: { Succeeded: Succeeded, Failed: Failed },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    onReady(callback) {
      const info = { host: "Word", platform: "PC" };
      return new Promise((resolve) =>
        setTimeout(() => {
          if (callback) callback(info);
          resolve(info);
        }, 0),
      );
    },
    context: {
      officeTheme: { bodyBackgroundColor: "#ffffff" },
      requirements: {
        isSetSupported(name, version) {
          const have = host.requirements[name];
          return have !== undefined && versionAtLeast(have, version);
        },
      },
      document: {
        url: host.fileName,
        getFileAsync(type, options, callback) {
          host.log("getFileAsync", type);
          if (openFiles >= 2) return setTimeout(() => callback(result(null, "too many files open")), 0);
          if (type !== "compressed") return setTimeout(() => callback(result(null, "unsupported file type")), 0);
          openFiles++;
          const bytes = host.currentDocx();
          const sliceSize = Math.min((options && options.sliceSize) || 4194304, 4194304);
          const sliceCount = Math.max(1, Math.ceil(bytes.length / sliceSize));
          let closed = false;
          const file = {
            size: bytes.length,
            sliceCount: sliceCount,
            getSliceAsync(index, cb) {
              const slice = closed
                ? null
                : { index: index, data: Array.from(bytes.subarray(index * sliceSize, (index + 1) * sliceSize)) };
              slice && (slice.size = slice.data.length);
              setTimeout(() => cb(result(slice, closed ? "file closed" : null)), 0);
            },
            closeAsync(cb) {
              if (!closed) openFiles--;
              closed = true;
              host.log("closeAsync");
              setTimeout(() => cb && cb(result(undefined)), 0);
            },
          };
          setTimeout(() => callback(result(file)), 0);
        },
      },
      ui: {
        displayDialogAsync(url, options, callback) {
          setTimeout(() => callback(result(null, "dialogs are not part of the stand-in")), 0);
        },
      },
    },
  };

  // ---- Word: objects over the host's paragraphs (entries, not indexes, so inserts keep them valid)

  function collection(items) {
    return { items: items, load() { return this; } };
  }

  function unescapeSearch(text) {
    return text.replace(/\^\^/g, "^");
  }

  function makeRange(entry, start, end) {
    return {
      get text() { return entry.text.slice(start, end); },
      load() { return this; },
      select() { host.select(entry, start, end); },
      insertComment(content) {
        const comment = host.addComment(entry, start, end, content);
        return makeComment(comment);
      },
    };
  }

  function searchIn(entry, needle, options) {
    const found = [];
    const text = options && options.matchCase === false ? entry.text.toLowerCase() : entry.text;
    const what = options && options.matchCase === false ? needle.toLowerCase() : needle;
    if (!what) return found;
    for (let at = text.indexOf(what); at !== -1; at = text.indexOf(what, at + 1)) {
      found.push(makeRange(entry, at, at + what.length));
    }
    return found;
  }

  function makeParagraph(entry) {
    return {
      get text() { return entry.text; },
      get isListItem() { return false; },
      load() { return this; },
      search(needle, options) {
        if (needle.length > 255) throw new Error("SearchStringInvalidOrTooLong");
        return collection(searchIn(entry, unescapeSearch(needle), options));
      },
      insertParagraph(text, location) {
        return makeParagraph(host.insertParagraph(entry, text, location));
      },
      select() { host.select(entry, 0, entry.text.length); },
    };
  }

  function makeComment(comment) {
    return {
      get content() { return comment.content; },
      load() { return this; },
      delete() { host.deleteComment(comment); },
    };
  }

  function makeContext() {
    const body = {
      get paragraphs() { return collection(host.paragraphs.map(makeParagraph)); },
      search(needle, options) {
        if (needle.length > 255) throw new Error("SearchStringInvalidOrTooLong");
        const all = [];
        for (const entry of host.paragraphs) all.push(...searchIn(entry, unescapeSearch(needle), options));
        return collection(all);
      },
      getComments() {
        if (!Office.context.requirements.isSetSupported("WordApi", "1.4")) throw new Error("ApiNotFound");
        return collection(host.comments.map(makeComment));
      },
      insertParagraph(text, location) {
        return makeParagraph(host.insertParagraph(null, text, location));
      },
    };
    const document = {
      body: body,
      load() { return this; },
      get changeTrackingMode() { return host.trackingMode; },
      set changeTrackingMode(mode) {
        if (!Office.context.requirements.isSetSupported("WordApi", "1.4")) throw new Error("ApiNotFound");
        host.trackingMode = mode;
      },
    };
    return {
      document: document,
      application: {
        createDocument(base64) {
          return { open() { host.openedDocuments.push(base64); host.log("createDocument.open"); } };
        },
      },
      async sync() { host.render(); },
    };
  }

  const Word = {
    ChangeTrackingMode: { off: "Off", trackAll: "TrackAll", trackMineOnly: "TrackMineOnly" },
    async run(batch) {
      const context = makeContext();
      const value = await batch(context);
      host.render();
      return value;
    },
  };

  window.Office = Office;
  window.Word = Word;
})();
