"""The audit trail for officers: search by person and by child, and export what was found."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core import csv_files
from core.permissions import OFFICERS, role_required

from . import selectors, services
from .forms import TrailSearchForm

PAGE_SIZE = 50


def _form(request):
    return TrailSearchForm(request.GET or None)


@never_cache
@role_required(*OFFICERS)
def trail(request):
    form = _form(request)
    filters = form.filters() if form.is_bound else {}
    page = Paginator(selectors.search(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request, "audit/trail.html", {"form": form, "page_obj": page, "entries": page.object_list, "query": query.urlencode()}
    )
    return response


@never_cache
@role_required(*OFFICERS)
def export(request):
    form = _form(request)
    filters = form.filters() if form.is_bound else {}
    services.record_event("trail_exported", request=request, object_repr="Audit trail export", filters={k: str(v) for k, v in filters.items()})
    entries = selectors.search(**filters)
    writer = csv_files.streaming_writer()

    def rows():
        yield writer.writerow(services.TRAIL_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(services.trail_row(entry))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
