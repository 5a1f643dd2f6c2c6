"""The Word add-in's manifest (schema, contents, icons, `patentpane manifest`, GET /manifest.xml), the
public routes the task pane needs (GET /taskpane/..., GET /api/v1/auth/config)."""

from __future__ import annotations

import struct
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from backend.addin import (
    DEFAULT_APP_ID,
    ICON_SIZES,
    ManifestError,
    render_manifest,
)
from backend.app import create_app
from backend.cli import main
from backend.settings import Settings
from tests.apiharness import assert_error

REPO = Path(__file__).resolve().parents[1]
ADDIN = REPO / "addin"
SHARED_XSD = REPO.parent / "shared" / "reference" / "office-manifest-xsd"
NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XSI_TYPE = f"{{{NS['xsi']}}}type"
FIRM_APP_ID = "3f0c5a9e-8b0c-4e55-9d8e-1a2b3c4d5e6f"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"


def schema(folder: Path) -> etree.XMLSchema:
    return etree.XMLSchema(file=str(folder / "OfficeAppManifestV1_1.xsd"))


def schema_folders() -> list:
    """The committed copy always; the reference in ../shared when this checkout has it."""
    shared = pytest.param(
        SHARED_XSD,
        id="shared-reference",
        marks=pytest.mark.skipif(not SHARED_XSD.is_dir(), reason="../shared/reference is not beside this checkout"),
    )
    return [pytest.param(ADDIN / "schema", id="committed"), shared]


def parse(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode())


# --- the manifest ------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", schema_folders())
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"base_url": "https://addin.firm.example", "app_id": FIRM_APP_ID, "client_id": CLIENT_ID},
        {"base_url": "https://intranet.firm.example:8443/patentpane/", "app_id": FIRM_APP_ID},
    ],
    ids=["default", "firm-with-client-id", "path-prefix"],
)
def test_the_manifest_validates_against_the_schema(folder, options):
    schema(folder).assertValid(parse(render_manifest(**options)))


@pytest.mark.parametrize("folder", schema_folders())
def test_the_committed_manifest_validates_and_is_the_rendered_default(folder):
    committed = (ADDIN / "manifest.xml").read_text(encoding="utf-8")
    schema(folder).assertValid(parse(committed))
    assert committed == render_manifest(), "addin/manifest.xml is stale: .venv/bin/patentpane manifest -o addin/manifest.xml"


@pytest.mark.skipif(not SHARED_XSD.is_dir(), reason="../shared/reference is not beside this checkout")
def test_the_committed_schema_is_the_reference():
    for xsd in SHARED_XSD.glob("*.xsd"):
        assert (ADDIN / "schema" / xsd.name).read_bytes() == xsd.read_bytes(), xsd.name


def test_what_the_manifest_declares():
    root = parse(render_manifest())
    assert root.get(XSI_TYPE) == "TaskPaneApp"
    assert uuid.UUID(root.findtext("o:Id", namespaces=NS)) == uuid.UUID(DEFAULT_APP_ID)
    assert [h.get("Name") for h in root.findall("o:Hosts/o:Host", NS)] == ["Document"]
    assert root.findtext("o:Permissions", namespaces=NS) == "ReadWriteDocument"
    sets = {s.get("Name"): s.get("MinVersion") for s in root.findall("o:Requirements/o:Sets/o:Set", NS)}
    assert sets == {"WordApi": "1.3"}
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == "https://localhost:3000/taskpane/"
    domains = [d.text for d in root.findall("o:AppDomains/o:AppDomain", NS)]
    assert "https://login.microsoftonline.com" in domains and domains[0] == "https://localhost:3000"
    assert root.find("o:IconUrl", NS).get("DefaultValue").endswith("/icon-32.png")
    assert root.find("o:HighResolutionIconUrl", NS).get("DefaultValue").endswith("/icon-64.png")

    overrides = root.find("ov:VersionOverrides", NS)
    assert overrides.get(XSI_TYPE) == "VersionOverridesV1_0"
    host = overrides.find("ov:Hosts/ov:Host", NS)
    assert host.get(XSI_TYPE) == "Document"
    tab = host.find("ov:DesktopFormFactor/ov:ExtensionPoint/ov:OfficeTab", NS)
    assert tab.get("id") == "TabHome"  # the Home tab
    button = tab.find("ov:Group/ov:Control", NS)
    assert button.get(XSI_TYPE) == "Button"
    action = button.find("ov:Action", NS)
    assert action.get(XSI_TYPE) == "ShowTaskpane"
    urls = {u.get("id"): u.get("DefaultValue") for u in overrides.findall("ov:Resources/bt:Urls/bt:Url", NS)}
    assert urls[action.find("ov:SourceLocation", NS).get("resid")] == "https://localhost:3000/taskpane/"
    images = {i.get("id"): i.get("DefaultValue") for i in overrides.findall("ov:Resources/bt:Images/bt:Image", NS)}
    assert {button.find(f"ov:Icon/bt:Image[@size='{s}']", NS).get("resid") for s in (16, 32, 80)} == set(images)
    assert sorted(images.values()) == [f"https://localhost:3000/taskpane/assets/icon-{s}.png" for s in (16, 32, 80)]
    assert overrides.find("ov:WebApplicationInfo", NS) is None  # only with a client id


