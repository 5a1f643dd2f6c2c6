"""The Word add-in: its XML manifest for a firm's server, and where the built task pane lies.

`render_manifest(base_url=..., app_id=..., client_id=...)` writes the add-in-only XML manifest
(namespace `http://schemas.microsoft.com/office/appforoffice/1.1`, a `TaskPaneApp` with
`VersionOverrides` 1.0: the schema of addin/schema/ has no task pane 1.1, which adds nothing a task pane
with a button needs): Word (`Document`), `ReadWriteDocument`, WordApi 1.3 at
least, a button on the Home tab that opens the task pane, icons at 16/32/64/80 px, and `AppDomains`
for the sign-in hosts. Elements are in the order of the schema (addin/schema/, tests/test_addin.py
validates). The committed `addin/manifest.xml` is `render_manifest()` with the defaults (it points
at https://localhost:3000, where `make run` serves); `patentpane manifest` and `GET /manifest.xml`
render it for another address. Pure: no I/O.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from backend import __version__

if TYPE_CHECKING:
    from backend.settings import Settings

DEFAULT_BASE_URL = "https://localhost:3000"
DEFAULT_APP_ID = "cd42a33d-006f-43be-9cd6-ff49efdc6d49"
"""The manifest `Id` of the development add-in; a firm sets its own (PATENTPANE_ADDIN_APP_ID)."""

SIGN_IN_DOMAINS = (
    "https://login.microsoftonline.com",
    "https://login.microsoft.com",
    "https://login.windows.net",
    "https://login.live.com",
)
"""Hosts the sign-in dialog may navigate to (Microsoft Entra ID), declared in `AppDomains`."""

ICON_SIZES = (16, 32, 64, 80)
TASKPANE_PATH = "/taskpane/"
REPO_ADDIN_DIR = Path(__file__).resolve().parents[1] / "addin"
"""addin/ of the source tree: manifest.xml, assets/ (icons), taskpane/ (the TypeScript project)."""


class ManifestError(ValueError):
    """A manifest option that Office would refuse (not HTTPS, not a GUID); `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def manifest_version(version: str = __version__) -> str:
    """The package version as the manifest wants it: four dot-separated numbers ("0.1.0" -> "0.1.0.0")."""
    parts = [p for p in version.split(".") if p.isdigit()][:4]
    return ".".join(parts + ["0"] * (4 - len(parts)))


def normalise_base_url(base_url: str) -> str:
    """`https://host[:port][/prefix]` without a trailing slash; Office loads add-ins only over HTTPS."""
    url = base_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ManifestError("not_https", f"the add-in's base URL must be https://host[:port]: {base_url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ManifestError("bad_base_url", f"the base URL must carry no query, fragment or credentials: {base_url!r}")
    return url


def _guid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ManifestError("not_a_guid", f"{what} must be a GUID: {value!r}") from None


def _origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def _web_application_info(client_id: str, resource: str) -> str:
    return f"""
  <WebApplicationInfo>
    <Id>{escape(client_id)}</Id>
    <Resource>{escape(resource)}</Resource>
    <Scopes>
      <Scope>openid</Scope>
      <Scope>profile</Scope>
      <Scope>Files.Read.All</Scope>
    </Scopes>
  </WebApplicationInfo>"""


def _overrides_content(base: str, *, web_app: str) -> str:
    """Hosts + Resources (+ WebApplicationInfo) of VersionOverrides."""
    icons = "\n".join(
        f'      <bt:Image id="Icon.{s}x{s}" DefaultValue="{base}/taskpane/assets/icon-{s}.png"/>'
        for s in (16, 32, 80)
    )
    body = f"""
  <Hosts>
    <Host xsi:type="Document">
      <DesktopFormFactor>
        <GetStarted>
          <Title resid="GetStarted.Title"/>
          <Description resid="GetStarted.Description"/>
          <LearnMoreUrl resid="Help.Url"/>
        </GetStarted>
        <ExtensionPoint xsi:type="PrimaryCommandSurface">
          <OfficeTab id="TabHome">
            <Group id="PatentPane.Group">
              <Label resid="Group.Label"/>
              <Icon>
                <bt:Image size="16" resid="Icon.16x16"/>
                <bt:Image size="32" resid="Icon.32x32"/>
                <bt:Image size="80" resid="Icon.80x80"/>
              </Icon>
              <Control xsi:type="Button" id="PatentPane.OpenPane">
                <Label resid="Button.Label"/>
                <Supertip>
                  <Title resid="Button.Label"/>
                  <Description resid="Button.Tooltip"/>
                </Supertip>
                <Icon>
                  <bt:Image size="16" resid="Icon.16x16"/>
                  <bt:Image size="32" resid="Icon.32x32"/>
                  <bt:Image size="80" resid="Icon.80x80"/>
                </Icon>
                <Action xsi:type="ShowTaskpane">
                  <TaskpaneId>PatentPane.TaskPane</TaskpaneId>
                  <SourceLocation resid="Taskpane.Url"/>
                </Action>
              </Control>
            </Group>
          </OfficeTab>
        </ExtensionPoint>
      </DesktopFormFactor>
    </Host>
  </Hosts>
  <Resources>
    <bt:Images>
{icons}
    </bt:Images>
    <bt:Urls>
      <bt:Url id="Taskpane.Url" DefaultValue="{base}{TASKPANE_PATH}"/>
      <bt:Url id="Help.Url" DefaultValue="{base}/taskpane/help.html"/>
    </bt:Urls>
    <bt:ShortStrings>
      <bt:String id="GetStarted.Title" DefaultValue="PatentPane is ready"/>
      <bt:String id="Group.Label" DefaultValue="PatentPane"/>
      <bt:String id="Button.Label" DefaultValue="PatentPane"/>
    </bt:ShortStrings>
    <bt:LongStrings>
      <bt:String id="GetStarted.Description" DefaultValue="Open PatentPane from the Home tab to check the application, work on the claims and draft the description."/>
      <bt:String id="Button.Tooltip" DefaultValue="Check the application, work on the claims and draft from them."/>
    </bt:LongStrings>
  </Resources>{web_app}"""
    return "\n".join("  " + line if line else line for line in body.split("\n"))


def render_manifest(
    *,
    base_url: str = DEFAULT_BASE_URL,
    app_id: str = DEFAULT_APP_ID,
    client_id: str | None = None,
    resource: str | None = None,
    provider: str = "PatentPane",
    version: str | None = None,
) -> str:
    """The manifest for an add-in served at `base_url` (its task pane at `base_url/taskpane/`).

    `client_id`: the add-in's Microsoft Entra app registration; with it the manifest carries
    `WebApplicationInfo` (`resource`: its Application ID URI, default `api://<host>/<client id>`).
    ManifestError when an option is one Office would refuse."""
    base = normalise_base_url(base_url)
    app = _guid(app_id, "the add-in id")
    web_app = ""
    if client_id:
        client = _guid(client_id, "the client id")
        host = urlsplit(base).netloc
        web_app = _web_application_info(client, resource or f"api://{host}/{client}")
    domains = "\n".join(f"    <AppDomain>{escape(d)}</AppDomain>" for d in (_origin(base), *SIGN_IN_DOMAINS))
    base = escape(base, {'"': "&quot;"})
    overrides = _overrides_content(base, web_app=web_app)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- PatentPane for Word: XML add-in-only manifest. Generated by `patentpane manifest`; do not edit by hand. -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
           xsi:type="TaskPaneApp">
  <Id>{app}</Id>
  <Version>{escape(version or manifest_version())}</Version>
  <ProviderName>{escape(provider)}</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="PatentPane"/>
  <Description DefaultValue="Check patent applications, work on claims and draft from them, inside Word. Runs on your firm's own server."/>
  <IconUrl DefaultValue="{base}/taskpane/assets/icon-32.png"/>
  <HighResolutionIconUrl DefaultValue="{base}/taskpane/assets/icon-64.png"/>
  <SupportUrl DefaultValue="{base}/taskpane/help.html"/>
  <AppDomains>
{domains}
  </AppDomains>
  <Hosts>
    <Host Name="Document"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.3">
      <Set Name="WordApi" MinVersion="1.3"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue="{base}{TASKPANE_PATH}"/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Description resid="Button.Tooltip"/>
    <Requirements>
      <bt:Sets DefaultMinVersion="1.3">
        <bt:Set Name="WordApi" MinVersion="1.3"/>
      </bt:Sets>
    </Requirements>{overrides}
  </VersionOverrides>
</OfficeApp>
"""


def taskpane_dir(configured: Path | None = None) -> Path:
    """The built task pane: `configured` (PATENTPANE_ADDIN_DIR) or addin/taskpane/dist of the source tree."""
    return configured if configured is not None else REPO_ADDIN_DIR / "taskpane" / "dist"


def assets_dir() -> Path:
    """The committed icons (addin/assets/icon-NN.png)."""
    return REPO_ADDIN_DIR / "assets"


def auth_config(settings: Settings) -> dict[str, Any]:
    """What the task pane needs to sign in (public: `GET /api/v1/auth/config`; no secret in it).

    `local`: the server's own accounts (password + TOTP at /api/v1/auth/login). `entra`: nested app
    authentication with MSAL.js: the add-in's client id, the authority (the firm's tenant when one is
    allowed, else `organizations`), the scope to ask for, and the authentication context a token
    must carry (the pane steps up when the API answers 401 `insufficient_claims`)."""
    config: dict[str, Any] = {"mode": settings.auth, "max_upload_bytes": settings.max_upload_bytes}
    if settings.auth != "entra":
        return config
    tenants = sorted(settings.allowed_tenants)
    authority = settings.entra_authority.rstrip("/")
    scope = settings.addin_api_scope or (
        settings.entra_scope
        if "://" in settings.entra_scope
        else f"api://{settings.entra_client_id}/{settings.entra_scope}"
    )
    return config | {
        "client_id": settings.addin_client_id or settings.entra_client_id,
        "authority": f"{authority}/{tenants[0] if len(tenants) == 1 else 'organizations'}",
        "scopes": [scope],
        "auth_context": settings.entra_required_auth_context or None,
    }


def served_file(root: Path, path: str) -> Path | None:
    """The file under `root` that `/taskpane/<path>` names (`index.html` for a folder); None for
    anything missing, hidden or outside `root`. Icons come from addin/assets/ when the build has none."""
    parts = [p for p in path.split("/") if p]
    if any(p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        return None
    places = [(root, parts or ["index.html"])]
    if len(parts) == 2 and parts[0] == "assets":
        places.append((assets_dir(), parts[1:]))
    for base, relative in places:
        candidate = base.joinpath(*relative)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            resolved = candidate.resolve(strict=True)
        except OSError:
            continue
        if resolved.is_file() and resolved.is_relative_to(base.resolve()):
            return resolved
    return None
