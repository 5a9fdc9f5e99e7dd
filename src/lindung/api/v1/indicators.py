"""/indicators: the monitoring indicators of a region and its children, and the village
rollout list, through `monitoring.indicators` (the dashboards' one definition). A region
outside the caller's scope is 403, an unknown code 404."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import IndicatorReportOut, VillageFiguresOut
from lindung.api.v1.common import ERRORS
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.monitoring import indicators

router = Router(tags=["indicators"])

DATES = {"ge": dt.date(1900, 1, 1), "le": dt.date(2100, 12, 31)}


class ReportFilter(Schema):
    region: str | None = Field(
        None,
        max_length=13,
        description=(
            "Kode wilayah (mis. 64.01); bawaan: wilayah pengguna. Kosong ('') = Indonesia, hanya "
            "untuk pengguna nasional."
        ),
    )
    on: dt.date | None = Field(
        None, description="Keadaan pada tanggal ini (bawaan: hari ini)", **DATES
    )
    start: dt.date | None = Field(
        None, description="Awal periode untuk baru/berakhir (bawaan: 1 Januari tahun `on`)", **DATES
    )


class RolloutFilter(Schema):
    region: str | None = Field(None, max_length=13, description="Kode wilayah")
    status: Literal["", "belum_dijangkau", "sudah_sosialisasi", "melaksanakan"] = ""


def _region(request: HttpRequest, region: str | None) -> str:
    return indicators.root_code(request.auth) if region is None else region


def _period(filters: ReportFilter) -> tuple[dt.date, dt.date | None]:
    on = min(filters.on or clock.today(), clock.today())  # never after today
    if filters.start is not None and filters.start > on:
        raise ValidationFailed(
            [
                DomainError(
                    _("Awal periode (start) harus sebelum atau sama dengan tanggal akhir (on)."),
                    code="period_order",
                    field="start",
                )
            ]
        )
    return on, filters.start


@router.get("", response={200: IndicatorReportOut, **ERRORS})
def indicator_report(request: HttpRequest, filters: Query[ReportFilter]):
    """Registered, active (covered), new, ended, proposed and verified participants, coverage
    of the estimated vulnerable workers, targets and village rollout of the region, and of
    each region one level down (`children`)."""
    on, start = _period(filters)
    report = indicators.region_report(
        user=request.auth, code=_region(request, filters.region), on=on, start=start
    )
    return report.as_dict()


@router.get("/villages", response={200: list[VillageFiguresOut], **ERRORS})
@paginate(LimitedPagination)
def village_rollout(request: HttpRequest, filters: Query[RolloutFilter]):
    """Every village of the region with its rollout step (the gap: `belum_dijangkau`)."""
    rows = indicators.village_rollout(
        user=request.auth, code=_region(request, filters.region), status=filters.status
    )
    return [{**f.as_dict(), "rollout": f.rollout} for f in rows]
