"""MSAL on-behalf-of against the local issuer's token endpoint (jwt-bearer grant) and the drive
item download from a local Graph stand-in, all over HTTPS on loopback: items by id, a folder's
.docx children (paged), one exchange per incoming token (per-user cache), pre-authenticated
download links fetched without the token, and claims challenges passed back as 401."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.auth import Principal
from backend.auth.apikeys import create_api_key
from backend.auth.obo import ClaimsChallenge, OboBroker, client_credential
from backend.db.engine import Database
from backend.graph import DriveItemRef, GraphError, fetch_graph_documents
from backend.settings import Settings
from tests.apiharness import assert_error, make_settings
from tests.docxgen import render_docx
from tests.helpers import sample_corpus
from tests.identityharness import (
    CLIENT_ID,
    CLIENT_SECRET,
    GRAPH_SCOPE,
    OBO_GRANT,
    DriveEntry,
    FakeEntra,
    FakeGraph,
    challenge_claims,
    client_certificate,
    entra_fixture,  # noqa: F401  (the `entra` fixture)
    entra_settings,
    loopback_tls,
    running,
    sha256,
)

DOC_A, DOC_B, DOC_C = b"PK\x03\x04 first docx", b"PK\x03\x04 second docx", b"PK\x03\x04 third docx"
REAL_DOCX = render_docx(next(iter(sample_corpus())), "uspto-typed")


@pytest.fixture(scope="module")
def graph(entra):
    graph = FakeGraph(
        issuer=entra,
        items={
            "item-a": DriveEntry("Application A.docx", DOC_A),
            "item-b": DriveEntry("Application B.docx", DOC_B),
            "item-c": DriveEntry("notes.txt", b"plain text"),
            "item-d": DriveEntry("Application C.docx", DOC_C),
            "item-real": DriveEntry("Real application.docx", REAL_DOCX),
            "sub": DriveEntry("Sub", children=[]),
            "folder": DriveEntry("Docket", children=["item-a", "item-c", "sub", "item-b", "item-d"]),
        },
    )
    with running(graph):
        yield graph


@pytest.fixture(scope="module")
def client(entra, graph, database_url, tmp_path_factory):
    settings = make_settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("graph"),
        graph_url=f"{graph.base}/v1.0",
        graph_scopes=GRAPH_SCOPE,
        **entra_settings(entra),
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def attorney_token(entra: FakeEntra, **claims) -> str:
    return entra.token(roles=["attorney"], **claims)


def post(client, token: str, body: dict):
    return client.post("/api/v1/graph/documents", headers={"Authorization": f"Bearer {token}"}, json=body)


def test_items_and_a_folder_download_through_obo(client, entra, graph):
    entra.token_requests.clear()
    graph.download_authorizations.clear()
    token = attorney_token(entra, oid=str(uuid.uuid4()))
    response = post(client, token, {"items": [{"item_id": "item-a"}], "folder": {"item_id": "folder", "drive_id": "drive-1"}})
    assert response.status_code == 200, response.text
    got = [(d["name"], d["sha256"], d["size"]) for d in response.json()]
    assert got == [
        ("Application A.docx", sha256(DOC_A), len(DOC_A)),
        ("Application A.docx", sha256(DOC_A), len(DOC_A)),  # named and in the folder: both asked for
        ("Application B.docx", sha256(DOC_B), len(DOC_B)),
        ("Application C.docx", sha256(DOC_C), len(DOC_C)),  # third page of children
    ]
    # the exchange went through MSAL to the token endpoint: the OBO grant, the user's token, the secret
    (exchange,) = entra.token_requests
    assert exchange["grant_type"] == OBO_GRANT and exchange["requested_token_use"] == "on_behalf_of"
    assert exchange["assertion"] == token and exchange["client_id"] == CLIENT_ID
    assert GRAPH_SCOPE in exchange["scope"].split()
    # pre-authenticated download links never see the Graph token
    assert graph.download_authorizations == [None] * 4

    # the same incoming token again: the user's cache answers, no second exchange
    assert post(client, token, {"items": [{"item_id": "item-b"}]}).status_code == 200
    assert len(entra.token_requests) == 1
    # a new incoming token (e.g. after a step-up) is exchanged again
    assert post(client, attorney_token(entra, oid=jwt_oid(token)), {"items": [{"item_id": "item-b"}]}).status_code == 200
    assert len(entra.token_requests) == 2


def jwt_oid(token: str) -> str:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["oid"]


def test_graph_claims_challenge_reaches_the_client(client, entra, graph):
    graph.require_acrs = "c9"
    try:
        response = post(client, attorney_token(entra, oid=str(uuid.uuid4())), {"items": [{"item_id": "item-a"}]})
    finally:
        graph.require_acrs = None
    assert_error(response, 401, "insufficient_claims")
    assert challenge_claims(response) == {"access_token": {"acrs": {"essential": True, "value": "c9"}}}


def test_obo_interaction_required_reaches_the_client(client, entra):
    entra.obo_requires_acrs = "c5"
    try:
        response = post(client, attorney_token(entra, oid=str(uuid.uuid4())), {"items": [{"item_id": "item-a"}]})
    finally:
        entra.obo_requires_acrs = None
    assert_error(response, 401, "insufficient_claims")
    assert challenge_claims(response)["access_token"]["acrs"]["value"] == "c5"


def test_refusals(client, entra, database_url):
    token = attorney_token(entra, oid=str(uuid.uuid4()))
    assert_error(post(client, token, {"items": [{"item_id": "nope"}]}), 404, "graph_not_found")
    assert_error(post(client, token, {"items": [{"item_id": "folder"}]}), 422, "not_a_file")
    assert_error(post(client, token, {}), 422, "invalid_request")
    viewer = entra.token(oid=str(uuid.uuid4()))  # no app role: viewer
    assert_error(post(client, viewer, {"items": [{"item_id": "item-a"}]}), 403, "forbidden")
    # API keys have no user token to exchange
    database = Database.from_url(database_url)
    with database.session() as session:
        key = create_api_key(session, tenant_name=f"Graph {uuid.uuid4().hex}", role="attorney").secret
    database.dispose()
    response = client.post("/api/v1/graph/documents", headers={"X-API-Key": key}, json={"items": [{"item_id": "item-a"}]})
    assert_error(response, 400, "entra_sign_in_required")


def test_fetch_graph_documents_is_a_service_function_with_limits(entra, graph):
    """What the batch service calls: MSAL with a certificate credential this time."""
    pem, cert = client_certificate()
    entra.client_certificate = cert
    path = loopback_tls()[0].parent / "app-credential.pem"
    path.write_bytes(pem)
    credential = client_credential(Settings(entra_client_certificate=path))
    broker = OboBroker(
        client_id=CLIENT_ID, credential=credential, authority=entra.base, scopes=[GRAPH_SCOPE], verify=str(loopback_tls()[2])
    )
    token = entra.token(oid=str(uuid.uuid4()))
    principal = Principal(user_id=str(uuid.uuid4()), tenant_id="t", role="attorney", auth_method="entra")
    common = {"broker": broker, "principal": principal, "assertion": token, "graph_url": f"{graph.base}/v1.0", "verify": str(loopback_tls()[2])}
    entra.token_requests.clear()
    docs = fetch_graph_documents(items=[DriveItemRef("item-d", "drive-1")], max_bytes=1000, **common)
    assert [(d.name, d.data) for d in docs] == [("Application C.docx", DOC_C)]
    assert "client_assertion" in entra.token_requests[0] and "client_secret" not in entra.token_requests[0]
    with pytest.raises(GraphError) as too_large:
        fetch_graph_documents(items=[DriveItemRef("item-a")], max_bytes=5, **common)
    assert too_large.value.code == "too_large"
    with pytest.raises(GraphError) as too_many:
        fetch_graph_documents(folder=DriveItemRef("folder"), max_bytes=1000, max_files=2, **common)
    assert too_many.value.code == "too_many_files"
    # a wrong secret is refused by the issuer, and said so without the secret
    bad = OboBroker(
        client_id=CLIENT_ID, credential="wrong-" + CLIENT_SECRET, authority=entra.base, scopes=[GRAPH_SCOPE],
        verify=str(loopback_tls()[2]),
    )
    with pytest.raises(Exception) as refused:
        fetch_graph_documents(**{**common, "broker": bad}, items=[DriveItemRef("item-a")], max_bytes=1000)
    assert getattr(refused.value, "code", "") == "graph_token_refused" and CLIENT_SECRET not in str(refused.value)
    assert not isinstance(refused.value, ClaimsChallenge)


def test_a_graph_selection_runs_as_a_batch(client, entra):
    """Documents named by drive item run as a batch, exactly like an upload: the real application
    is checked, the fake one is reported as not a .docx, and the report names both."""
    import time

    token = attorney_token(entra, oid=str(uuid.uuid4()))
    headers = {"Authorization": f"Bearer {token}"}
    body = {"items": [{"item_id": "item-real"}, {"item_id": "item-a"}], "jurisdiction": "us"}
    response = client.post("/api/v1/graph/batches", headers=headers, json=body)
    assert response.status_code == 202, response.text
    batch_id = response.json()["id"]
    assert response.json()["files"] == 2
    deadline = time.monotonic() + 120
    while True:
        state = client.get(f"/api/v1/batches/{batch_id}", headers=headers).json()
        if state["status"] in ("done", "failed", "canceled") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert state["status"] == "done", state
    report = client.get(f"/api/v1/batches/{batch_id}/report.json", headers=headers).json()
    files = {f["name"]: f for f in report["files"]}
    assert files["Real application.docx"]["state"] == "done"
    assert files["Real application.docx"]["sha256"] == sha256(REAL_DOCX)
    assert files["Application A.docx"]["state"] == "failed"
    assert_error(client.post("/api/v1/graph/batches", headers=headers, json={"jurisdiction": "us"}), 422, "invalid_request")