def test_a_firm_manifest_points_at_its_server_and_its_app_registration():
    root = parse(render_manifest(base_url="https://addin.firm.example/", app_id=FIRM_APP_ID.upper(), client_id=CLIENT_ID))
    xml = etree.tostring(root).decode()
    assert "localhost" not in xml
    assert root.findtext("o:Id", namespaces=NS) == FIRM_APP_ID
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == "https://addin.firm.example/taskpane/"
    info = root.find("ov:VersionOverrides/ov:WebApplicationInfo", NS)
    assert info.findtext("ov:Id", namespaces=NS) == CLIENT_ID
    assert info.findtext("ov:Resource", namespaces=NS) == f"api://addin.firm.example/{CLIENT_ID}"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"base_url": "http://addin.firm.example"}, "not_https"),
        ({"base_url": "addin.firm.example"}, "not_https"),
        ({"base_url": "https://addin.firm.example/?x=1"}, "bad_base_url"),
        ({"app_id": "not-a-guid"}, "not_a_guid"),
        ({"client_id": "12345"}, "not_a_guid"),
    ],
)
def test_options_office_would_refuse_are_refused(options, code):
    with pytest.raises(ManifestError) as refused:
        render_manifest(**options)
    assert refused.value.code == code


def test_the_icons_are_real_pngs_of_each_size():
    for size in ICON_SIZES:
        data = (ADDIN / "assets" / f"icon-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
        assert struct.unpack(">II", data[16:24]) == (size, size)


def test_make_icons_draws_the_committed_icons():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", ADDIN / "assets" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for size in (16, 32):  # the small ones are quick to draw
        assert module.render(size) == (ADDIN / "assets" / f"icon-{size}.png").read_bytes()


# --- patentpane manifest ---------------------------------------------------------------------------


def test_the_manifest_command_writes_a_firm_manifest(tmp_path, capsys):
    out = tmp_path / "manifest.xml"
    assert main(["manifest", "--base-url", "https://addin.firm.example", "--app-id", FIRM_APP_ID,
                 "--client-id", CLIENT_ID, "-o", str(out)]) == 0
    assert "Integrated apps" in capsys.readouterr().err
    written = out.read_text(encoding="utf-8")
    assert written == render_manifest(base_url="https://addin.firm.example", app_id=FIRM_APP_ID, client_id=CLIENT_ID)
    schema(ADDIN / "schema").assertValid(parse(written))


def test_the_manifest_command_prints_and_refuses_bad_options(capsys):
    assert main(["manifest"]) == 0
    assert "https://localhost:3000/taskpane/" in capsys.readouterr().out
    assert main(["manifest", "--base-url", "http://addin.firm.example"]) == 2
    assert "patentpane: error [not_https]" in capsys.readouterr().err


# --- the routes ------------------------------------------------------------------------------------


def client(tmp_path: Path, **settings) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", **settings)))


def test_the_server_serves_its_manifest_publicly(tmp_path):
    c = client(tmp_path, addin_base_url="https://addin.firm.example", addin_app_id=FIRM_APP_ID)
    response = c.get("/manifest.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    assert response.text == render_manifest(base_url="https://addin.firm.example", app_id=FIRM_APP_ID)


def test_the_served_manifest_follows_the_request_and_the_identity(tmp_path):
    app = client(tmp_path, auth="entra", entra_client_id=CLIENT_ID, entra_allowed_tenants=str(uuid.uuid4())).app
    c = TestClient(app, base_url="https://pp.firm.example")
    root = parse(c.get("/manifest.xml").text)
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == "https://pp.firm.example/taskpane/"
    assert root.findtext("ov:VersionOverrides/ov:WebApplicationInfo/ov:Id", namespaces=NS) == CLIENT_ID
    # over plain HTTP without PATENTPANE_ADDIN_BASE_URL the address Word would use is unknown
    assert_error(TestClient(app).get("/manifest.xml"), 503, "addin_not_configured")


def test_the_auth_config_tells_the_pane_how_to_sign_in(tmp_path):
    local = client(tmp_path, max_upload_bytes=1234).get("/api/v1/auth/config")
    assert local.status_code == 200 and local.json() == {"mode": "local", "max_upload_bytes": 1234}
    tenant = str(uuid.uuid4())
    entra = client(
        tmp_path, auth="entra", entra_client_id=CLIENT_ID, entra_allowed_tenants=tenant, entra_required_auth_context="c1"
    ).get("/api/v1/auth/config")
    assert entra.json() == {
        "mode": "entra",
        "max_upload_bytes": 50 * 1024 * 1024,
        "client_id": CLIENT_ID,
        "authority": f"https://login.microsoftonline.com/{tenant}",
        "scopes": [f"api://{CLIENT_ID}/access_as_user"],
        "auth_context": "c1",
    }
    several = client(
        tmp_path, auth="entra", entra_client_id=CLIENT_ID, entra_allowed_tenants=f"{tenant},{uuid.uuid4()}",
        addin_client_id="22222222-2222-3333-4444-555555555555", addin_api_scope="api://addin.firm.example/x/access_as_user",
    ).get("/api/v1/auth/config").json()
    assert several["authority"] == "https://login.microsoftonline.com/organizations"
    assert several["client_id"] == "22222222-2222-3333-4444-555555555555"
    assert several["scopes"] == ["api://addin.firm.example/x/access_as_user"]
    assert "auth_context" not in several


@pytest.fixture
def built(tmp_path) -> Path:
    dist = tmp_path / "dist"
    (dist / "chunks").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>PatentPane</title>")
    (dist / "taskpane.js").write_text("console.log('pane')")
    (dist / "chunks" / "msal-1234.js").write_text("export {}")
    (tmp_path / "secret.txt").write_text("outside the pane")
    return dist


def test_the_built_task_pane_is_served_publicly(tmp_path, built):
    c = client(tmp_path, addin_dir=built)
    page = c.get("/taskpane/")
    assert page.status_code == 200 and "PatentPane" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert "https://appsforoffice.microsoft.com" in page.headers["content-security-policy"]
    script = c.get("/taskpane/taskpane.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert c.get("/taskpane/chunks/msal-1234.js").status_code == 200
    icon = c.get("/taskpane/assets/icon-80.png")  # from addin/assets when the build has none
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
    redirect = c.get("/taskpane", follow_redirects=False)
    assert redirect.status_code == 308 and redirect.headers["location"] == "/taskpane/"


@pytest.mark.parametrize(
    "path", ["/taskpane/../secret.txt", "/taskpane/%2e%2e/secret.txt", "/taskpane/chunks/../../secret.txt",
             "/taskpane/.hidden", "/taskpane/missing.js", "/taskpane/assets/../../secret.txt"]
)
def test_nothing_outside_the_pane_is_served(tmp_path, built, path):
    (built / ".hidden").write_text("x")
    response = client(tmp_path, addin_dir=built).get(path)
    assert response.status_code == 404 and "outside the pane" not in response.text


def test_an_unbuilt_task_pane_says_how_to_build_it(tmp_path):
    response = client(tmp_path, addin_dir=tmp_path / "nothing").get("/taskpane/")
    assert response.status_code == 503 and "make addin" in response.text
