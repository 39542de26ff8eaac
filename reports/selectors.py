"""
What reports read: the content of each document (gathered from the other apps' selectors, so the PDFs show
the same figures and charts as the pages), who may see which reports, and who is told when one is ready.
"""
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core import collection_year
from core.collection_year import long_label
from core.permissions import BOARD_READERS, OFFICERS

from . import merging
from .models import AnnualReportContent, Report, ReportStatus, ReportType

ORGANISATION = "Corporate Parenting Board"
# Who may download built reports: members and officers. Young people's representatives see the board's
# answers to them elsewhere; the packs carry officer names and detail meant for members.
DOWNLOAD_ROLES = BOARD_READERS


# --- Listing and status -----------------------------------------------------------------------------------


def visible_reports(user):
    """
    Officers see every build (with failures, so they can act). Members see ready reports only: every annual
    report, and the board packs of the boards they may read (``boards.selectors.boards_for``: a councillor
    the boards they sit on, the chief executive all of them).
    """
    from boards.selectors import boards_for

    reports = Report.objects.select_related("meeting", "meeting__board", "requested_by", "schedule")
    if user.role not in OFFICERS:
        reports = reports.filter(status=ReportStatus.READY).filter(
            Q(kind=ReportType.ANNUAL_REPORT) | Q(meeting__board__in=boards_for(user))
        )
    return with_superseded(reports).order_by("-requested_at", "-id")


def with_superseded(reports):
    """
    Annotate ``superseded``: a later version of the same document (the same meeting's board pack, or the same
    year's annual report) is ready, so this one is kept on file but no longer current.
    """
    later_ready = Report.objects.filter(
        Q(meeting_id=OuterRef("meeting_id")) | Q(year=OuterRef("year")),
        kind=OuterRef("kind"), status=ReportStatus.READY, version__gt=OuterRef("version"),
    )
    return reports.annotate(superseded=Exists(later_ready))


@dataclass
class Document:
    """One document (a meeting's board pack, a year's annual report): its current version and the others."""

    current: Report
    others: list = field(default_factory=list)


def documents(reports):
    """
    Group versions into documents, in the order of each document's latest request. The current version is the
    latest ready one (or, before any is ready, the latest); the others, newest first, are behind it.
    """
    grouped = {}
    for report in reports:
        grouped.setdefault((report.kind, report.meeting_id, report.year), []).append(report)
    found = []
    for versions in grouped.values():
        versions.sort(key=lambda report: report.version, reverse=True)
        current = next((report for report in versions if report.status == ReportStatus.READY), versions[0])
        found.append(Document(current=current, others=[report for report in versions if report is not current]))
    return found


def meeting_packs(meeting, user):
    """The meeting's board packs the person may see, as documents (one, unless packs of several kinds exist)."""
    return documents(visible_reports(user).filter(kind=ReportType.BOARD_PACK, meeting=meeting))


def report_status(report, *, for_officer):
    """What the status page polls for. Errors are for officers only."""
    status = {
        "id": report.pk,
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": report.progress,
        "step": report.step,
        "attempts": report.attempts,
        "finished": report.is_finished,
        "download_url": report.get_download_url() if report.status == ReportStatus.READY else None,
        "page_count": report.page_count,
        "size_bytes": report.size_bytes,
    }
    if for_officer:
        status["error"] = report.error
    return status


def report_recipients(report):
    """
    Email addresses of the people to tell: current members of the meeting's board (or, for the annual
    report, of every board) who may download reports.
    """
    from boards.models import Membership

    today = timezone.localdate()
    memberships = Membership.objects.filter(Membership.current_q(today), user__is_active=True)
    memberships = memberships.filter(user__role__in=DOWNLOAD_ROLES).exclude(user__email="")
    if report.kind == ReportType.BOARD_PACK:
        if report.meeting_id is None:
            return []
        memberships = memberships.filter(board_id=report.meeting.board_id)
    return sorted(set(memberships.values_list("user__email", flat=True)))


