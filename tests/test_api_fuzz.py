"""A fuzz run of the OpenAPI schema (schemathesis, in-process over ASGI, with a valid API key): every
operation answers without a 5xx, with a documented status and content type, and a body that
conforms to its schema. Bounded: a few dozen examples per operation, on its own SQLite database."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from backend.app import create_app
from backend.batch.executor import InlineExecutor
from backend.db.engine import Database
from backend.db.migrate import upgrade
from tests.apiharness import ApiHarness, make_settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{data_dir / 'fuzz.db'}"
    upgrade(url=url)
    # checks in this process (no check pool to start); batches are "checked" inline (garbage fails fast)
    settings = make_settings(database_url=url, data_dir=data_dir, check_workers=0)
    app = create_app(settings, batch_executor=InlineExecutor())
    database = Database.from_url(url)
    with TestClient(app) as client:
        yield ApiHarness(client=client, database=database, settings=settings)
    database.dispose()


MAX_EXAMPLES = 12
"""Per operation and generation mode (valid data, then invalid data): about 15 operations x 24 calls."""


def fuzz_operation(operation, *, mode, headers: dict[str, str]) -> None:
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.generate])
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_operation_answers_within_its_schema(fuzz_api):
    # (schemathesis's pytest plugin does not run on pytest 9: the operations are driven here)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_api.client.app)
    headers = fuzz_api.caller(role="admin").headers
    failures = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(operation, mode=mode, headers=headers)
            except hypothesis.errors.Unsatisfiable:
                pass  # nothing to make invalid (no parameters, no body)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 -- collected, reported below
                failures[f"{operation.label} ({mode.value})"] = f"{type(exc).__name__}: {exc}"[:3000]
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
