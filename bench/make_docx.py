"""Render corpus records into Word documents in every house style (tests/docxgen.py).

    .venv/bin/python bench/make_docx.py --out /tmp/docx -n 20            # 20 records x all styles
    .venv/bin/python bench/make_docx.py --out /tmp/docx --long 500       # + one 500-page application
    .venv/bin/python bench/make_docx.py --out /tmp/docx --styles ep-style,kitchen-sink --expected

Files are named <style>/<record id>.docx; with --expected a <record id>.txt next to each holds
the paragraph texts a correct reader must produce (one per line, line breaks inside a paragraph
shown as "\\n"). `render_long_docx(records, pages=500)` builds the speed-benchmark document.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.corpus import FULL_CORPUS
from tests.corpus import read_corpus as read_records
from tests.docxgen import HOUSE_STYLES, HouseStyle, expected_text, long_record, render_docx

WORDS_PER_PAGE = 500  # LibreOffice lays the 250,000-word document out on 529 pages


def render_long_docx(
    records: list[dict],
    pages: int = 500,
    *,
    style: HouseStyle | str = "firm-word-numbering",
    seed: int = 0,
    words_per_page: int = WORDS_PER_PAGE,
) -> bytes:
    """A very long application (descriptions of `records` concatenated, cycling, until about
    `pages` x `words_per_page` words; claims and abstract of the first record) as .docx bytes."""
    return render_docx(long_record(list(records), words=pages * words_per_page), style, seed=seed)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "record"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help=f"JSONL.gz corpus (default: {FULL_CORPUS}, else the committed sample)",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("-n", "--count", type=int, default=10, help="number of records (0: all)")
    parser.add_argument("--skip", type=int, default=0, help="skip the first records")
    parser.add_argument("--styles", default=",".join(HOUSE_STYLES), help="comma-separated style names")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--expected", action="store_true", help="also write the expected paragraph texts")
    parser.add_argument(
        "--long",
        type=int,
        default=0,
        metavar="PAGES",
        help="also write long-<PAGES>p.docx (speed benchmark input)",
    )
    args = parser.parse_args(argv)

    styles = [s.strip() for s in args.styles.split(",") if s.strip()]
    unknown = [s for s in styles if s not in HOUSE_STYLES]
    if unknown:
        parser.error(f"unknown style(s) {', '.join(unknown)}; known: {', '.join(HOUSE_STYLES)}")
    records = []
    for i, rec in enumerate(read_records(args.corpus)):
        if i < args.skip:
            continue
        records.append(rec)
        if args.count and len(records) >= args.count:
            break

    start = time.perf_counter()
    written = 0
    for style in styles:
        folder = args.out / style
        folder.mkdir(parents=True, exist_ok=True)
        for rec in records:
            name = _safe(str(rec.get("id", f"record{written}")))
            (folder / f"{name}.docx").write_bytes(render_docx(rec, style, seed=args.seed))
            if args.expected:
                lines = [t.replace("\n", "\\n") for t in expected_text(rec, style, seed=args.seed)]
                (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            written += 1
    print(
        f"{written} documents ({len(records)} records x {len(styles)} styles) in "
        f"{time.perf_counter() - start:.1f} s -> {args.out}"
    )

    if args.long:
        t = time.perf_counter()
        pool = [rec for _, rec in zip(range(60), read_records(args.corpus), strict=False)]
        data = render_long_docx(pool, pages=args.long, seed=args.seed)
        path = args.out / f"long-{args.long}p.docx"
        path.write_bytes(data)
        print(
            f"{path}: {len(data) / 1e6:.1f} MB, {args.long} pages (~{args.long * WORDS_PER_PAGE:,} words) "
            f"in {time.perf_counter() - t:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