# --- Schedules --------------------------------------------------------------------------------------------


def meeting_exists(meeting_id):
    from boards.models import Meeting

    return meeting_id is not None and Meeting.objects.filter(pk=meeting_id).exists()


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def meetings_due_for_pack(schedule, today):
    """Scheduled meetings from today up to ``days_before_meeting`` days ahead whose pack this schedule hasn't built."""
    from boards.models import Meeting, MeetingStatus

    last_day = today + datetime.timedelta(days=schedule.days_before_meeting)
    return (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=_local_midnight(today),
            starts_at__lt=_local_midnight(last_day + datetime.timedelta(days=1)),
        )
        .exclude(reports__schedule=schedule)
        .order_by("starts_at")
    )


def meetings_for_choice():
    """Meetings an officer can build a board pack for (latest first)."""
    from boards.models import Meeting, MeetingStatus

    return Meeting.objects.select_related("board").exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at")


# --- Document content -------------------------------------------------------------------------------------

def _section(section_id, title, template, data, introduction=""):
    return {
        "id": section_id,
        "title": title,
        "template": f"reports/pdf/sections/{template}.html",
        "data": data,
        "introduction": introduction,
    }


def _officer_text(section_id, title, text, empty):
    return _section(section_id, title, "officer_text", {"text": text, "empty": empty})


def _measures_section(section_id, title, identifiers, year, introduction, *, category_of_need=False,
                      placement_mix=True, panel=None):
    """
    The measures for ``year`` (default: the latest return) with their trends, drawn by the same chart functions
    as the measure pages and dashboards (``measures``), always small-number suppressed, with the placement mix
    unless not ``placement_mix``. A fixed number of queries: the years are computed together in the database.
    """
    from measures import charts, figures, registry, selectors

    if year is None:
        year = next(iter(selectors.available_years()), None)
    if panel is None and year is not None:
        panel = figures.measure_panel(suppress=True, year=year)
    data = {"year": year, "year_label": long_label(year) if year else "", "items": []}
    if panel is None or not panel.has_data:
        return _section(section_id, title, "measures", data, introduction)
    data["items"] = [
        {"measure": registry.get(identifier), "figure": panel.figure(identifier), "chart": panel.trend(identifier)}
        for identifier in identifiers
        if panel.figure(identifier) is not None
    ]
    data["checked"] = panel.checked  # the DfE validation errors the year's return carries
    if placement_mix:
        data["placement_mix"] = charts.placement_mix_chart(panel.results, suppress=True)
    if category_of_need:
        data["category_of_need"] = charts.category_of_need_chart(panel.results[year], suppress=True)
    return _section(section_id, title, "measures", data, introduction)


def _grades_section(approved_by=None):
    """The latest approved grades (approved by the board on or before ``approved_by``, if given)."""
    from indicators.selectors import grade_counts, latest_approved_grades

    evaluations = list(latest_approved_grades(approved_by))
    chart = None
    if evaluations:
        from core import charts

        chart = charts.bar_chart(
            "Quality indicators by grade",
            "How many quality indicators the board approved at each grade in their latest self-evaluation.",
            grade_counts(evaluations),
            value_heading="Quality indicators",
        )
    return _section(
        "self-evaluation",
        "Self-evaluation grades",
        "grades",
        {"evaluations": evaluations, "chart": chart},
        "The latest approved grade for each quality indicator, on the six-point scale from 6 Excellent to "
        "1 Unsatisfactory, with the cycle it was approved in.",
    )


def _pledge_section(rows=None, *, as_at=None):
    """
    ``rows`` from ``boards.selectors.pledge_progress`` if the caller has them already; otherwise the pledge as
    it stood at ``as_at`` (a year's report leaves out ratings recorded after the year).
    """
    from boards.models import Rag
    from boards.selectors import pledge_progress

    rows = pledge_progress(as_at=as_at) if rows is None else rows
    labels = dict(Rag.choices)
    for row in rows:
        row["rag_label"] = labels.get(row["latest_rag"], "Not yet rated")
    return _section(
        "care-pledge",
        "Care Pledge progress",
        "pledge",
        {"rows": rows},
        "Each promise in the Care Pledge agreed with the Children in Care Council, with its latest rating.",
    )


