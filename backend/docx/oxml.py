"""The lxml layer: namespaces, safe parsing and byte-faithful serialisation of OOXML parts.

Everything else in `backend.docx` goes through these helpers instead of configuring lxml itself.
"""

from __future__ import annotations

import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID_NS = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
W16CEX_NS = "http://schemas.microsoft.com/office/word/2018/wordml/cex"
XML_NS = "http://www.w3.org/XML/1998/namespace"

NSMAP = {
    "w": W_NS,
    "r": R_NS,
    "mc": MC_NS,
    "w14": W14_NS,
    "w15": W15_NS,
    "w16cid": W16CID_NS,
    "w16cex": W16CEX_NS,
}

_PARSER = etree.XMLParser(
    resolve_entities=False,  # no entity expansion (billion laughs / XXE)
    no_network=True,
    load_dtd=False,
    remove_blank_text=False,
    remove_comments=False,
    strip_cdata=False,
    huge_tree=False,
)


def qn(name: str) -> str:
    """Clark notation for a prefixed name: qn("w:p") -> "{http://...main}p"."""
    prefix, local = name.split(":", 1)
    if prefix == "xml":
        return f"{{{XML_NS}}}{local}"
    return f"{{{NSMAP[prefix]}}}{local}"


def w(local: str) -> str:
    """Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{local}"


class XmlError(ValueError):
    """An XML part does not parse (the package layer turns it into DocxError("corrupt"))."""


def parse(data: bytes) -> etree._Element:
    """Parse one part. Raises XmlError on malformed XML or a DTD (OOXML parts never carry one)."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise XmlError(str(exc)) from exc
    if root is None:  # pragma: no cover - lxml raises instead
        raise XmlError("empty document")
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise XmlError("DTDs are not allowed in OOXML parts")
    return root


_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?<\?xml[^>]*\?>[ \t\r\n]*")


def serialize(root: etree._Element, original: bytes | None = None) -> bytes:
    """Serialise a part, keeping the original XML declaration (and the whitespace after it) verbatim.

    Only the tree is re-emitted; lxml keeps namespace declarations and prefixes as they were.
    When the original was not UTF-8 (it never is in Word files) a fresh standalone declaration
    is written instead.
    """
    body = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)
    if original is not None:
        match = _DECLARATION.match(original)
        if match:
            declaration = match.group(0)
            if b"encoding" not in declaration or re.search(rb"encoding=[\"']utf-?8[\"']", declaration, re.IGNORECASE):
                return declaration + body
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body


def is_on(element: etree._Element | None) -> bool | None:
    """Value of an OOXML on/off property element (w:b, w:caps, ...); None when absent."""
    if element is None:
        return None
    value = element.get(w("val"))
    return value is None or value.lower() not in ("0", "false", "off", "none")


def attr_int(element: etree._Element | None, name: str = "val", default: int | None = None) -> int | None:
    """An integer w:<name> attribute, or `default` when absent or not a number."""
    if element is None:
        return default
    value = element.get(w(name))
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        try:
            return int(float(value))
        except ValueError:
            return default
