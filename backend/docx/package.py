"""Open and validate an uploaded .docx (an OPC zip package) from bytes.

`open_package(data)` checks the zip directory before extracting anything, reads every part into
memory and keeps the zip entries (order and `ZipInfo`) so that `DocxPackage.to_bytes` can write a
copy in which every part nobody replaced has exactly the bytes it had.

Bad input raises `DocxError(code, message)`; the codes are stable and machine-readable:

- ``not_a_docx``    not a zip, no main document part, or the main part is not a Word document
- ``macro_enabled`` a .docm/.dotm (macro-enabled content type or a vbaProject part)
- ``encrypted``     an OLE compound file (how Word stores password-protected .docx) or zip encryption
- ``zip_bomb``      > 10,000 entries, > 512 MiB uncompressed, or an entry > 10 MB with ratio > 200
- ``corrupt``       broken zip data or XML that does not parse
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from backend.docx.oxml import CT_NS, PKG_REL_NS, XmlError, parse

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")

MAX_ENTRIES = 10_000
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
RATIO_CHECK_MIN_SIZE = 10 * 1024 * 1024

RT_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RT_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
RT_COMMENTS_IDS = "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds"
RT_COMMENTS_EXTENSIBLE = "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible"

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CT_MACRO_MAIN = "application/vnd.ms-word.document.macroenabled.main+xml"
CT_MACRO_TEMPLATE_MAIN = "application/vnd.ms-word.template.macroenabledtemplate.main+xml"
CT_VBA_PROJECT = "application/vnd.ms-office.vbaproject"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"

DEFAULT_MAIN_PART = "word/document.xml"


class DocxError(Exception):
    """An uploaded file that cannot be processed; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Relationship:
    id: str
    type: str
    target: str
    """The Target attribute as written."""
    external: bool
    part: str | None
    """The target's part name (zip entry name, no leading slash) for internal targets."""


def rels_name(part: str) -> str:
    """Name of the relationships part of `part` ("" for the package itself)."""
    directory, name = posixpath.split(part)
    return posixpath.join(directory, "_rels", f"{name}.rels")