def _meetings_section(year):
    from boards.models import BoardRole, Meeting, MeetingStatus, Minute, MinuteKind
    from boards.selectors import attendance_summary, with_quorum

    year_start, year_end = collection_year.starts_on(year), collection_year.ends_on(year)
    meetings = list(
        with_quorum(
            Meeting.objects.filter(
                status=MeetingStatus.HELD, starts_at__gte=_local_midnight(year_start),
                starts_at__lt=_local_midnight(year_end + datetime.timedelta(days=1)),
            )
        )
        .select_related("board")
        .order_by("starts_at")
    )
    # Attendance is reported for voting members: they make the board quorate and take its decisions.
    attendance = [row for row in attendance_summary(year_start, year_end) if row["membership"].voting]
    for row in attendance:
        # Young people's representatives are children or care leavers: the report names their role only.
        row["name"] = (
            "Young people's representative" if row["membership"].role == BoardRole.YOUNG_PERSON else str(row["member"])
        )
    decisions = list(
        Minute.objects.filter(agenda_item__meeting__in=[meeting.pk for meeting in meetings], kind__in=[MinuteKind.DECISION, MinuteKind.RECOMMENDATION])
        .select_related("agenda_item__meeting")
        .order_by("agenda_item__meeting__starts_at", "number", "id")
    )
    return _section(
        "meetings",
        "What the board did",
        "meetings",
        {"meetings": meetings, "attendance": attendance, "decisions": decisions, "year_label": long_label(year)},
    )


def _summary_section(year, panel):
    """
    The year on one page: a sentence for each headline figure, written from the figure (``BoardFigure.sentence``),
    and the board's year in counts.
    """
    from boards.selectors import childrens_voice
    from dashboards.selectors import CHIEF_EXECUTIVE_HEADLINES

    sentences = []
    if panel is not None and panel.has_data:
        sentences = [
            figure.sentence
            for figure in (panel.figure(identifier) for _question, identifier in CHIEF_EXECUTIVE_HEADLINES)
            if figure is not None
        ]
    return _section(
        "summary",
        "Summary",
        "summary",
        {
            "sentences": sentences,
            "rag": panel.rag_counts() if panel is not None and panel.has_data and panel.targets else None,
            "voice": childrens_voice(collection_year.starts_on(year), collection_year.ends_on(year)),
            "year_label": long_label(year),
        },
        f"The year {long_label(year)} in a page. Each sentence is written from the figure it describes.",
    )


def _voice_section(year):
    """Children's views heard in the year, and the board's published answers to them ("you said, we did")."""
    from boards.models import ChildrensView
    from boards.selectors import childrens_voice

    starts_on, ends_on = collection_year.starts_on(year), collection_year.ends_on(year)
    answered = list(
        ChildrensView.objects.filter(heard_on__gte=starts_on, heard_on__lte=ends_on, response__published=True)
        .select_related("response", "commitment")
        .order_by("heard_on", "id")
    )
    return _section(
        "childrens-voice",
        "Children's voice: you said, we did",
        "voice",
        {"counts": childrens_voice(starts_on, ends_on), "answered": answered, "year_label": long_label(year)},
        "What children and young people told the board during the year, and what it did about it, as told back "
        "to them.",
    )


