"""
Officers' pages for cohort records. Every view here is for officers and administrators only: councillors, the
chief executive and young people's representatives see aggregates on the dashboards, never a child's record.
Every view and change of a child's record is written to the audit log.
"""
from auditlog.signals import accessed
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, View

from audit import services as audit
from core import csv_files
from core.files import private_file_response
from core.permissions import OFFICERS, RoleRequiredMixin

from . import selectors, services
from .forms import ChildFilterForm, ChildForm, CohortImportForm, EpisodeForm
from .models import Child, CodeList, CohortImport, CohortImportFile, Episode

PAGE_SIZE = 50


@method_decorator(never_cache, name="dispatch")
class OfficerView(RoleRequiredMixin):
    """Child-level pages: officers only, and never kept in a browser's or a proxy's cache (no-store)."""

    allowed_roles = OFFICERS


class FilteredChildrenMixin:
    def filter_form(self):
        years = selectors.return_years()
        data = self.request.GET.copy()
        if "year" not in data and years:
            data["year"] = str(years[0])  # the latest return unless asked otherwise
        return ChildFilterForm(data, years=years)


class ChildListView(OfficerView, FilteredChildrenMixin, ListView):
    template_name = "children/child_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "children"

    def get_queryset(self):
        self.form = self.filter_form()
        self.filters = self.form.filters()
        return selectors.children_for_year(**self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["filters"] = self.filters
        context["codes"] = selectors.code_descriptions(CodeList.LEGAL_STATUS, CodeList.PLACEMENT_TYPE)
        # Each child on the page (identifier, sex, date of birth, placement) was seen: one entry each.
        audit.record_reads(self.request, context["children"], "listed", page=context["page_obj"].number if context.get("page_obj") else 1)
        return context


class ChildExportView(OfficerView, FilteredChildrenMixin, View):
    """The filtered list as CSV. Each exported child gets an audit entry saying who exported it and when."""

    def get(self, request):
        filters = self.filter_form().filters()
        children = list(selectors.children_for_year(**filters))
        described = {k: str(v) for k, v in filters.items() if v not in (None, "")}
        audit.record_reads(request, children, "exported", export="csv", filters=described)
        year = filters.get("year")
        response, writer = csv_files.download(f"looked-after-children-{year or 'all'}.csv")
        writer.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "YEAR", "LATEST_LS", "LATEST_PLACE", "EPISODES_IN_YEAR",
                         "LOOKED_AFTER_31_MARCH"])
        for child in children:
            in_year = getattr(child, "looked_after_at_year_end", None)
            writer.writerow([
                child.child_id, child.sex, f"{child.date_of_birth:%d/%m/%Y}", child.ethnicity, child.upn, year or "",
                getattr(child, "latest_legal_status", "") or "", getattr(child, "latest_placement_type", "") or "",
                getattr(child, "episodes_in_year", "") or "", "" if in_year is None else ("yes" if in_year else "no"),
            ])
        return response


class ChildMixin(OfficerView):
    def get_child(self):
        if not hasattr(self, "_child"):
            self._child = get_object_or_404(Child, pk=self.kwargs["pk"])
        return self._child


class ChildDetailView(ChildMixin, DetailView):
    template_name = "children/child_detail.html"
    context_object_name = "child"

    def get_object(self, queryset=None):
        return self.get_child()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = selectors.child_record(self.object)
        context["codes"] = selectors.code_descriptions(*CodeList.values)
        accessed.send(Child, instance=self.object)
        return context


class ChildUpdateView(ChildMixin, FormView):
    template_name = "children/child_form.html"
    form_class = ChildForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_child()}

    def get(self, request, *args, **kwargs):
        accessed.send(Child, instance=self.get_child())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        services.update_child(child=self.get_child(), data=form.cleaned_data)
        messages.success(self.request, f"{self.get_child()} was updated.")
        return redirect("children:child_detail", pk=self.get_child().pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "child": self.get_child()}


class EpisodeUpdateView(ChildMixin, FormView):
    template_name = "children/episode_form.html"
    form_class = EpisodeForm

    def get_episode(self):
        if not hasattr(self, "_episode"):
            self._episode = get_object_or_404(
                Episode.objects.select_related("child", "cohort_return"), pk=self.kwargs["episode_pk"],
                child_id=self.kwargs["pk"],
            )
        return self._episode

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_episode()}

    def get(self, request, *args, **kwargs):
        accessed.send(Episode, instance=self.get_episode())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        episode = self.get_episode()
        services.update_episode(episode=episode, data={name: form.cleaned_data[name] for name in form.Meta.fields})
        messages.success(self.request, f"The episode from {episode.start_date:%d/%m/%Y} was updated.")
        return redirect("children:child_detail", pk=episode.child_id)

    def get_context_data(self, **kwargs):
        episode = self.get_episode()
        return {**super().get_context_data(**kwargs), "episode": episode, "child": episode.child}


