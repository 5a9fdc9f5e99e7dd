from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lindung.monitoring import selectors
from lindung.programs.models import Enrolment
from lindung.programs.selectors import enrolment_status_counts


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's region."""
    user = request.user
    counts = enrolment_status_counts(user=user)
    by_district = selectors.workers_by_district(user=user)
    by_occupation = selectors.workers_by_occupation(user=user)
    return render(
        request,
        "monitoring/home.html",
        {
            # Every worker has a village, so the kecamatan counts add up to the total.
            "worker_count": sum(r["n"] for r in by_district),
            "status_counts": [
                (s, label, counts.get(s, 0)) for s, label in Enrolment.Status.choices
            ],
            "open_count": sum(counts.get(s, 0) for s in Enrolment.OPEN),
            "active_count": counts.get(Enrolment.Status.ACTIVE, 0),
            "programmes": selectors.programme_quotas(user=user),
            "by_district": by_district,
            "by_district_max": max((r["n"] for r in by_district), default=0),
            "by_occupation": by_occupation,
            "by_occupation_max": max((r["n"] for r in by_occupation), default=0),
        },
    )
