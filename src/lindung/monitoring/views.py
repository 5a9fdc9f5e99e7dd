"""Dashboards (home, drill-down, village rollout and gap) and the Dinas's inputs
(denominators, targets). Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Action, can, scope_of
from lindung.accounts.web import require_action
from lindung.audit.services import audit_export
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.exports import download_response
from lindung.core.formatting import bulan
from lindung.core.web import add_domain_errors
from lindung.imports.parsers import FileRefused
from lindung.monitoring import exports, indicators, selectors, services, tasks
from lindung.monitoring.forms import (
    DenominatorForm,
    DenominatorImportForm,
    PeriodForm,
    TargetForm,
)
from lindung.monitoring.models import Denominator
from lindung.monitoring.rules import Rollout
from lindung.regions.models import Region, ancestor_codes

ROLLOUT_PAGE = 100
DENOMINATOR_PAGE = 100


def _dashboard_root(request: HttpRequest) -> str | None:
    """The region code of the user's dashboard, None for a user without any region."""
    tasks.periodic.ensure()  # the background refresh chain (at most every ten minutes)
    scope = scope_of(request.user)
    if scope.is_national:
        return indicators.NATIONAL
    return request.user.region_id


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's region: the maintained indicators (`monitoring.aggregates`)
    and the programmes' quotas, so the page costs the same with 1,000 or 1,000,000 workers
    (no count over the registry or the enrolments here)."""
    user = request.user
    root = _dashboard_root(request)
    scope = scope_of(user)
    codes = [indicators.NATIONAL] if scope.is_national else list(scope.prefixes)
    report = (
        indicators.combined_report(
            [indicators.region_report(user=user, code=code) for code in codes]
        )
        if root is not None
        else None
    )
    children = [c for c in report.children if c.registered or c.active] if report else []
    by_occupation = report.by_occupation if report else []
    return render(
        request,
        "monitoring/home.html",
        {
            "programmes": selectors.programme_quotas(user=user),
            "children": sorted(children, key=lambda c: (-c.registered, c.code)),
            "children_max": max((c.registered for c in children), default=0),
            "by_occupation": by_occupation,
            "by_occupation_max": max((r["active"] for r in by_occupation), default=0),
            "report": report,
            "root": root,
        },
    )


def _breadcrumb(request: HttpRequest, code: str) -> list[tuple[str | None, str]]:
    """(code or None when not linkable, name) from the top the user may see down to `code`."""
    scope = scope_of(request.user)
    crumbs: list[tuple[str | None, str]] = []
    if scope.is_national:
        crumbs.append((indicators.NATIONAL, _("Indonesia")))
    if code:
        names = dict(
            Region.objects.filter(code__in=ancestor_codes(code)).values_list("code", "name")
        )
        for c in ancestor_codes(code):
            crumbs.append((c if scope.covers(c) else None, names.get(c, c)))
    return crumbs


def dashboard_root(request: HttpRequest) -> HttpResponse:
    root = _dashboard_root(request)
    if root is None:
        raise Http404(_("Akun Anda belum memiliki wilayah."))
    return redirect("monitoring:region", code=root) if root else redirect("monitoring:national")


def region_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """Drill-down: the indicators of a region and a table of its children, each linking to
    its own page. A region outside the user's scope is a 403, an unknown one a 404."""
    tasks.periodic.ensure()
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    try:
        report = indicators.region_report(
            user=request.user, code=code, on=end, start=start, with_trend=True
        )
    except Region.DoesNotExist as e:
        raise Http404(_("Wilayah tidak ditemukan.")) from e
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "csv"):
        export = exports.report_file(report, fmt)
        region = Region.objects.filter(code=code).first()
        audit_export(
            actor=request.user,
            obj=region or request.user,
            region_code=code,
            what=_("indikator %(region)s") % {"region": report.root.name},
            kind="indicators",
            fmt=fmt,
            rows=export.rows,
        )
        return download_response(export, f"indikator-{code or 'indonesia'}-{end:%Y%m%d}.{fmt}")
    trend_max = max((n for _d, n in report.trend), default=0)
    return render(
        request,
        "monitoring/region.html",
        {
            "report": report,
            "form": form,
            "breadcrumb": _breadcrumb(request, code),
            "code": code,
            "trend_max": trend_max,
            "is_current": end == clock.today(),
            "chart_data": _chart_data(report),
            "has_map": bool(code) and selectors.has_boundaries(code),
            "can_manage": can(request.user, Action.PROGRAMME_MANAGE),
        },
    )