class ChildAuditView(ChildMixin, ListView):
    template_name = "children/child_audit.html"
    paginate_by = PAGE_SIZE
    context_object_name = "entries"

    def get_queryset(self):
        return selectors.audit_trail(self.get_child())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "child": self.get_child()}


class SubjectAccessExportView(ChildMixin, View):
    """Everything held about one child, with its audit trail, for a subject access request (itself recorded)."""

    def get(self, request, *args, **kwargs):
        child = self.get_child()
        response = HttpResponse(services.subject_access_export(request, child), content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{child.child_id}-{timezone.localdate():%Y-%m-%d}.zip"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class CohortImportListView(OfficerView, ListView):
    template_name = "children/import_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "imports"

    def get_queryset(self):
        return selectors.cohort_imports()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "freshness": selectors.data_freshness()}


class CohortImportCreateView(OfficerView, FormView):
    template_name = "children/import_form.html"
    form_class = CohortImportForm

    def form_valid(self, form):
        cohort_import = services.create_import(
            year=form.cleaned_data["year"], files=form.cleaned_data["files"], user=self.request.user
        )
        services.queue_import(cohort_import)
        return redirect("children:import_detail", pk=cohort_import.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "retention_days": settings.COHORT_FILE_RETENTION_DAYS}


class CohortImportDetailView(OfficerView, DetailView):
    template_name = "children/import_detail.html"
    context_object_name = "cohort_import"
    ERRORS_PER_PAGE = 100
    WARNINGS_SHOWN = 100  # the rest are in the problems download

    def get_queryset(self):
        return CohortImport.objects.select_related("created_by").prefetch_related("files")

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "problems":
            return self.problems_csv(self.get_object())
        return super().get(request, *args, **kwargs)

    def problems_csv(self, cohort_import):
        """Every error, warning and DfE rule finding (with its rule code) as CSV, for an officer fixing a large extract (children's identifiers: audited)."""
        audit.record_event("downloaded_problems", request=self.request, obj=cohort_import)
        response, writer = csv_files.download(f"903-import-{cohort_import.pk}-problems.csv")
        writer.writerow(["kind", "table", "row", "field", "value", "message", "rule", "child"])
        for kind, problems in (("error", cohort_import.errors), ("warning", cohort_import.warnings)):
            for problem in problems:
                writer.writerow([kind, problem["table"], problem["row"] or "", problem["field"], problem["value"],
                                 problem["message"], "", problem.get("child", "")])
        for cut in selectors.problems_not_listed(cohort_import):
            writer.writerow([
                "error" if cut["blocks"] else "warning", cut["table"], "", cut["field"], "",
                f"{cut['not_listed']} more like “{cut['message']}” are not listed: the first {cut['listed']} of each "
                "kind of problem are kept.", "", "",
            ])
        writer.writerows(selectors.dfe_rule_rows(cohort_import))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["error_page"] = Paginator(self.object.errors, self.ERRORS_PER_PAGE).get_page(self.request.GET.get("page"))
        context["page_obj"] = context["error_page"]
        context["retention_days"] = settings.COHORT_FILE_RETENTION_DAYS
        context["rule_check"] = selectors.dfe_rule_check(self.object)
        context["not_listed"] = selectors.problems_not_listed(self.object)
        context["warning_count"] = selectors.warning_count(self.object)
        context["warnings_shown"] = self.object.warnings[:self.WARNINGS_SHOWN]
        return context


class CohortImportRetryView(OfficerView, View):
    """"Try again": run a failed import again with the files it stored."""

    http_method_names = ["post"]

    def post(self, request, pk):
        cohort_import = get_object_or_404(CohortImport, pk=pk)
        try:
            services.retry_import(cohort_import)
        except services.CannotTryAgain as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, "The import will run again with the same files.")
        return redirect("children:import_detail", pk=pk)


class CohortImportProgressView(OfficerView, View):
    """A small JSON answer the import page polls (static/js/cohort-import-progress.js)."""

    def get(self, request, pk):
        cohort_import = get_object_or_404(
            CohortImport.objects.only("status", "stage", "rows_done", "rows_total", "error_count"), pk=pk
        )
        return JsonResponse({
            "status": cohort_import.status,
            "status_label": cohort_import.get_status_display(),
            "stage": cohort_import.stage,
            "rows_done": cohort_import.rows_done,
            "rows_total": cohort_import.rows_total,
            "percent": cohort_import.percent_done,
            "error_count": cohort_import.error_count,
            "finished": cohort_import.finished,
            "url": reverse("children:import_detail", args=[pk]),
            "checked_at": timezone.now().isoformat(),
        })


class CohortImportFileView(OfficerView, View):
    def get(self, request, pk, file_pk):
        stored = get_object_or_404(CohortImportFile, pk=file_pk, cohort_import_id=pk)
        audit.record_event("downloaded_file", request=request, obj=stored, file_name=stored.original_name)
        return private_file_response(stored.file, download_name=stored.original_name)