GLOSSARY = (
    ("Care leaver", "A young person aged 16 to 25 who was looked after; the council keeps duties to them."),
    ("Corporate parent", "The council as a whole, its councillors and partners, who must act for a child in "
     "care as a good parent would."),
    ("Looked after", "In the council's care, under a court order or by agreement with the child's parents."),
    ("Statistical neighbours", "The councils most like ours, whose average the DfE publishes for comparison."),
    ("Similar", "Within 5% of the figure compared with (with England at 92%, anything from 87.4% to 96.6%)."),
    ("[c]", "A figure withheld because it concerns fewer than 5 children, or because such a figure could be "
     "worked out from it."),
    ("Care Pledge", "The council's promises to children in care, agreed with the Children in Care Council."),
    ("SSDA903", "The return on every looked-after child that the council sends the DfE each year."),
    ("Quorate", "A meeting with enough voting members present to take decisions."),
)


# Placement types are shown together in the placement mix chart, categories of need in their own chart; the
# other breakdowns (profile, reasons for leaving care, providers, accommodation) on the measures pages.
BREAKDOWNS = ("placement_", "category_of_need_", "profile_", "provider_", "care_leavers_accommodation_")


def in_annual_report_table(measure):
    return not measure.identifier.startswith(BREAKDOWNS) and measure.topic != "leaving_care"


def annual_report_document(year):
    """
    The annual report in the shape councils publish: the chair's foreword, a summary on one page, the year in
    figures, children's voice, what the board did, the Care Pledge, self-evaluation, strengths, areas for
    improvement, recommendations, next year's priorities and a glossary. Only the report's year appears: its
    return, its meetings, its children's views, the pledge as the year ended.
    """
    from measures import figures, registry

    content = AnnualReportContent.objects.filter(year=year).first() or AnnualReportContent(year=year)
    not_written = "Officers have not written this section yet."
    all_measures = [measure.identifier for measure in registry.MEASURES if in_annual_report_table(measure)]
    panel = figures.measure_panel(suppress=True, year=year)
    sections = [
        _officer_text("foreword", "Chair's foreword", content.foreword, not_written),
        _summary_section(year, panel),
        _measures_section(
            "measures",
            "The year in figures",
            all_measures,
            year,
            f"The board's measures for {long_label(year)} and the years before, against England, "
            "statistical neighbours and the board's targets. Counts of fewer than 5 children are shown as [c].",
            category_of_need=True,
            panel=panel,
        ),
        _voice_section(year),
        _meetings_section(year),
        _pledge_section(as_at=_local_midnight(collection_year.ends_on(year) + datetime.timedelta(days=1))),
        _grades_section(collection_year.ends_on(year)),
        _officer_text("strengths", "Strengths", content.strengths, not_written),
        _officer_text("areas-for-improvement", "Areas for improvement", content.areas_for_improvement, not_written),
        _officer_text("recommendations", "Recommendations to full council", content.recommendations, not_written),
        _officer_text("priorities", "Next year's priorities", content.priorities, not_written),
        _section("glossary", "Glossary", "glossary", {"terms": GLOSSARY}),
    ]
    return {
        "title": f"Annual corporate parenting report {long_label(year)}",
        "subtitle": "The corporate parenting board's report to full council, the executive and the children's trust",
        "organisation": ORGANISATION,
        "council": settings.COUNCIL_NAME,
        "produced_on": timezone.localdate(),
        "sections": sections,
    }


def papers_to_merge(pks):
    from boards.models import Paper

    return Paper.objects.filter(pk__in=pks)


def papers_awaiting_conversion(meeting):
    """The meeting's published Word and OpenDocument papers not yet turned into PDF (nor failed)."""
    from boards.models import Paper

    papers = Paper.objects.filter(agenda_item__meeting=meeting, published=True, pdf_version="", conversion_error="")
    return [paper for paper in papers.select_related("agenda_item") if paper.awaits_conversion]


