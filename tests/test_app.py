from fastapi.testclient import TestClient

from backend.app import create_app


def test_health_is_public():
    client = TestClient(create_app())
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
