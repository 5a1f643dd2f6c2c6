"""The only place in PatentPane that knows OOXML.

- `open_package(bytes) -> DocxPackage`, `DocxError(code, message)`      (package.py)
- `Numbering`, `format_number`                                         (numbering.py)
- `read_docx(bytes | DocxPackage) -> DocxDocument` (.text, .runs_for)   (reader.py)
- `annotate(bytes, findings) -> bytes`, `read_comments(bytes)`          (comments.py)
"""

from backend.docx.comments import CommentInfo, annotate, comment_text, read_comments
from backend.docx.numbering import Numbering, format_number
from backend.docx.package import DocxError, DocxPackage, open_package
from backend.docx.reader import DocxDocument, RunSlice, read_docx

__all__ = [
    "CommentInfo",
    "DocxDocument",
    "DocxError",
    "DocxPackage",
    "Numbering",
    "RunSlice",
    "annotate",
    "comment_text",
    "format_number",
    "open_package",
    "read_comments",
    "read_docx",
]
