"""Property tests from the app's own OpenAPI document (schemathesis): on
every route, generated requests never get a 5xx, every response matches its
schema, and every JSON body is strict (no NaN or Infinity tokens)."""

import json
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from app.config import Settings
from app.main import create_app

APP = create_app(Settings(database=Path(tempfile.mkdtemp()) / "graphs.db",
                          job_time_limit=5.0))
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


def refuse_non_strict(token):
    raise AssertionError(f"non-strict JSON token {token}")


@SCHEMA.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_route_holds_its_schema(case):
    response = case.call()
    # A request can match the schema and still be refused for its meaning (a
    # source that uses a name with no value): 422, which is right here.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500, response.text
    if response.headers.get("content-type", [""])[0].startswith("application/json"):
        json.loads(response.text, parse_constant=refuse_non_strict)
