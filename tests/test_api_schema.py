"""schemathesis against /openapi.json on a live server: no 5xx, every response matches the schema.

(schemathesis' own pytest fixture loader does not work with pytest 9, so each operation's
case strategy is driven by hypothesis here directly.)
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from trcalc.server.docs import openapi
from tests.test_live import free_port, start, stop

pytestmark = pytest.mark.xdist_group("live")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema():
    proc, url = start([], {}, free_port())
    yield schemathesis.openapi.from_url(url + "/openapi.json")
    stop(proc)


def test_every_operation_conforms_to_the_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # Every operation of the document (test_server checks that it lists every route of the app),
    # but the document's own URL, which schemathesis leaves out when it loads from that URL.
    assert len(operations) == sum(len(ops) for ops in openapi()["paths"].values()) - 1
    for op in operations:
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def check(case):
            case.call_and_validate(checks=CHECKS)
        check()
