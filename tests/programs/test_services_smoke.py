import pytest

from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_propose

pytestmark = pytest.mark.django_db


def test_operator_proposes_worker_of_own_village(users, programme, make_worker):
    worker = make_worker(by=users.operator)
    enrolment = enrolment_propose(programme=programme, worker=worker, by=users.operator)
    assert enrolment.status == Enrolment.Status.PROPOSED
    assert enrolment.months.count() == 12 - enrolment.period_start.month + 1