@dataclass
class PackFigures:
    """
    Where a board pack's figures come from, and when they stood (``pack_figures``). ``sections`` holds what this
    build lays out, ``{"<measure identifiers>" or "decision <id>": {"html": ..., "as_at": ISO time}}``, kept on the built pack
    (``Report.figures``) so that a later version can show them as they stood.
    """

    contents_as_at: datetime.datetime
    changed_at: datetime.datetime | None  # when the figures last changed, if after the pack's date
    earlier: dict  # earlier versions' sections whose figures stood by the pack's date, the latest of each
    sections: dict = field(default_factory=dict)

    def section(self, identifiers, lay_out):
        """The section for ``identifiers``: kept from an earlier version, or laid out now by ``lay_out()``."""
        key = ",".join(identifiers)
        if key not in self.sections:
            if self.changed_at is None:  # nothing has changed since the pack's date: today's figures stood then
                self.sections[key] = {"html": lay_out(), "as_at": self.contents_as_at.isoformat()}
            elif key in self.earlier:
                self.sections[key] = self.earlier[key]
            else:
                self.sections[key] = {"html": lay_out(), "as_at": timezone.now().isoformat()}
        return self.sections[key]

    def statement(self, entry):
        """Plain words for when a section's figures stood."""
        stood = datetime.datetime.fromisoformat(entry["as_at"])
        if stood == self.contents_as_at:
            return f"Figures as they stood at {_when(stood)}, the date of this pack."
        if stood < self.contents_as_at:
            return (f"Figures as they stood at {_when(stood)}, as an earlier version of this pack showed them: they "
                    f"changed on {_day(self.changed_at)}, after this pack's date.")
        return (f"Figures as they stand at {_when(stood)}, when this version was built: they changed on "
                f"{_day(self.changed_at)}, after this pack's date ({_when(self.contents_as_at)}), and no earlier "
                "version of the pack holds them as they stood then.")


def _day(moment):
    return f"{timezone.localtime(moment):%-d %B %Y}"


def _when(moment):
    return f"{timezone.localtime(moment):%H:%M} on {_day(moment)}"


def pack_figures(report):
    """
    Where a board pack's figures come from. When nothing a figure is computed from has changed since the pack's
    date (``Report.contents_as_at``), today's figures are the ones that stood then. Otherwise an earlier version
    of the same pack that laid out the same measures by that date gives them as they stood when it was built;
    failing that, today's figures are shown and the pack says so. Two queries.
    """
    from measures.queries import last_changed

    as_at = report.contents_as_at
    changed = last_changed()
    if changed is None or changed <= as_at:
        return PackFigures(as_at, None, {})
    earlier = {}
    versions = Report.objects.filter(
        kind=ReportType.BOARD_PACK, meeting_id=report.meeting_id, status=ReportStatus.READY,
        version__lt=report.version,
    ).order_by("-version")
    for figures in versions.values_list("figures", flat=True):
        for key, entry in (figures or {}).get("sections", {}).items():
            if key not in earlier and datetime.datetime.fromisoformat(entry["as_at"]) <= as_at:
                earlier[key] = entry
    return PackFigures(as_at, changed, earlier)


def agenda_measures(items, *, include_exempt):
    """The identifiers of the measures the pack's agenda items name, in agenda order, each once."""
    return list(dict.fromkeys(
        measure.identifier for item in items if include_exempt or not item.is_exempt for measure in item.measure_list
    ))


def _pack_measures_section(identifiers, figures):
    """
    The measures the agenda names, laid out once per build (members' and public packs alike) or kept from an
    earlier version (``PackFigures``); the placement mix where an item names a placement type.
    """
    from django.template.loader import render_to_string

    title = "Measures named on the agenda"
    if not identifiers:
        return _section("measures", title, "officer_text", {
            "empty": "No item on this agenda names a measure, so the pack holds none: each report says what it covers.",
        })

    def lay_out():
        placement_mix = any(identifier.startswith("placement_") for identifier in identifiers)
        section = _measures_section("measures", title, identifiers, None, "", placement_mix=placement_mix)
        return render_to_string(section["template"], {"data": section["data"]})

    entry = figures.section(identifiers, lay_out)
    return _section(
        "measures",
        title,
        "laid_out",
        {"html": entry["html"]},
        "The measures this agenda's items name, from the latest cohort return, against England, statistical "
        "neighbours and the board's targets. Counts of fewer than 5 children are shown as [c]. "
        + figures.statement(entry),
    )