def map_data_view(request: HttpRequest, code: str) -> HttpResponse:
    """The children of a region as GeoJSON features with their coverage (for map.js): the
    same report as the page, so the same scope (403 outside, 404 unknown)."""
    from django.http import JsonResponse

    from lindung.monitoring.templatetags.monitoring import coverage_class

    try:
        report = indicators.region_report(user=request.user, code=code)
    except Region.DoesNotExist as e:
        raise Http404(_("Wilayah tidak ditemukan.")) from e
    shapes = selectors.child_boundaries(code)
    features = [
        {
            "type": "Feature",
            "geometry": shapes[c.code],
            "properties": {
                "code": c.code,
                "name": c.name,
                "active": c.active,
                "coverage_pct": c.coverage_pct,
                "class": coverage_class(c.coverage_pct),
                "url": reverse("monitoring:region", args=[c.code]),
            },
        }
        for c in report.children
        if c.code in shapes
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _chart_data(report: indicators.Report) -> dict[str, object]:
    """The figures of the charts (charts.js), the same as the tables beside them."""
    return {
        "trend": {
            "label": _("Peserta aktif"),
            "labels": [bulan(d) for d, _n in report.trend],
            "values": [n for _d, n in report.trend],
        },
        "occupation": {
            "label": _("Peserta aktif"),
            "labels": [r["name"] or "-" for r in report.by_occupation],
            "values": [r["active"] for r in report.by_occupation],
        },
        "sex": {
            "labels": [_("Laki-laki"), _("Perempuan")],
            "values": [report.by_sex.get("L", 0), report.by_sex.get("P", 0)],
        },
        "children": {
            "label": _("Cakupan (%)"),
            "labels": [c.name for c in report.children],
            "values": [c.coverage_pct or 0 for c in report.children],
            "max": max([100.0, *(c.coverage_pct or 0 for c in report.children)]),
        },
    }


def rollout_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """Every village of a region with its rollout step; `status` filters (the gap:
    belum_dijangkau)."""
    status = request.GET.get("status", "")
    if status not in Rollout.LABELS:
        status = ""
    try:
        rows = indicators.village_rollout(user=request.user, code=code, status=status)
        region = indicators.region_for(user=request.user, code=code)
    except Region.DoesNotExist as e:
        raise Http404(_("Wilayah tidak ditemukan.")) from e
    page = Paginator(rows, ROLLOUT_PAGE).get_page(request.GET.get("page"))
    districts = indicators.district_names([f.code for f in page.object_list])
    return render(
        request,
        "monitoring/rollout.html",
        {
            "page_obj": page,
            "region": region,
            "code": code,
            "status": status,
            "statuses": [(s, Rollout.LABELS[s]) for s in Rollout.ORDER],
            "rows": [(f, districts.get(f.code[:8], "")) for f in page.object_list],
            "breadcrumb": _breadcrumb(request, code),
        },
    )


# --- denominators and targets ----------------------------------------------------------------


def denominators_view(request: HttpRequest) -> HttpResponse:
    require_action(request, Action.PROGRAMME_MANAGE)
    year = clock.today().year
    initial = {"year": year, "source": Denominator.Source.BPS}
    form = DenominatorForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.denominator_set(by=request.user, **form.data_for_service())
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(
                request,
                _("Penyebut %(village)s tahun %(year)s disimpan.")
                % {"village": row.village.label, "year": row.year},
            )
            return redirect(f"{request.path}?tahun={row.year}")
    try:
        shown_year = int(request.GET.get("tahun", year))
    except ValueError:
        shown_year = year
    rows = selectors.denominators_for(user=request.user, year=shown_year)
    page = Paginator(rows, DENOMINATOR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/denominators.html",
        {
            "form": form,
            "page_obj": page,
            "year": shown_year,
            "import_form": DenominatorImportForm(initial={"year": year}),
        },
    )


@require_POST
def denominator_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, Action.PROGRAMME_MANAGE)
    try:
        row = selectors.denominators_for(user=request.user).get(pk=pk)
    except Denominator.DoesNotExist as e:
        raise Http404 from e
    services.denominator_delete(by=request.user, denominator=row)
    messages.success(request, _("Penyebut dihapus."))
    return redirect(f"{_url('monitoring:denominators')}?tahun={row.year}")


def _url(name: str) -> str:
    return reverse(name)


def denominator_import_view(request: HttpRequest) -> HttpResponse:
    require_action(request, Action.PROGRAMME_MANAGE)
    form = DenominatorImportForm(
        request.POST or None, request.FILES or None, initial={"year": clock.today().year}
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.denominators_import(
                by=request.user,
                content=upload.read(),
                filename=upload.name,
                year=form.cleaned_data["year"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except FileRefused as e:
            form.add_error("file", e.message)
        except DomainError as e:
            add_domain_errors(form, e)
    return render(request, "monitoring/denominator_import.html", {"form": form, "report": report})


def denominator_template_view(request: HttpRequest) -> HttpResponse:
    return download_response(
        services.denominator_template(), "templat-penyebut.csv", "text/csv; charset=utf-8"
    )


def targets_view(request: HttpRequest) -> HttpResponse:
    require_action(request, Action.PROGRAMME_MANAGE)
    form = TargetForm(
        request.POST or None,
        user=request.user,
        initial={"year": clock.today().year, "region": request.user.region_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_set(by=request.user, **form.data_for_service())
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(
                request,
                _("Target %(region)s tahun %(year)s disimpan.")
                % {"region": target.region.label, "year": target.year},
            )
            return redirect("monitoring:targets")
    return render(
        request,
        "monitoring/targets.html",
        {"form": form, "targets": selectors.targets_for(user=request.user)[:200]},
    )
