from fastapi.testclient import TestClient

from backend.app import create_app
from backend.settings import Settings


def test_health_is_public(tmp_path):
    client = TestClient(create_app(Settings(data_dir=tmp_path)))
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
