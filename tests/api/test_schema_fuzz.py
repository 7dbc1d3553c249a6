"""A schema-driven fuzz of the whole API (schemathesis over the drf-spectacular schema).

Every operation of the schema — found by walking it, so endpoints added later are fuzzed
too — is called with generated data, valid (positive) and invalid (negative), as the
municipal administrator and as a unit administrator, each with an API token, through the
real WSGI application. No answer may be a 5xx, carry a status code the schema does not
document, or have a body that contradicts the schema.

The examples per operation are bounded (``FUZZ_EXAMPLES``) and derandomised, so a run is
repeatable and the whole fuzz stays within a few minutes here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry
from tests.competitions.results_factories import make_award
from tests.factories.members import make_member

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))  # per operation, role and mode (negative: one fewer)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def api_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))


@contextlib.contextmanager
def in_test_transaction():
    """Like Django's test client: requests must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def operations():
    schema = api_schema()
    found = []
    for result in schema.get_all_operations():
        found.append(result.ok())
    only = os.environ.get("FUZZ_ONLY")  # while debugging: FUZZ_ONLY=/competitions/entries/
    return [op for op in found if only in op.path] if only else found


def seed(tree):
    """A little of everything the answers are made of: a member without a branch, an edition
    with an entry that has no video link, an award."""
    with scopes_disabled():  # test set-up spans units
        make_member(tree.haidian, name="海淀会员", branch=None)
        member = make_member(tree.haidian, name="海淀分会会员", branch=tree.haidian_school)
        edition = make_edition()
        entry = make_entry(edition.groups.get(), member)
        make_award(entry=entry)


def send(case, app, token: str):
    """One call, its writes undone afterwards: every example starts from the same seeded data
    (a DELETE of edition 1 must not hide the entries from the operations after it)."""
    with transaction.atomic():
        response = case.call(app=app, headers={"Authorization": f"Token {token}"})
        transaction.set_rollback(True)
    return response


def fuzz_operation(operation, app, token: str, failures: list) -> int:
    calls = 0
    if "{" not in operation.path and operation.method.upper() == "GET":  # the plain call first
        case = operation.Case()
        response = send(case, app, token)
        calls += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label} [plain] {response.status_code}: {str(exc)[:1500]}")
    for mode in MODES:
        @settings(max_examples=EXAMPLES if mode == schemathesis.GenerationMode.POSITIVE else max(1, EXAMPLES - 1),
                  derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            nonlocal calls
            calls += 1
            response = send(case, app, token)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # collected, so one run reports every operation that fails
                failures.append(f"{operation.label} [{mode}] {response.status_code}: {str(exc)[:1500]}")
                raise

        try:
            run()
        except Unsatisfiable:
            if mode != schemathesis.GenerationMode.NEGATIVE:  # nothing can be invalid (a free-text path)
                failures.append(f"{operation.label} [{mode}]: no example could be generated")
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - recorded above, or a generation error
            if not failures or not failures[-1].startswith(operation.label):
                failures.append(f"{operation.label} [{mode}]: could not be fuzzed: {exc!r}"[:1500])
    return calls


@pytest.mark.parametrize("role", ["municipal", "haidian"])
def test_api_answers_every_operation_as_its_schema_says(role, tree, users):
    seed(tree)
    token = AuthToken.objects.create(user=users[role])[1]
    failures: list[str] = []
    started = dt.datetime.now()
    calls = 0
    ops = operations()
    with in_test_transaction() as app:
        for operation in ops:
            calls += fuzz_operation(operation, app, token, failures)
    took = (dt.datetime.now() - started).total_seconds()
    print(f"\nfuzz as {role}: {len(ops)} operations, {calls} calls, {took:.1f}s")
    assert len(ops) >= 90 or os.environ.get("FUZZ_ONLY"), "the schema lost operations"
    for failure in failures:
        print(f"\nFUZZ FAILURE {failure}")
    assert failures == [], f"{len(failures)} failures (printed above)"
