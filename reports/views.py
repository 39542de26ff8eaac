"""
Report pages. Every view declares its roles; members see ready reports, officers also see builds in progress
and failures, and request builds. Downloads stream from private storage after the role check.
"""
from auditlog.signals import accessed
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import collection_year
from core.collection_year import long_label
from core.files import private_file_response
from core.permissions import BOARD_READERS, OFFICERS, role_required

from . import selectors, services
from .forms import AnnualReportContentForm, BuildAnnualReportForm, BuildBoardPackForm, ReportScheduleForm
from .models import AnnualReportContent, Report, ReportSchedule, ReportStatus, ReportType

PAGE_SIZE = 20


def _report_for(request, pk):
    """The report if this person may see it: members only see ready ones (others look like they don't exist)."""
    return get_object_or_404(selectors.visible_reports(request.user), pk=pk)


@role_required(*BOARD_READERS)
def report_list(request):
    is_officer = request.user.role in OFFICERS
    context = _list_context(request, page_number=request.GET.get("page"))
    if is_officer:
        context["pack_form"] = BuildBoardPackForm()
        context["annual_form"] = BuildAnnualReportForm()
    return render(request, "reports/report_list.html", context)


def _list_context(request, *, page_number):
    page = Paginator(selectors.documents(selectors.visible_reports(request.user)), PAGE_SIZE).get_page(page_number)
    last_year = collection_year.latest_finished()
    return {
        "page_obj": page,
        "documents": page.object_list,
        "is_officer": request.user.role in OFFICERS,
        "text_year": last_year,
        "text_year_label": long_label(last_year),
    }


@role_required(*OFFICERS)
@require_POST
def report_request(request):
    pack_form, annual_form = BuildBoardPackForm(), BuildAnnualReportForm()
    if "pack-meeting" in request.POST:
        pack_form = BuildBoardPackForm(request.POST)
        if pack_form.is_valid():
            requested = services.request_report(
                ReportType.BOARD_PACK, meeting=pack_form.cleaned_data["meeting"], requested_by=request.user
            )
            _say_requested(request, requested)
            return redirect(requested.report)
    else:
        annual_form = BuildAnnualReportForm(request.POST)
        if annual_form.is_valid():
            requested = services.request_report(
                ReportType.ANNUAL_REPORT, year=annual_form.cleaned_data["year"], requested_by=request.user
            )
            _say_requested(request, requested)
            return redirect(requested.report)
    context = {**_list_context(request, page_number=1), "pack_form": pack_form, "annual_form": annual_form}
    return render(request, "reports/report_list.html", context, status=400)


def _say_requested(request, requested):
    report = requested.report
    if not requested.started:
        messages.info(request, f"{report.title} (version {report.version}) is already being built: "
                               "nothing new was requested. It appears here when it is ready.")
    else:
        messages.success(request, f"{report.title} (version {report.version}) has been requested.")


@role_required(*BOARD_READERS)
def report_detail(request, pk):
    report = _report_for(request, pk)
    is_officer = request.user.role in OFFICERS
    versions = selectors.visible_reports(request.user).filter(kind=report.kind)
    versions = versions.filter(meeting_id=report.meeting_id) if report.kind == ReportType.BOARD_PACK else versions.filter(year=report.year)
    return render(
        request,
        "reports/report_detail.html",
        {"report": report, "is_officer": is_officer, "versions": versions, "status": selectors.report_status(report, for_officer=is_officer)},
    )


@role_required(*BOARD_READERS)
def report_status(request, pk):
    report = _report_for(request, pk)
    response = JsonResponse(selectors.report_status(report, for_officer=request.user.role in OFFICERS))
    response["Cache-Control"] = "no-store"
    return response


@role_required(*OFFICERS)
@require_POST
def report_retry(request, pk):
    report = get_object_or_404(Report, pk=pk)
    try:
        services.retry_report(report, requested_by=request.user)
    except ValueError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"{report.title} (version {report.version}) has been queued again.")
    return redirect(report)


@role_required(*selectors.DOWNLOAD_ROLES)
def report_download(request, pk, version):
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk, version=version)
    if report.status != ReportStatus.READY or not report.pdf:
        raise Http404("This report has not been built.")
    response = private_file_response(report.pdf, download_name=report.filename)
    accessed.send(Report, instance=report)
    return response


@role_required(*selectors.DOWNLOAD_ROLES)
def report_download_public(request, pk, version):
    """A board pack's public pack (without exempt items), for members who want what the public reads."""
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk, version=version)
    if report.status != ReportStatus.READY or not report.public_pdf:
        raise Http404("This report has no public pack.")
    response = private_file_response(report.public_pdf, download_name=report.public_filename)
    accessed.send(Report, instance=report)
    return response


@role_required(*OFFICERS)
def annual_content(request, year):
    if not 2000 <= year <= 2100:
        raise Http404("No such year.")
    instance = AnnualReportContent.objects.filter(year=year).first()
    form = AnnualReportContentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_annual_content(year, **form.cleaned_data, updated_by=request.user)
        messages.success(request, f"The annual report text for {long_label(year)} has been saved.")
        return redirect("reports:annual_content", year=year)
    return render(
        request,
        "reports/annual_content.html",
        {"form": form, "year": year, "year_label": long_label(year), "content": instance},
        status=400 if form.errors else 200,
    )


@role_required(*OFFICERS)
def schedule_list(request):
    form = ReportScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        schedule = services.save_schedule(form.save(commit=False), created_by=request.user)
        messages.success(request, f"Schedule added: {schedule}.")
        return redirect("reports:schedule_list")
    schedules = ReportSchedule.objects.select_related("created_by").order_by("kind", "id")
    return render(
        request, "reports/schedule_list.html", {"form": form, "schedules": schedules}, status=400 if form.errors else 200
    )


@role_required(*OFFICERS)
@require_POST
def schedule_toggle(request, pk):
    schedule = get_object_or_404(ReportSchedule, pk=pk)
    services.set_schedule_active(schedule, active=not schedule.active)
    messages.success(request, f"Schedule {'resumed' if schedule.active else 'paused'}: {schedule}.")
    return redirect("reports:schedule_list")
