"""
The public site's feeds: an Atom feed per board of its published papers and approved minutes (Django's
syndication framework), and an iCalendar feed per board of its meetings (the ``icalendar`` package). Both
read ``selectors``, so they publish exactly what the pages do.
"""
import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from boards.models import Board, MeetingStatus

from . import selectors


class PapersAndMinutesFeed(Feed):
    """Published papers and approved minutes of one board, newest first."""

    feed_type = Atom1Feed
    limit = 50

    def get_object(self, request, pk):
        return get_object_or_404(Board, pk=pk)

    def title(self, board):
        return f"{board}: papers and minutes"

    def subtitle(self, board):
        return f"Papers published for meetings of {board}, and minutes once the board has approved them."

    def link(self, board):
        return reverse("public:board", args=[board.pk])

    def items(self, board):
        entries = [
            {
                "title": f"{paper.title} ({paper.agenda_item.title}, meeting of {paper.agenda_item.meeting.date:%-d %B %Y})",
                "link": reverse("public:paper", args=[paper.agenda_item.meeting_id, paper.pk]),
                "when": paper.published_at or paper.uploaded_at,
                "description": f"A paper for the meeting of {board} on {paper.agenda_item.meeting.date:%-d %B %Y}.",
            }
            for paper in selectors.public_papers().filter(agenda_item__meeting__board=board)[: self.limit]
        ] + [
            {
                "title": f"Minutes of the meeting of {meeting.date:%-d %B %Y}",
                "link": reverse("public:meeting", args=[meeting.pk]) + "#minutes",
                "when": timezone.make_aware(datetime.datetime.combine(meeting.minutes_approved_on, datetime.time(9))),
                "description": f"Approved as a correct record on {meeting.minutes_approved_on:%-d %B %Y}.",
            }
            for meeting in selectors.approved_minutes(board)[: self.limit]
        ]
        return sorted(entries, key=lambda entry: entry["when"], reverse=True)[: self.limit]

    def item_title(self, entry):
        return entry["title"]

    def item_link(self, entry):
        return entry["link"]

    def item_description(self, entry):
        return entry["description"]

    def item_pubdate(self, entry):
        return entry["when"]

    def item_updateddate(self, entry):
        return entry["when"]


def meetings_calendar(board, *, base_url):
    """The board's meetings as an iCalendar (RFC 5545) file; ``base_url`` makes each meeting's link absolute."""
    import icalendar  # 6 MB: loaded when a calendar is asked for, not by every process that loads the URLs

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Corporate Parenting Board//Public meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{board} meetings")
    stamp = timezone.now()
    for meeting in selectors.meetings(board):
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@{base_url.split('://', 1)[-1].rstrip('/')}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + selectors.MEETING_LENGTH)
        event.add("summary", f"{board}{' (cancelled)' if meeting.status == MeetingStatus.CANCELLED else ''}")
        event.add("location", meeting.venue)
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
        event.add("url", base_url.rstrip("/") + reverse("public:meeting", args=[meeting.pk]))
        calendar.add_component(event)
    return calendar.to_ical()