def _resolve_target(source: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


@dataclass(slots=True)
class DocxPackage:
    """Every part of a .docx in memory, plus the zip entries to re-emit them faithfully."""

    infos: list[zipfile.ZipInfo]
    """Zip entries in their original order."""
    parts: dict[str, bytes]
    """Part name (zip entry name) -> uncompressed bytes, as stored."""
    main_part: str = DEFAULT_MAIN_PART
    _xml: dict[str, etree._Element] = field(default_factory=dict, repr=False)

    # -- reading -------------------------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self.parts

    def part(self, name: str) -> bytes:
        return self.parts[name]

    def xml(self, name: str) -> etree._Element:
        """The parsed root of an XML part (parsed once and cached; callers may edit the tree).

        Raises KeyError when the part does not exist and DocxError("corrupt") when it does not parse.
        """
        root = self._xml.get(name)
        if root is None:
            try:
                root = parse(self.parts[name])
            except XmlError as exc:
                raise DocxError("corrupt", f"{name} is not well-formed XML: {exc}") from exc
            self._xml[name] = root
        return root

    def relationships(self, source: str) -> list[Relationship]:
        """Relationships of `source` ("" for the package-level _rels/.rels)."""
        name = "_rels/.rels" if source == "" else rels_name(source)
        if name not in self.parts:
            return []
        result = []
        for rel in self.xml(name):
            if rel.tag != f"{{{PKG_REL_NS}}}Relationship":
                continue
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            result.append(
                Relationship(
                    id=rel.get("Id", ""),
                    type=rel.get("Type", ""),
                    target=target,
                    external=external,
                    part=None if external else _resolve_target(source, target),
                )
            )
        return result

    def related_part(self, source: str, rel_type: str) -> str | None:
        """Part name of the first internal relationship of `rel_type` from `source` that exists."""
        for rel in self.relationships(source):
            if rel.type == rel_type and rel.part is not None and rel.part in self.parts:
                return rel.part
        return None

    def content_type(self, name: str) -> str | None:
        """Content type of a part from [Content_Types].xml (Override first, then Default by extension)."""
        root = self.xml("[Content_Types].xml")
        part_name = "/" + name.lower()
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        default = None
        for entry in root:
            if entry.tag == f"{{{CT_NS}}}Override" and entry.get("PartName", "").lower() == part_name:
                return entry.get("ContentType")
            if entry.tag == f"{{{CT_NS}}}Default" and entry.get("Extension", "").lower() == extension:
                default = entry.get("ContentType")
        return default

    # -- writing -------------------------------------------------------------------------------
    def to_bytes(self, replace: Mapping[str, bytes] | None = None) -> bytes:
        """Write the package as a zip, in the original entry order.

        `replace` maps part names to new bytes; names not yet in the package are appended at the
        end. Every other part is written with exactly its original bytes, entry metadata (date,
        compression method, attributes) copied from the original `ZipInfo`.
        """
        replace = dict(replace or {})
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
            for info in self.infos:
                data = replace.pop(info.filename, self.parts.get(info.filename))
                if data is None:
                    continue
                zf.writestr(_clone_info(info), data)
            date_time = self.infos[0].date_time if self.infos else (1980, 1, 1, 0, 0, 0)
            for name, data in replace.items():
                info = zipfile.ZipInfo(name, date_time=date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return out.getvalue()


def _clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    clone.compress_type = info.compress_type
    if clone.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        clone.compress_type = zipfile.ZIP_DEFLATED
    clone.external_attr = info.external_attr
    clone.internal_attr = info.internal_attr
    clone.create_system = info.create_system
    clone.comment = info.comment
    return clone


def open_package(data: bytes) -> DocxPackage:
    """Validate and open a .docx from its bytes. Raises DocxError (see the module docstring)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("open_package expects bytes")
    data = bytes(data)
    if data[:8] == OLE_SIGNATURE:
        if "WordDocument".encode("utf-16-le") in data and "EncryptionInfo".encode("utf-16-le") not in data:
            raise DocxError("not_a_docx", "This is a Word 97-2003 .doc file; save it as .docx first.")
        raise DocxError("encrypted", "The document is password-protected; remove the password and upload it again.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        if data[:4] == b"PK\x03\x04":
            raise DocxError("corrupt", f"The .docx zip container is damaged: {exc}") from exc
        raise DocxError("not_a_docx", "The file is not a .docx (not a zip package).") from exc
    with zf:
        infos = zf.infolist()
        _check_directory(infos)
        parts: dict[str, bytes] = {}
        kept: list[zipfile.ZipInfo] = []
        for info in infos:
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise DocxError("encrypted", "The package contains encrypted zip entries.")
            try:
                with zf.open(info) as member:
                    content = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
                raise DocxError("corrupt", f"Cannot read {info.filename}: {exc}") from exc
            if len(content) > info.file_size:
                raise DocxError("zip_bomb", f"{info.filename} is larger than its zip entry claims.")
            if info.filename in parts:
                raise DocxError("corrupt", f"Duplicate zip entry {info.filename}.")
            parts[info.filename] = content
            kept.append(info)
    package = DocxPackage(infos=kept, parts=parts)
    _validate(package)
    return package


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise DocxError("zip_bomb", f"The package has {len(infos)} entries (limit {MAX_ENTRIES}).")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_CHECK_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocxError(
                "zip_bomb", f"{info.filename} expands {info.file_size // max(info.compress_size, 1)}x."
            )
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise DocxError("zip_bomb", f"The package expands to {total} bytes (limit {MAX_TOTAL_UNCOMPRESSED}).")


def _validate(package: DocxPackage) -> None:
    if "[Content_Types].xml" not in package.parts:
        raise DocxError("not_a_docx", "The zip has no [Content_Types].xml; it is not an Office document.")
    package.xml("[Content_Types].xml")
    main = package.related_part("", RT_OFFICE_DOCUMENT) if "_rels/.rels" in package.parts else None
    if main is None:
        main = DEFAULT_MAIN_PART
    if main not in package.parts:
        raise DocxError("not_a_docx", "The package has no Word document part (word/document.xml).")
    package.main_part = main
    main_type = (package.content_type(main) or "").lower()
    has_vba = any(
        name.lower().endswith("vbaproject.bin") or (package.content_type(name) or "").lower() == CT_VBA_PROJECT
        for name in package.parts
    )
    if main_type in (CT_MACRO_MAIN, CT_MACRO_TEMPLATE_MAIN) or has_vba:
        raise DocxError("macro_enabled", "Macro-enabled documents (.docm) are not accepted; save as .docx.")
    if main_type not in (CT_MAIN, CT_TEMPLATE_MAIN):
        raise DocxError("not_a_docx", f"The main part has content type {main_type or 'none'}, not a Word document.")
    # Parse what the reader and the comment writer need now, so a broken part fails early.
    package.xml(main)
    for name in [rels_name(main)]:
        if name in package.parts:
            package.xml(name)
    for rel_type in (RT_STYLES, RT_NUMBERING, RT_COMMENTS):
        part = package.related_part(main, rel_type)
        if part is not None:
            package.xml(part)
