"""Report pages: ask for a monev report, watch it being built (htmx polling), the archive per
region and its downloads (audited), the letterhead, and the Paritrana self-assessment. Thin:
parse, call one service or selector, render. Outside the user's scope: 403 for a region asked
for by code, 404 for an archived run (its existence is not revealed)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Action, can, scope_of
from lindung.accounts.web import require_action
from lindung.audit.services import audit_export
from lindung.contributions.models import Bill
from lindung.contributions.selectors import bill_get, bills_for
from lindung.core import clock
from lindung.core.errors import DomainError, ScopeDenied
from lindung.core.exports import PDF, XLSX, ExportFile, download_response
from lindung.core.formatting import bulan, thousands
from lindung.core.web import add_domain_errors
from lindung.monitoring import indicators
from lindung.regions.models import Region
from lindung.reports import forms, pdf, selectors, services, statements
from lindung.reports.models import Letterhead, ParitranaInnovation, ReportRun

ARCHIVE_PAGE = 50


def _run(request: HttpRequest, pk: int, *, with_file: bool = False) -> ReportRun:
    try:
        return selectors.report_run_get(user=request.user, pk=pk, with_file=with_file)
    except ReportRun.DoesNotExist as e:
        raise Http404(_("Laporan tidak ditemukan.")) from e


def home_view(request: HttpRequest) -> HttpResponse:
    """Ask for a monev report (region, period, format); the latest runs below."""
    today = clock.today()
    suggestions = forms.period_suggestions(today)
    form = forms.ReportRequestForm(
        request.POST or None,
        user=request.user,
        initial={
            "region": request.user.region_id,
            "period": suggestions[0].code,
            "format": ReportRun.Format.PDF,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.report_run_request(
                by=request.user,
                region_code=form.cleaned_data["region"],
                kind=ReportRun.Kind.MONEV,
                period=form.cleaned_data["period"],
                fmt=form.cleaned_data["format"],
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            return redirect("reports:run", pk=run.pk)
    services.report_runs_reclaim()
    return render(
        request,
        "reports/home.html",
        {
            "form": form,
            "suggestions": suggestions,
            "runs": selectors.report_runs_for(user=request.user)[:10],
        },
    )


def archive_view(request: HttpRequest) -> HttpResponse:
    """Every report of the regions in the user's scope; `?wilayah=` keeps one region (and what
    lies inside it), `?jenis=` one kind."""
    services.report_runs_reclaim()
    runs = selectors.report_runs_for(user=request.user)
    code = request.GET.get("wilayah", "").strip()[:13]
    if code:
        scope_of(request.user).require(code, what=_("laporan wilayah ini"))
        runs = selectors.report_runs_in(runs, code)
    kind = request.GET.get("jenis", "")
    if kind in ReportRun.Kind.values:
        runs = runs.filter(kind=kind)
    page = Paginator(runs, ARCHIVE_PAGE).get_page(request.GET.get("page"))
    region = Region.objects.filter(code=code).first() if code else None
    return render(
        request,
        "reports/archive.html",
        {
            "page_obj": page,
            "region": region,
            "code": code,
            "kind": kind,
            "kinds": ReportRun.Kind.choices,
            "regions": forms.region_choices(request.user),
        },
    )


def run_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    services.report_runs_reclaim()
    return render(request, "reports/run_detail.html", {"run": _run(request, pk)})


def run_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar fragment, polled by htmx; a finished run reloads the whole page."""
    services.report_runs_reclaim()
    run = _run(request, pk)
    if run.is_finished:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("reports:run", args=[run.pk])
        return response
    return render(request, "reports/_progress.html", {"run": run})


