import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_the_openapi_schema_is_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    producers = schema["paths"]["/api/v1/producers/"]["get"]
    names = {p["name"] for p in producers["parameters"]}
    assert {"in_bbox", "near", "distance", "search", "category", "offering", "label",
            "ordering", "page", "page_size"} <= names  # fmt: skip
    for status in ("400", "404", "429"):
        assert status in producers["responses"]
    assert {} in producers["security"], "reading needs no login"


def test_the_docs_are_served_from_local_files(client):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert "cdn." not in page and "unpkg" not in page
    assert client.get("/api/v1/schema/").status_code == 200


def test_unknown_api_paths_answer_in_json(client):
    response = client.get("/api/v1/measures/keine-massnahme/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_failures(live_server, bochum_data):
    """All checks, a fixed seed and a bounded number of examples against the live schema.

    Anonymous: writes answer 401, which schemathesis reports as a warning; the write paths
    are covered by the API tests of each app. The stateful phase is left out: its replayed
    requests carry headers that Django's threaded test server refuses at the HTTP level (an
    aborted connection, counted as an error) before the application sees them. For the same
    reason a request that fails at the network level (never an answer that fails a check) is
    retried twice: the test server occasionally drops a connection under the coverage phase's
    concurrent, oversized requests."""
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"), "run",
            f"{live_server.url}/api/v1/schema/", "--checks", "all", "--seed", "1",
            "--max-examples", "3", "--workers", "2", "--no-color",
            "--phases", "examples,coverage,fuzzing", "--request-retries", "2",
        ],
        capture_output=True,
        text=True,
        timeout=1500,
        cwd=ROOT,
    )  # fmt: skip
    summary = result.stdout[-3000:]
    print(summary)
    assert result.returncode == 0, summary
    assert " failures" not in summary.splitlines()[-1]


def test_overlong_query_values_are_refused_with_400(client):
    response = client.get("/api/v1/producers/", {"search": "x" * 201})
    assert response.status_code == 400 and "search" in response.json()
    assert client.get("/api/v1/producers/", {"search": "x" * 200}).status_code == 200
