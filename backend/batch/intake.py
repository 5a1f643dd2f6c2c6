"""Turn an upload into the named documents of a batch.

Three sources, one result (`Intake`: documents in a stable order, plus the entries skipped and why):

- `read_upload(files=[(filename, bytes), ...])`: many files from a multipart upload, or exactly one
  .zip of them;
- `read_zip(source=bytes | path | binary file)`: a .zip, nested folders allowed;
- `read_directory(path=...)`: a folder on disk (the CLI).

Which entries become documents: names ending in .docx, and also .docm/.dotx/.dotm/.doc. The latter
are not checkable (macro-enabled, template, Word 97-2003), but an attorney who put them in the docket
expects to hear why they were not checked, so they become documents that fail with the checker's
precise code (``macro_enabled``, ``not_a_docx``) instead of vanishing into "skipped". Everything
else is recorded in `Intake.skipped` with a reason code:

- ``macos_metadata``  under ``__MACOSX/`` (Finder's resource forks)
- ``hidden``          a dotfile or inside a dot-folder (``.DS_Store``, ``._x.docx``, ``.git/``)
- ``word_lock_file``  ``~$name.docx``, the owner file Word leaves next to an open document
- ``not_docx``        any other file name (.pdf, .txt, a nested .zip, ...)

Bad uploads raise `InputError(code, message)` with these stable codes (limits in `IntakeLimits`):

- ``not_a_zip``        the .zip is not a readable zip archive
- ``corrupt_zip``      a member cannot be decompressed (CRC error, unsupported method, truncated)
- ``encrypted``        a member is password-protected
- ``too_many_entries`` more zip entries (or folder entries) than ``max_entries``
- ``too_many_files``   more documents than ``max_files``
- ``zip_bomb``         documents expand beyond ``max_total_bytes``, an entry's compression ratio is
                       above ``max_ratio``, or an entry inflates past the size it declares
- ``batch_too_large``  the files of a multipart upload or folder add up to more than ``max_total_bytes``
- ``unsafe_path``      an absolute name, a drive letter, a ``..`` component or a control character
- ``mixed_upload``     a .zip together with other files
- ``empty_batch``      no document at all

Names are POSIX relative paths ("docket/2024/app.docx"); names that collide (also when they differ
only in case, which would collide on a Windows or macOS disk) get " (2)", " (3)", ... before the
extension. The order is the order of the upload (zip directory order, sorted for folders); a
document's `index` is its position and never changes: the batch service keys work by it.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from backend.checking import InputError

DOCUMENT_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm", ".doc")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    max_files: int = 1_000
    """Documents in one batch."""
    max_entries: int = 10_000
    """Zip entries (or folder entries) of any kind, skipped ones and directories included."""
    max_total_bytes: int = 512 * MiB
    """Uncompressed size of all documents together."""
    max_ratio: int = 100
    """Compression ratio of one zip entry. A .docx is itself compressed (ratio ~1 inside a zip);
    even a package with stored (uncompressed) XML parts stays well below 100."""
    ratio_min_bytes: int = 1 * MiB
    """The ratio is only checked for entries at least this large (tiny files compress absurdly)."""


@dataclass(frozen=True, slots=True)
class Document:
    index: int
    """Position in the batch, from 0; stable (the batch service keys each file's work by it)."""
    name: str
    """Unique (case-insensitively) POSIX relative path, e.g. "docket/app.docx"."""
    data: bytes = field(repr=False)
    sha256: str = ""
    size: int = 0

    @classmethod
    def of(cls, *, index: int, name: str, data: bytes) -> Document:
        return cls(index=index, name=name, data=data, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    name: str
    reason: str
    """One of: macos_metadata, hidden, word_lock_file, not_docx."""


@dataclass(slots=True)
class Intake:
    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)


def safe_name(raw: str) -> str:
    """`raw` as a POSIX relative path; raises InputError("unsafe_path") for names that could escape
    a target folder when extracted (absolute, drive letter, "..") or that hold control characters."""
    name = raw.replace("\\", "/")
    shown = raw if len(raw) <= 200 else raw[:200] + "..."
    if name.startswith("/") or _DRIVE_RE.match(name) or _CONTROL_RE.search(name):
        raise InputError("unsafe_path", f"refusing the entry {shown!r}: absolute path or control character")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise InputError("unsafe_path", f"refusing the entry {shown!r}: '..' in the path")
    return "/".join(parts)


def skip_reason(name: str, *, folder: bool = False) -> str | None:
    """Why the entry `name` (a safe POSIX path) is not a document (with `folder`: why nothing in
    that folder is), or None."""
    parts = name.split("/")
    if "__MACOSX" in parts:
        return "macos_metadata"
    if any(p.startswith(".") for p in parts):
        return "hidden"
    if folder:
        return None
    if parts[-1].startswith("~$"):
        return "word_lock_file"
    if not parts[-1].lower().endswith(DOCUMENT_SUFFIXES):
        return "not_docx"
    return None


class _Collector:
    """Accumulates documents with unique names and enforces the count and size limits."""

    def __init__(self, limits: IntakeLimits, *, size_code: str) -> None:
        self.limits = limits
        self.size_code = size_code
        self.intake = Intake()
        self.total = 0
        self.reserved = 0
        self._taken: set[str] = set()

    def skip(self, name: str, reason: str) -> None:
        self.intake.skipped.append(SkippedEntry(name=name, reason=reason))

    def reserve(self, size: int) -> None:
        """Account for one more document of `size` bytes before reading it."""
        self.reserved += 1
        if self.reserved > self.limits.max_files:
            raise InputError("too_many_files", f"more than {self.limits.max_files} documents in one batch")
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise InputError(
                self.size_code,
                f"the documents add up to more than {self.limits.max_total_bytes // MiB} MiB uncompressed",
            )

    def add(self, name: str, data: bytes) -> None:
        self.intake.documents.append(Document.of(index=len(self.intake.documents), name=self._unique(name), data=data))

    def _unique(self, name: str) -> str:
        stem, ext = posixpath.splitext(name)
        candidate, n = name, 1
        while candidate.lower() in self._taken:
            n += 1
            candidate = f"{stem} ({n}){ext}"
        self._taken.add(candidate.lower())
        return candidate

    def result(self) -> Intake:
        if not self.intake.documents:
            skipped = len(self.intake.skipped)
            raise InputError(
                "empty_batch",
                "no .docx documents found" + (f" ({skipped} other entries skipped)" if skipped else ""),
            )
        return self.intake


def read_zip(*, source: bytes | str | os.PathLike[str] | BinaryIO, limits: IntakeLimits | None = None) -> Intake:
    """The documents of a .zip. The directory is validated (entry count, names, declared sizes and
    ratios) before anything is decompressed; decompression is capped at each entry's declared size."""
    limits = limits or IntakeLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InputError("not_a_zip", f"the upload is not a readable .zip archive ({exc})") from None
    collector = _Collector(limits, size_code="zip_bomb")
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise InputError("too_many_entries", f"the zip has {len(infos)} entries (limit {limits.max_entries})")
        wanted: list[tuple[str, zipfile.ZipInfo]] = []
        for info in infos:
            name = safe_name(info.filename)  # every entry, skipped ones too: a hostile zip is refused whole
            if info.is_dir() or not name:
                continue
            reason = skip_reason(name)
            if reason is not None:
                collector.skip(name, reason)
                continue
            if info.flag_bits & 0x1:
                raise InputError("encrypted", f"{name} is password-protected inside the zip")
            if info.file_size >= limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise InputError(
                    "zip_bomb",
                    f"{name} expands {info.file_size // max(info.compress_size, 1)}x (limit {limits.max_ratio}x)",
                )
            collector.reserve(info.file_size)
            wanted.append((name, info))
        for name, info in wanted:
            collector.add(name, _read_member(archive, info, name))
    return collector.result()


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    try:
        with archive.open(info) as member:
            # one byte more than declared: a member that inflates past its header is a bomb in disguise
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise InputError("corrupt_zip", f"cannot decompress {name} ({exc})") from None
    if len(data) > info.file_size:
        raise InputError("zip_bomb", f"{name} is larger than its zip entry declares")
    return data


def read_upload(*, files: Sequence[tuple[str, bytes]], limits: IntakeLimits | None = None) -> Intake:
    """The documents of a multipart upload: many files, or exactly one .zip (expanded)."""
    limits = limits or IntakeLimits()
    zips = [name for name, _ in files if name.lower().endswith(".zip")]
    if zips:
        if len(files) > 1:
            raise InputError("mixed_upload", "upload either .docx files or one .zip of them, not both")
        return read_zip(source=files[0][1], limits=limits)
    if len(files) > limits.max_entries:
        raise InputError("too_many_entries", f"{len(files)} files uploaded (limit {limits.max_entries})")
    collector = _Collector(limits, size_code="batch_too_large")
    for filename, data in files:
        name = safe_name(filename)
        reason = skip_reason(name) if name else "not_docx"
        if reason is not None:
            collector.skip(name or filename, reason)
            continue
        collector.reserve(len(data))
        collector.add(name, data)
    return collector.result()


def read_directory(
    *, path: Path, limits: IntakeLimits | None = None, exclude: Iterable[Path] = ()
) -> Intake:
    """The documents under the folder `path` (sorted, recursively; symlinked folders are not
    followed). Folders in `exclude` are not entered: the CLI's output folder may sit inside the
    input folder, and a second run must not check the annotated copies of the first."""
    limits = limits or IntakeLimits()
    root = path.resolve()
    excluded = {p.resolve() for p in exclude}
    collector = _Collector(limits, size_code="batch_too_large")
    entries = 0
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            rel = (here / d).relative_to(root).as_posix()
            if (here / d).resolve() in excluded:
                continue
            reason = skip_reason(rel, folder=True)
            if reason is not None:
                collector.skip(rel + "/", reason)  # recorded once; the folder is not entered
                continue
            kept.append(d)
        dirnames[:] = kept
        entries += len(kept) + len(filenames)
        if entries > limits.max_entries:
            raise InputError("too_many_entries", f"more than {limits.max_entries} entries under {path}")
        for filename in sorted(filenames):
            file = here / filename
            rel = file.relative_to(root).as_posix()
            reason = skip_reason(rel) if file.is_file() else "not_docx"
            if reason is not None:
                collector.skip(rel, reason)
                continue
            collector.reserve(file.stat().st_size)
            found.append((rel, file))
    for rel, file in found:
        collector.add(rel, file.read_bytes())
    return collector.result()
