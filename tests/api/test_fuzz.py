"""Fuzzing the served OpenAPI document with schemathesis (issue 15), in CI like every test.

Every operation of /api/v1/openapi.json gets generated requests, valid and invalid, sent
through Django's WSGI application (the whole middleware chain) with a bearer token of the
Paser admin, and again with a read-only token. Each answer must be no server error, have a
status the schema documents for the operation, the documented content type and a body that
conforms to the documented schema. Bounded (a few examples per operation and mode: about 750
requests with the admin token, 220 with the read-only one) and derandomized, so it fails the
same way twice. On PostgreSQL too: the connection is kept across the WSGI requests."""

from __future__ import annotations

from collections import defaultdict

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lindung.api.services import api_token_create

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 5}
REAL = 8  # more valid examples with the path naming a real record, not a random id
# A read-only token is refused every write before any view runs, and reads the same as the
# admin's run: a lighter round checks that.
READ_ONLY_SHARE = 3


def explore(
    strategy, examples: int, headers: dict[str, str], statuses: dict[int, int], problems: list[str]
) -> None:
    """Send `examples` cases of `strategy`; count the statuses and keep each failed check."""

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case) -> None:
        with transaction.atomic():  # every example on the same data
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as e:  # noqa: BLE001 - collected, reported together by the test
            problems.append(str(e)[:600])

    run()


@pytest.fixture
def keep_the_test_connection():
    """Django's WSGI handler closes the database connection around each request (the test
    client does not); on PostgreSQL that would drop the test's transaction. Keep it, as the
    test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("keep_the_test_connection")
@pytest.mark.parametrize("read_only", [False, True], ids=["admin", "read-only"])
def test_fuzzing_finds_no_server_error_and_no_undocumented_answer(
    paser, paser_batch, paser_bill_job, users, settings, read_only, tmp_path
):
    settings.API_RATE_LIMIT = 0  # thousands of requests a minute, on purpose
    settings.MEDIA_ROOT = tmp_path / "media"  # a generated claim document lands here, if any
    _row, token = api_token_create(user=users.admin, name="fuzz", read_only=read_only)
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    failures: dict[str, list[str]] = defaultdict(list)
    statuses: dict[int, int] = defaultdict(int)
    operations = 0
    real = {
        "worker_id": paser.worker.pk,
        "enrolment_id": paser.enrolment.pk,
        "code": paser.programme.code,
        "job_id": paser.job.pk,
        "bill_id": paser.bill.pk,
        "payment_id": paser.payment.pk,
        "claim_id": paser.claim.pk,
        "batch_id": paser_batch.pk,
        "task_id": paser_bill_job,
    }
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        label = f"{operation.method.upper()} {operation.path}"
        names = {p.name for p in operation.path_parameters}
        share = READ_ONLY_SHARE if read_only else 1
        rounds = [(mode, examples // share, None) for mode, examples in EXAMPLES.items()]
        if names:
            assert names <= set(real), names  # a new path parameter: give it a real value
            rounds.append((GenerationMode.POSITIVE, REAL // share, {n: real[n] for n in names}))
        for mode, examples, path_parameters in rounds:
            explore(
                operation.as_strategy(generation_mode=mode, path_parameters=path_parameters),
                examples,
                headers,
                statuses,
                failures[f"{label} {mode}"],
            )
    assert operations >= 45
    failed = {op: problems for op, problems in failures.items() if problems}
    assert not failed, "\n".join(f"{op}: {problems[0]}" for op, problems in failed.items())
    assert not any(s >= 500 for s in statuses), statuses
    assert statuses[200] > 0 and statuses[422] > 0, statuses
