"""backend.docx.package: validation of uploads (each DocxError code) and faithful re-emission."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from backend.docx.package import DocxError, open_package
from tests.test_docx_reader import MAIN_CT, Part, build_docx, para

MACRO_CT = "application/vnd.ms-word.document.macroEnabled.main+xml"


def code_of(data: bytes) -> str:
    with pytest.raises(DocxError) as info:
        open_package(data)
    assert info.value.message
    return info.value.code


def rezip(data: bytes, *, drop: str | None = None, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


GOOD = build_docx(para("A widget."))


def test_valid_package_opens():
    package = open_package(GOOD)
    assert package.main_part == "word/document.xml"
    assert package.content_type("word/document.xml") == MAIN_CT
    assert [i.filename for i in package.infos][:3] == ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]


def test_not_a_docx():
    assert code_of(b"plain text, not a zip") == "not_a_docx"
    assert code_of(rezip(GOOD, drop="word/document.xml")) == "not_a_docx"
    assert code_of(rezip(GOOD, drop="[Content_Types].xml")) == "not_a_docx"
    xlsx_like = build_docx(para("x"), main_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    assert code_of(xlsx_like) == "not_a_docx"
    # A legacy .doc is an OLE file with a WordDocument stream and no EncryptionInfo.
    legacy = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 512
    assert code_of(legacy) == "not_a_docx"


def test_macro_enabled():
    assert code_of(build_docx(para("x"), main_type=MACRO_CT)) == "macro_enabled"
    vba = Part("word/vbaProject.bin", b"\0" * 64, "application/vnd.ms-office.vbaProject",
               "http://schemas.microsoft.com/office/2006/relationships/vbaProject")
    assert code_of(build_docx(para("x"), extra=[vba])) == "macro_enabled"


def test_encrypted():
    # What Word writes for a password-protected .docx: a CFB container with EncryptionInfo.
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HH", 0x3E, 3) + b"\0" * 486
    encrypted = header + "EncryptionInfo".encode("utf-16-le") + b"\0" * 2 + "EncryptedPackage".encode("utf-16-le")
    assert code_of(encrypted) == "encrypted"
    assert code_of(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024) == "encrypted"


def test_zip_bomb_by_ratio():
    big = b"\0" * (11 * 1024 * 1024)  # compresses ~1000:1
    assert code_of(rezip(GOOD, add={"word/media/big.bin": big})) == "zip_bomb"


def test_zip_bomb_by_entry_count():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for i in range(10_001):
            zf.writestr(f"f{i}", b"")
    assert code_of(out.getvalue()) == "zip_bomb"


def test_zip_bomb_by_total_size_from_the_directory():
    # Two stored entries whose central-directory sizes claim 300 MiB each (ratio 1): the check
    # must fire from the directory alone, before anything is extracted.
    data = bytearray(rezip(GOOD, add={"word/media/a.bin": b"x" * 10, "word/media/b.bin": b"y" * 10}))
    claimed = 300 * 1024 * 1024
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        name = bytes(data[pos + 46: pos + 46 + name_len])
        if name.startswith(b"word/media/"):
            struct.pack_into("<II", data, pos + 20, claimed, claimed)
        pos += 4
    assert code_of(bytes(data)) == "zip_bomb"


def test_corrupt():
    assert code_of(rezip(GOOD, replace={"word/document.xml": b"<w:document><w:body>"})) == "corrupt"
    assert code_of(rezip(GOOD, replace={"[Content_Types].xml": b"<Types"})) == "corrupt"
    assert code_of(GOOD[: len(GOOD) // 2]) == "corrupt"  # truncated zip
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document xmlns:w="x">&a;</w:document>'
    assert code_of(rezip(GOOD, replace={"word/document.xml": dtd})) == "corrupt"


def test_to_bytes_keeps_order_and_bytes():
    package = open_package(GOOD)
    out = package.to_bytes({"word/document.xml": b"<new/>", "word/extra.xml": b"<extra/>"})
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        names = zf.namelist()
        assert names == [i.filename for i in package.infos] + ["word/extra.xml"]
        for name in names:
            expected = {"word/document.xml": b"<new/>", "word/extra.xml": b"<extra/>"}.get(name, package.parts.get(name))
            assert zf.read(name) == expected
    assert open_package(package.to_bytes()).parts == package.parts


def test_input_is_not_modified():
    data = bytes(GOOD)
    open_package(data).to_bytes({"word/document.xml": b"<x/>"})
    assert data == GOOD
