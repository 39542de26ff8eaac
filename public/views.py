"""
The public site: pages anyone may read without signing in. Thin: each finds its board or meeting and shows
what ``selectors`` publishes (404 for anything it withholds).
"""
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from boards.models import Board, Meeting
from core.files import private_file_response
from core.permissions import public_page
from dashboards.models import PublicPage

from . import feeds, selectors


def _board(pk):
    return get_object_or_404(Board, pk=pk)


def _meeting(pk):
    return get_object_or_404(Meeting.objects.select_related("board"), pk=pk)


@public_page
def index(request):
    return render(
        request, "public/index.html",
        {"boards": selectors.board_list(), "measures_published": PublicPage.is_enabled()},
    )


@public_page
def board(request, pk):
    found = _board(pk)
    return render(request, "public/board.html", {"board": found, **selectors.meeting_calendar(found)})


@public_page
def meeting(request, pk):
    found = _meeting(pk)
    return render(
        request, "public/meeting.html",
        {"meeting": found, "board": found.board, "agenda_is_public": selectors.agenda_is_public(found),
         "items": selectors.public_agenda(found), "pack": selectors.public_pack(found)},
    )


@public_page
def paper(request, pk, paper_pk):
    found = selectors.paper_get(meeting=_meeting(pk), paper_pk=paper_pk)
    if found is None:
        raise Http404("No such public paper.")
    return private_file_response(found.file)


def _board_page(request, pk, template, **select):
    """A page about one board: each ``name=selector`` puts ``selector(board)`` in the page as ``name``."""
    found = _board(pk)
    return render(request, template, {"board": found, **{name: read(found) for name, read in select.items()}})


@public_page
def pack(request, pk):
    found = selectors.public_pack(_meeting(pk))
    if found is None:
        raise Http404("No public board pack for this meeting.")
    return private_file_response(found.public_pdf, download_name=found.public_filename)


@public_page
def members(request, pk):
    return _board_page(request, pk, "public/members.html", members=selectors.membership)


@public_page
def forward_plan(request, pk):
    return _board_page(request, pk, "public/forward_plan.html", topics=selectors.forward_plan)


@public_page
def decisions(request, pk):
    return _board_page(request, pk, "public/decisions.html", decisions=selectors.decisions)


@public_page
def calendar(request, pk):
    found = _board(pk)
    response = HttpResponse(
        feeds.meetings_calendar(found, base_url=request.build_absolute_uri("/")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="board-{found.pk}-meetings.ics"'
    return response


papers_and_minutes = public_page(feeds.PapersAndMinutesFeed())