def _figures_revisited_as_at_the_pack(items, figures):
    """
    Each decision revisited, its figures as published when it was made beside those at the pack's date (not the
    build's): laid out once per build, or kept from an earlier version (``PackFigures``, keyed "decision <id>").
    ``figures_revisited_html`` and ``figures_revisited_stood`` (when the later figures stood) on each item.
    """
    from django.template.loader import render_to_string

    for item in items:
        if not (item.revisits_id and item.figures_revisited):
            continue
        context = {"decision": item.revisits, "rows": item.figures_revisited}
        entry = figures.section(
            [f"decision {item.revisits_id}"],
            lambda context=context: render_to_string("reports/pdf/sections/figures_revisited.html", context),
        )
        item.figures_revisited_html, item.figures_revisited_stood = entry["html"], figures.statement(entry)


def _clerk_contact(membership):
    if membership is None:
        return "Clerk: none recorded for this board; contact the council's democratic services."
    person = membership.user
    details = ", ".join(filter(None, [str(person), person.job_title, person.email]))
    return f"Clerk to the board: {details}"


def board_pack_document(report, *, include_exempt=False, figures=None):
    """
    The members' pack (``include_exempt``: exempt items with their papers, marked) or the public pack, as at the
    pack's date (``Report.contents_as_at``); ``figures`` from ``pack_figures``, shared by both packs of a build.
    """
    from boards.selectors import meeting_pack

    meeting = report.meeting
    as_at = report.contents_as_at
    figures = figures or pack_figures(report)
    pack = meeting_pack(meeting, include_exempt=include_exempt, as_at=as_at)
    _figures_revisited_as_at_the_pack(pack["agenda_items"], figures)
    for item in pack["agenda_items"]:
        for paper in item.pack_papers:
            # One placeholder page for each page of a PDF paper, which the build merges in (reports.merging).
            paper.merged_pages = range(merging.page_count(paper.printable_file) or 0)
    previous = pack["previous_minutes"]
    sections = [
        _section("agenda", "Agenda", "agenda", pack),
        _section(
            "previous-minutes",
            "Minutes of the previous meeting" + ("" if previous and previous["approved"] else " (draft)"),
            "minutes",
            previous,
        ),
        _section("action-log", "Action log", "actions", pack),
        _pack_measures_section(agenda_measures(pack["agenda_items"], include_exempt=include_exempt), figures),
        _pledge_section(pack["pledge_progress"]),
        _section("papers", "Reports and their cover sheets", "papers", pack),
    ]
    exempt = include_exempt and any(item.is_exempt for item in pack["agenda_items"])
    published = timezone.localtime(report.requested_at or timezone.now())
    if as_at < published:
        dated = (f"Published {_day(published)}. Papers, actions and Care Pledge ratings as they stood at "
                 f"{_when(as_at)}, when the meeting began; the measures say when their figures stood.")
    else:
        dated = (f"Published {_day(published)}. Papers, actions and Care Pledge ratings as they stood at "
                 f"{_when(as_at)}; the measures say when their figures stood.")
    if report.version > 1:
        dated += (f" This is version {report.version}: it replaces the earlier versions of this pack, which are kept "
                  "on file, marked superseded.")
    return {
        "title": f"Board pack: {meeting.board.name} ({'members' if include_exempt else 'public'} pack)",
        "marking": "Not for publication: contains exempt information under Schedule 12A to the Local Government "
        "Act 1972 (the items marked exempt)" if exempt else "Public: open to anyone",
        "subtitle": f"Meeting on {timezone.localtime(meeting.starts_at):%-d %B %Y at %H:%M}, {meeting.venue}",
        "organisation": ORGANISATION,
        "council": settings.COUNCIL_NAME,
        "produced_on": published.date(),
        "dated": dated,
        "contact": _clerk_contact(pack["clerk"]),
        "sections": sections,
    }
