"""Documents from OneDrive/SharePoint through Microsoft Graph, on behalf of the signed-in user.

`fetch_graph_documents(...)` is the service function (a batch takes its documents from here
instead of an upload): drive items by id, or the .docx children of a folder, each downloaded with
the user's Graph token from the on-behalf-of exchange (`backend.auth.obo`). Sizes are limited
while reading; a Graph claims challenge (`WWW-Authenticate: ... error="insufficient_claims"`)
becomes `ClaimsChallenge` (401 to the client, which steps up and calls again).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self
from urllib.parse import quote

import httpx

from backend.auth import AuthError, Principal
from backend.auth.obo import ClaimsChallenge, OboBroker
from backend.auth.tokens import httpx_verify

DOCX_SUFFIX = ".docx"
MAX_FOLDER_FILES = 1000
HTTP_TIMEOUT_SECONDS = 60.0
_CLAIMS = re.compile(r'claims="([^"]+)"')


class GraphError(Exception):
    """A drive item that cannot be had; `code` is stable (`graph_not_found`, `too_large`, ...)."""

    def __init__(self, code: str, message: str, *, status: int = 502) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class DriveItemRef:
    item_id: str
    drive_id: str | None = None
    """None: the user's own OneDrive (`/me/drive`)."""

    def path(self) -> str:
        drive = f"/drives/{quote(self.drive_id, safe='')}" if self.drive_id else "/me/drive"
        return f"{drive}/items/{quote(self.item_id, safe='')}"


@dataclass(frozen=True, slots=True)
class GraphDocument:
    name: str
    data: bytes
    item: DriveItemRef


class GraphClient:
    def __init__(self, *, base_url: str, token: str, verify: bool | str = True) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            timeout=HTTP_TIMEOUT_SECONDS, verify=httpx_verify(verify), headers={"Authorization": f"Bearer {token}"}
        )
        # downloads follow a pre-authenticated URL: never send the Graph token there
        self._downloads = httpx.Client(
            timeout=HTTP_TIMEOUT_SECONDS, verify=httpx_verify(verify), follow_redirects=True
        )

    def close(self) -> None:
        self._client.close()
        self._downloads.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code == 401:
            found = _CLAIMS.search(response.headers.get("WWW-Authenticate", ""))
            if found:
                raise ClaimsChallenge(found.group(1), "Microsoft Graph needs more: sign in again")
            raise AuthError("graph_unauthorized", "Microsoft Graph refused the token", status=502)
        if response.status_code in (403, 404):
            raise GraphError("graph_not_found", f"{what}: not found or not shared with you", status=404)
        if response.status_code >= 400:
            raise GraphError("graph_error", f"{what}: Microsoft Graph answered {response.status_code}")

    def _json(self, url: str, what: str) -> dict:
        response = self._client.get(url)
        self._check(response, what)
        return response.json()

    def item(self, ref: DriveItemRef) -> dict:
        return self._json(f"{self.base_url}{ref.path()}", f"item {ref.item_id}")

    def docx_children(self, folder: DriveItemRef, *, max_files: int = MAX_FOLDER_FILES) -> list[DriveItemRef]:
        """The .docx files directly in `folder` (paged), in Graph's order."""
        url: str | None = f"{self.base_url}{folder.path()}/children?$select=id,name,file,parentReference&$top=200"
        found: list[DriveItemRef] = []
        while url:
            page = self._json(url, f"folder {folder.item_id}")
            for entry in page.get("value", []):
                if "file" in entry and str(entry.get("name", "")).lower().endswith(DOCX_SUFFIX):
                    drive = (entry.get("parentReference") or {}).get("driveId") or folder.drive_id
                    found.append(DriveItemRef(item_id=str(entry["id"]), drive_id=drive))
                    if len(found) > max_files:
                        raise GraphError("too_many_files", f"the folder has more than {max_files} documents", status=413)
            next_link = page.get("@odata.nextLink")
            url = next_link if isinstance(next_link, str) and next_link.startswith(self.base_url) else None
        return found

    def download(self, ref: DriveItemRef, *, max_bytes: int) -> GraphDocument:
        meta = self.item(ref)
        if "file" not in meta:
            raise GraphError("not_a_file", f"item {ref.item_id} is a folder, not a document", status=422)
        if int(meta.get("size") or 0) > max_bytes:
            raise GraphError("too_large", f"{meta.get('name')} is larger than {max_bytes} bytes", status=413)
        # /content answers 302 to a short-lived pre-authenticated URL
        response = self._client.get(f"{self.base_url}{ref.path()}/content", follow_redirects=False)
        if response.status_code in (301, 302, 303, 307, 308):
            with self._downloads.stream("GET", response.headers["Location"]) as download:
                self._check(download, str(meta.get("name")))
                data = _read_limited(download, max_bytes=max_bytes, name=str(meta.get("name")))
        else:
            self._check(response, str(meta.get("name")))
            data = response.content
            if len(data) > max_bytes:
                raise GraphError("too_large", f"{meta.get('name')} is larger than {max_bytes} bytes", status=413)
        return GraphDocument(name=str(meta.get("name") or ref.item_id), data=data, item=ref)


def _read_limited(response: httpx.Response, *, max_bytes: int, name: str) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise GraphError("too_large", f"{name} is larger than {max_bytes} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_graph_documents(
    *,
    broker: OboBroker,
    principal: Principal,
    assertion: str,
    graph_url: str,
    items: Sequence[DriveItemRef] = (),
    folder: DriveItemRef | None = None,
    max_bytes: int,
    max_files: int = MAX_FOLDER_FILES,
    verify: bool | str = True,
) -> list[GraphDocument]:
    """Download `items` and the .docx children of `folder` (in that order) as the signed-in Entra
    user. Raises ClaimsChallenge (step-up needed), GraphError, AuthError."""
    token = broker.graph_token(principal=principal, assertion=assertion)
    with GraphClient(base_url=graph_url, token=token, verify=verify) as graph:
        refs = list(items)
        if folder is not None:
            refs += graph.docx_children(folder, max_files=max_files)
        if len(refs) > max_files:
            raise GraphError("too_many_files", f"more than {max_files} documents", status=413)
        return [graph.download(ref, max_bytes=max_bytes) for ref in refs]