def run_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The archived file, recorded in the audit trail (who, which report, how many rows)."""
    run = _run(request, pk, with_file=True)
    if run.status != ReportRun.Status.DONE or run.file is None:
        raise Http404(_("Berkas laporan ini belum tersedia."))
    export = ExportFile(bytes(run.file), PDF if run.format == "pdf" else XLSX, run.format, run.rows)
    if run.kind == ReportRun.Kind.STATEMENT:
        _audit_statement(request, run)
    else:
        audit_export(
            actor=request.user,
            obj=run,
            region_code=run.region_id,
            what=_("%(kind)s %(region)s %(period)s")
            % {"kind": run.get_kind_display(), "region": run.region.label, "period": run.period},
            kind=f"report_{run.kind}",
            fmt=run.format,
            rows=run.rows,
            details={"run": run.pk},
        )
    return download_response(export, run.filename)


def _audit_statement(request: HttpRequest, run: ReportRun) -> None:
    """A bill statement built in the background is audited as one downloaded directly
    (contributions.views.statement_view): against the bill, kind `bill_statement`."""
    info = run.parameters
    bill = bills_for(user=request.user).filter(pk=info.get("bill")).first()
    audit_export(
        actor=request.user,
        obj=bill or run,
        region_code=run.region_id,
        what=_("laporan iuran %(code)s %(month)s")
        % {"code": info.get("programme", ""), "month": info.get("month_name", run.period)},
        kind="bill_statement",
        fmt=run.format,
        rows=run.rows,
        details={
            "programme": info.get("programme", ""),
            "month": run.period,
            "funder": info.get("funder", ""),
            "bill": info.get("bill"),
            "run": run.pk,
        },
    )


# --- letterhead ----------------------------------------------------------------------------------


def _region_in_scope(request: HttpRequest, code: str) -> Region:
    try:
        region = Region.objects.get(code=code)
    except Region.DoesNotExist as e:
        raise Http404(_("Wilayah tidak ditemukan.")) from e
    scope_of(request.user).require(region.code, what=_("kop laporan"))
    return region


def letterhead_view(request: HttpRequest) -> HttpResponse:
    """The letterhead and signature block of a province or regency, set by its admin."""
    require_action(request, Action.PROGRAMME_MANAGE)
    regions = list(selectors.letterhead_regions(user=request.user))
    if not regions:
        raise Http404(_("Tidak ada provinsi atau kabupaten/kota di wilayah Anda."))
    code = (
        request.GET.get("wilayah")
        or request.POST.get("wilayah")
        or (
            request.user.region_id
            if any(r.code == request.user.region_id for r in regions)
            else regions[0].code
        )
    )
    region = _region_in_scope(request, code)
    current = Letterhead.objects.filter(region=region).first()
    initial = (
        {f: getattr(current, f) for f in services.LETTERHEAD_FIELDS}
        if current
        else {"government": pdf.default_government(region), "signer_title": "Kepala Dinas"}
    )
    form = forms.LetterheadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.letterhead_set(by=request.user, region=region, **form.cleaned_data)
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(
                request, _("Kop laporan %(region)s disimpan.") % {"region": region.label}
            )
            return redirect(f"{reverse('reports:letterhead')}?wilayah={region.code}")
    return render(
        request,
        "reports/letterhead.html",
        {
            "form": form,
            "logo_form": forms.LogoForm(),
            "region": region,
            "current": current,
            "regions": regions,
            "has_logo": pdf.logo_path(current) is not None,
        },
    )


@require_POST
def letterhead_logo_view(request: HttpRequest, code: str) -> HttpResponse:
    require_action(request, Action.PROGRAMME_MANAGE)
    region = _region_in_scope(request, code)
    form = forms.LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.letterhead_logo_set(
                by=request.user, region=region, content=form.cleaned_data["logo"].read()
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(request, _("Logo disimpan."))
            return redirect(f"{reverse('reports:letterhead')}?wilayah={region.code}")
    for error in form.errors.get("logo", []):
        messages.error(request, error)
    return redirect(f"{reverse('reports:letterhead')}?wilayah={region.code}")


def letterhead_logo_image_view(request: HttpRequest, code: str) -> HttpResponse:
    """The stored logo, for the letterhead page's preview (MEDIA_ROOT is not served)."""
    region = _region_in_scope(request, code)
    path = pdf.logo_path(Letterhead.objects.filter(region=region).first())
    if path is None:
        raise Http404(_("Belum ada logo."))
    kind = "image/png" if path.suffix == ".png" else "image/jpeg"
    response = FileResponse(path.open("rb"), content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Paritrana -----------------------------------------------------------------------------------


def paritrana_home_view(request: HttpRequest) -> HttpResponse:
    """Opens on the user's regency (or province) and the previous calendar year: the award
    judges the year before."""
    year = clock.today().year - 1
    regions = list(selectors.paritrana_regions(user=request.user))
    if not regions:
        raise Http404(
            _(
                "Penilaian Paritrana dibuat untuk provinsi atau kabupaten/kota; "
                "wilayah Anda tidak termasuk."
            )
        )
    own = next((r for r in regions if r.code == request.user.region_id), regions[0])
    return redirect("reports:paritrana", code=own.code, year=year)


def _paritrana_context(request: HttpRequest, code: str, year: int) -> dict:
    try:
        result = selectors.paritrana_result(user=request.user, code=code, year=year)
    except Region.DoesNotExist as e:
        raise Http404(_("Wilayah tidak ditemukan.")) from e
    if result.region.level > Region.Level.REGENCY:
        raise Http404(_("Penilaian Paritrana dibuat untuk provinsi atau kabupaten/kota."))
    return {
        "result": result,
        "year": year,
        "code": code,
        "can_edit": can(request.user, Action.PROGRAMME_MANAGE),
        "regions": selectors.paritrana_regions(user=request.user),
        "years": list(range(clock.today().year, clock.today().year - 6, -1)),
    }


def paritrana_view(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The self-assessment of a region's year: the facts the data knows, the form for the
    rest, the score with its breakdown."""
    if not 2000 <= year <= 2100:
        raise Http404(_("Tahun di luar rentang."))
    context = _paritrana_context(request, code, year)
    a = context["result"].assessment
    initial = (
        {
            f: getattr(a, f)
            for f in (
                "regulation",
                "regulation_number",
                "regulation_year",
                "regulation_title",
                "budget_allocated",
                "budget_realised",
                "interview_score",
                "notes",
            )
        }
        if a
        else {"regulation": "none"}
    )
    form = forms.ParitranaForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_action(request, Action.PROGRAMME_MANAGE)
        if form.is_valid():
            try:
                services.paritrana_save(
                    by=request.user, region=context["result"].region, year=year, **form.cleaned_data
                )
            except DomainError as e:
                add_domain_errors(form, e)
            else:
                messages.success(request, _("Penilaian disimpan; skor dihitung ulang."))
                return redirect("reports:paritrana", code=code, year=year)
    context.update(
        form=form, innovation_form=forms.InnovationForm(), formats=ReportRun.Format.choices
    )
    return render(request, "reports/paritrana.html", context)


@require_POST
def innovation_add_view(request: HttpRequest, code: str, year: int) -> HttpResponse:
    require_action(request, Action.PROGRAMME_MANAGE)
    region = _region_in_scope(request, code)
    form = forms.InnovationForm(request.POST)
    if form.is_valid():
        try:
            services.innovation_add(by=request.user, region=region, year=year, **form.cleaned_data)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Inovasi dicatat."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("reports:paritrana", code=code, year=year)


@require_POST
def innovation_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, Action.PROGRAMME_MANAGE)
    try:
        item = selectors.innovation_get(user=request.user, pk=pk)
    except ParitranaInnovation.DoesNotExist as e:
        raise Http404 from e
    services.innovation_delete(by=request.user, innovation=item)
    messages.success(request, _("Inovasi dihapus."))
    return redirect("reports:paritrana", code=item.assessment.region_id, year=item.assessment.year)


@require_POST
def paritrana_export_view(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Export the assessment as PDF or XLSX: built in the background like a monev report."""
    fmt = request.POST.get("format", "pdf")
    try:
        run = services.report_run_request(
            by=request.user,
            region_code=code,
            kind=ReportRun.Kind.PARITRANA,
            period=str(year),
            fmt=fmt,
        )
    except ScopeDenied:
        raise
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("reports:paritrana", code=code, year=year)
    return redirect("reports:run", pk=run.pk)


def paritrana_compare_view(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The regencies and cities of a province side by side (the admin provinsi)."""
    try:
        region = indicators.region_for(user=request.user, code=code)
    except Region.DoesNotExist as e:
        raise Http404(_("Wilayah tidak ditemukan.")) from e
    if region is None or region.level != Region.Level.PROVINCE:
        raise Http404(_("Perbandingan dibuat per provinsi."))
    results = selectors.paritrana_compare(user=request.user, code=code, year=year)
    return render(
        request,
        "reports/paritrana_compare.html",
        {
            "region": region,
            "year": year,
            "results": results,
            "columns": [row.label for row in results[0].score.rows] if results else [],
            "years": list(range(clock.today().year, clock.today().year - 6, -1)),
        },
    )


# --- the bill statement (a contributions page's download, built here) ---------------------------


def statement_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The bill statement as a download; a bill too large to build within the request is
    built in the background (POST: the report archive's progress page follows it)."""
    require_action(request, Action.CONTRIBUTIONS_READ)  # money: not the village operator
    try:
        bill = bill_get(user=request.user, pk=pk)
    except Bill.DoesNotExist as e:
        raise Http404(_("Tagihan tidak ditemukan.")) from e
    if statements.in_background(bill):
        return _statement_in_background(request, bill, fmt)
    st = statements.statement(user=request.user, bill=bill)
    export = statements.statement_export(st, fmt)
    audit_export(
        actor=request.user,
        obj=st.bill,
        region_code=st.bill.programme.region_id,
        what=_("laporan iuran %(code)s %(month)s")
        % {"code": st.bill.programme.code, "month": bulan(st.bill.month)},
        kind="bill_statement",
        fmt=fmt,
        rows=export.rows,
        details={
            "programme": st.bill.programme.code,
            "month": f"{st.bill.month:%Y-%m}",
            "funder": str(st.funder_label),
        },
    )
    return download_response(export, statements.filename(st, fmt))


def _statement_in_background(request: HttpRequest, bill: Bill, fmt: str) -> HttpResponse:
    if request.method != "POST":
        # A link followed to a large bill: building starts from the bill page's button (a
        # POST), never from a GET that a prefetch or a crawler could repeat.
        messages.info(
            request,
            _(
                "Tagihan ini memuat %(n)s peserta: laporannya disusun di latar belakang. "
                "Tekan tombol %(fmt)s untuk memulai."
            )
            % {"n": thousands(bill.line_count), "fmt": fmt.upper()},
        )
        return redirect("contributions:bill", bill.pk)
    run = services.report_run_request(
        by=request.user,
        region_code=bill.programme.region_id,
        kind=ReportRun.Kind.STATEMENT,
        period=f"{bill.month:%Y-%m}",
        fmt=fmt,
        parameters={
            "bill": bill.pk,
            "programme": bill.programme.code,
            "month_name": bulan(bill.month),
            "funder": f"{bill.get_funder_display()} — {bill.funder_region.label}",
        },
    )
    return redirect("reports:run", pk=run.pk)
