"""
Each child's care history joined from every imported return, and what each year's measures need to know
about each child.

A return in the DfE's shape holds, for each child, the episode open on 1 April (the continuation of last
year's, with its first start date) and the episodes that start in the year; earlier episodes are not sent
again (validator rules 502 and 503A-F say how the years meet). A council's own extracts often hold the
whole history instead. Both join the same way: **each return speaks for the time from its first episode
onwards**, so an episode is taken from the latest return that holds it, and an earlier return's episode
still open where a later return takes over is closed there (as a continuing episode). Where last year's
open episode and this year's first episode disagree, the difference is recorded with both years' rows
(``ReturnDifference``); the later return is taken as right.

From the history, ``ChildYear`` records per child and year who counts (looked after in the year, at 31 March,
in the 12-month group), the episode open at the year end, the periods of care and carers, and the year's
OC2, OC3, missing and UASC rows, so that every measure for every year is one aggregate query.

The history is rebuilt, never edited: after an import for the children of the imported year (and those
left with an episode open at the end of the year before), and for one child after an officer's edit.
"""
import contextlib
import datetime
import functools
import gc
import operator
from collections import defaultdict
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from children.models import (
    Adoption,
    CareLeaverOutcome,
    Child,
    CohortReturn,
    HealthOutcome,
    MissingEpisode,
    Review,
    UnaccompaniedAsylumSeeker,
)
from children.models import Episode as EpisodeRow
from core.bulk import insert_rows
from core.collection_year import CollectionYear
from core.months import months_after, months_before
from core.working_days import bank_holiday_subdivision, working_days_after

from .models import CareEpisode, ChildYear, ReturnDifference

SHORT_BREAKS = ("V3", "V4")
NEW_PERIOD_OF_CARE = "S"
CONTINUING = "X1"  # the episode ended only because another began the same day
# With S, these start life with a new carer. T and U move placement with the same carer; L is legal status only.
NEW_CARER = ("P", "B")
ADOPTION_WITH_CURRENT_FOSTER_CARERS = ("A3", "A5")  # the child has not changed carer
MISSING, AWAY = "M", "A"
UNDER_4_AT_REVIEW = "PN0"
TOOK_PART_IN_REVIEW = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6")  # PN7: did not attend, views not conveyed
CARE_LEAVER_AGES = (17, 18, 19, 20, 21)
# The statutory review timetable (Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33):
# the first review within 20 working days of becoming looked after, the second within three months of the
# first, then at most six months apart.
FIRST_REVIEW_WORKING_DAYS, SECOND_REVIEW_MONTHS, LATER_REVIEW_MONTHS = 20, 3, 6
ADOPTED = ("E11", "E12")  # the period of care ended with an adoption order
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")  # placed with prospective adopters (A3, A5: the foster carers)
COURT_AUTHORITY_TO_PLACE = ("E1", "D1")  # a placement order, or a freeing order before 2005
ADOPTED_BY_FOSTER_CARERS = "1"  # AD1 FOSTER_CARE

# Validator rules 503A-F: fields of this year's first episode that must match last year's open episode.
MATCHED_FIELDS = (
    ("503A", "reason_new_episode", "reason for new episode"),
    ("503B", "legal_status", "legal status"),
    ("503C", "category_of_need", "category of need"),
    ("503D", "placement_type", "placement type"),
    ("503E", "placement_provider", "placement provider"),
    ("503F", "urn", "Ofsted URN"),
)
CHUNK = 4000  # children rebuilt together: a few thousand rows per query, whatever the cohort's size


class Row(NamedTuple):
    """An Episodes row as a return holds it."""

    year: int
    start_date: datetime.date
    end_date: datetime.date | None
    reason_new_episode: str
    legal_status: str
    category_of_need: str
    placement_type: str
    placement_provider: str
    reason_ceased: str
    distance_miles: object
    placed_outside_area: bool | None
    urn: str

    def as_903(self):
        """The row in the 903's own words, for a difference report."""
        return {
            "year": CollectionYear(self.year).label,
            "DECOM": f"{self.start_date:%d/%m/%Y}",
            "DEC": f"{self.end_date:%d/%m/%Y}" if self.end_date else "",
            "RNE": self.reason_new_episode,
            "LS": self.legal_status,
            "CIN": self.category_of_need,
            "PLACE": self.placement_type,
            "PLACE_PROVIDER": self.placement_provider,
            "REC": self.reason_ceased,
            "URN": self.urn,
        }


EPISODE_FIELDS = [  # a Row's, after its year (the return's)
    "start_date", "end_date", "reason_new_episode", "legal_status", "category_of_need",
    "placement_type", "placement_provider", "reason_ceased", "distance_miles", "placed_outside_area", "urn",
]


class Episode(NamedTuple):
    """An episode of the joined history."""

    row: Row
    start_date: datetime.date  # the row's
    end_date: datetime.date | None
    reason_ceased: str
    closed: bool  # closed here because a later return takes over
    period_start: datetime.date
    carer_start: datetime.date
    short_break: bool  # under a short-break legal status (V3, V4)

    def open_on(self, day):
        return self.start_date <= day and (self.end_date is None or self.end_date > day)

    def during(self, first, last):
        return self.start_date <= last and (self.end_date is None or self.end_date >= first)


def join(rows_by_year, imported_years=None):
    """
    A child's history from their rows in each return (``{year: [Row]}``, each sorted by start date), as
    ``[Episode]`` sorted by start date.

    Where the year before a return was not imported (``imported_years``) and the return's first episode for the
    child starts after every episode the earlier returns hold, what happened in between is not known: the child
    may have left care and come back. So that episode (unless it starts a period of care, S) begins a period of
    care whose start is not known, as the earliest return's first episode does (``began_in_the_returns``).
    """
    after_a_gap = set()  # years whose first row follows a year not imported, with nothing known between
    if imported_years is not None and len(rows_by_year) > 1:  # a return alone follows nothing
        for year, rows in rows_by_year.items():
            if rows and year - 1 not in imported_years and year - 1 not in rows_by_year:
                earlier = [row.start_date for before, held in rows_by_year.items() if before < year for row in held]
                if earlier and rows[0].start_date > max(earlier):
                    after_a_gap.add(year)
    taken = []  # (row, end_date, reason_ceased, closed, whether it follows a gap)
    takes_over_from = None  # where the later returns begin
    for year in sorted(rows_by_year, reverse=True):
        rows = rows_by_year[year]
        for row in rows:
            if takes_over_from is not None and row.start_date >= takes_over_from:
                continue
            end, reason, closed = row.end_date, row.reason_ceased, False
            if takes_over_from is not None and (end is None or end > takes_over_from):
                end, reason, closed = takes_over_from, CONTINUING, True
            taken.append((row, end, reason, closed, row is rows[0] and year in after_a_gap))
        if rows:
            first = rows[0].start_date
            takes_over_from = first if takes_over_from is None else min(first, takes_over_from)
    if len(rows_by_year) > 1:  # one return's rows are in order already
        taken.sort(key=lambda item: item[0].start_date)
    history, previous, period_start, carer_start = [], None, None, None
    for row, end, reason, closed, follows_a_gap in taken:
        new_period = (
            previous is None or row.reason_new_episode == NEW_PERIOD_OF_CARE or previous.reason_ceased != CONTINUING
            or follows_a_gap
        )
        if new_period:
            period_start = row.start_date
        if new_period or (
            row.reason_new_episode in NEW_CARER and row.placement_type not in ADOPTION_WITH_CURRENT_FOSTER_CARERS
        ):
            carer_start = row.start_date
        previous = Episode(
            row, row.start_date, end, reason, closed, period_start, carer_start, row.legal_status in SHORT_BREAKS
        )
        history.append(previous)
    return history


def differences(rows_by_year, imported_years):
    """
    Where consecutive returns disagree (rules 502, 503A-F), as ``[(year, rule, message, previous, current)]``;
    also a child whose episode was open at the end of last year's return but who is not in this year's.
    """
    found = []
    for year in sorted(rows_by_year):
        following = year + 1
        last_year_rows = rows_by_year[year]
        open_at_end = last_year_rows[-1] if last_year_rows and last_year_rows[-1].end_date is None else None
        if open_at_end is None or following not in imported_years:
            continue
        this_year = rows_by_year.get(following)
        if not this_year:
            found.append((
                following, "", "Last year's return ended with an open episode, but this year's return has no "
                "episode for the child.", open_at_end.as_903(), None,
            ))
            continue
        same = next((row for row in this_year if row.start_date == open_at_end.start_date), None)
        first = same or this_year[0]
        if same is None:
            found.append((
                following, "502", "Last year's return ended with an open episode. The date on which that episode "
                "started does not match the start date of the first episode on this year's return.",
                open_at_end.as_903(), first.as_903(),
            ))
        for rule, name, label in MATCHED_FIELDS:
            if getattr(first, name) != getattr(open_at_end, name):
                found.append((
                    following, rule, f"The {label} in the first episode does not match the open episode at the end "
                    "of last year.", open_at_end.as_903(), first.as_903(),
                ))
    return found


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def began_in_the_returns(period):
    """True when the history holds the start of this period of care (its first episode is RNE S), so that
    the day the child entered care is known; false when it began before the earliest imported return."""
    return period[0].row.reason_new_episode == NEW_PERIOD_OF_CARE


def previous_placement_start(history, episode):
    """
    When the placement before ``episode``'s began (a placement is a carer: moves with the same carer, T, U or L,
    do not start one), within the same period of care; None when ``episode``'s placement began the period.
    """
    before = [
        e for e in history
        if e.period_start == episode.period_start and e.start_date < episode.carer_start
    ]
    return before[-1].carer_start if before else None


# The timetable's dates, remembered: the same days recur across a cohort's reviews, and working them out was
# nearly half the timetable's cost. The bank holidays' subdivision is in the first review's key only so that a
# changed setting is not served an old answer.
_months_after = functools.lru_cache(maxsize=1 << 14)(months_after)


@functools.lru_cache(maxsize=1 << 14)
def _first_review_due(period_start, subdivision):
    return working_days_after(period_start, FIRST_REVIEW_WORKING_DAYS)


def review_timeliness(history, review_dates, first, last):
    """
    Reviews due in the year from ``first`` to ``last`` and how many of them were held on time, as
    (due, on time), by the statutory timetable run through each period of care in ``history`` from the
    reviews actually held (``review_dates``, from every return): each review is due 20 working days after
    the period began, three months after the first review, then six months after the one before. A review
    is due in the year when its deadline falls in it, or when it was still overdue on 1 April; it is on time
    when held on or before its deadline. No review is due once the period of care has ended, and a child
    looked after only under short breaks (V3, V4) has none. A period of care that began before the earliest
    imported return is timed from the first review held in it (six months on), or not at all without one.
    """
    periods = defaultdict(list)
    for e in history:
        periods[e.period_start].append(e)
    due_count = on_time_count = 0
    for start, episodes in periods.items():
        if any(e.short_break for e in episodes) or not any(e.during(first, last) for e in episodes):
            continue
        end = episodes[-1].end_date

        def looked_after_on(day, start=start, end=end):
            return start <= day and (end is None or end > day)

        held = [day for day in review_dates if looked_after_on(day) or day == end]
        if began_in_the_returns(episodes):
            due, number = _first_review_due(start, bank_holiday_subdivision()), 0
        elif held:  # the timetable before the first review seen is not known: it runs on from that review
            due, number = _months_after(held[0], LATER_REVIEW_MONTHS), 2
            held = [None, *held]
        else:
            continue
        while due <= last and looked_after_on(due):
            review = held[number] if number < len(held) else None
            overdue_at_start = due < first and (review is None or review >= first) and looked_after_on(first)
            if first <= due or overdue_at_start:
                due_count += 1
                on_time_count += review is not None and review <= due
            if review is None:
                break
            number += 1
            due = _months_after(review, SECOND_REVIEW_MONTHS if number == 1 else LATER_REVIEW_MONTHS)
    return due_count, on_time_count


def age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _birthday(born, age):
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February
        return born.replace(year=born.year + age, day=28)


def adoption_timeliness(history, adopted, adoption=None):
    """
    The adoption scorecard's three times, in days, for a child whose period of care ended in adoption with
    the episode ``adopted``; ``adoption`` is the year's AD1 row as (DATE_MATCH, FOSTER_CARE), if any.
    Returns (A1, A10, A2), each None where the child is left out.

    A1: from entering care (the start of the period of care that ended in adoption) to moving in with the
    adoptive family (the start of the period's first placement for adoption, PLACE A3 to A6); a child never
    placed for adoption before the adoption order is left out. A10: the same, but for a child adopted by
    their foster carers (FOSTER_CARE 1) to the day they began living with those carers (the carer's start,
    kept through a placement for adoption with the current foster carers, A3 or A5). A2: from the court's
    authority to place (the period's first episode under a placement order, E1, or freeing order, D1) to the
    match with the adopters (DATE_MATCH), zero for a child matched before it; left out without a placement
    for adoption, a placement or freeing order, or a match date. A child whose period of care began before the
    earliest imported return is left out of all three: the day they entered care is not known.
    """
    period = [e for e in history if e.period_start == adopted.period_start and e.start_date <= adopted.start_date]
    placed = next((e for e in period if e.row.placement_type in PLACED_FOR_ADOPTION), None)
    if placed is None or not began_in_the_returns(period):
        return None, None, None
    entered = adopted.period_start
    matched, foster_carers = adoption if adoption is not None else (None, "")
    to_family = (placed.start_date - entered).days
    adjusted = (placed.carer_start - entered).days if foster_carers == ADOPTED_BY_FOSTER_CARERS else to_family
    order = next((e for e in period if e.row.legal_status in COURT_AUTHORITY_TO_PLACE), None)
    to_match = max(0, (matched - order.start_date).days) if order is not None and matched is not None else None
    return to_family, adjusted, to_match


class Year(NamedTuple):
    """A collection year and the days ``child_year`` measures against, worked out once a rebuild."""

    number: int
    first: datetime.date
    last: datetime.date
    thirty_months_before: datetime.date
    two_years_before: datetime.date

    @classmethod
    def of(cls, number):
        window = CollectionYear(number)
        last = window.ends_on
        return cls(number, window.starts_on, last, months_before(last, 30), years_before(last, 2))


def child_year(
    year, born, history, in_episodes, oc2=None, oc3=None, missing=(), uasc=None, reviews=(), adoption=None,
    review_dates=(),
):
    """
    What the measures need about one child in one collection ``year`` (a ``Year``), as a dict of ``ChildYear``
    fields. ``history`` is the child's joined history; ``in_episodes`` whether the year's Episodes table holds the
    child (the year's cohort); ``oc2``, ``oc3``, ``uasc`` the year's rows, if any, ``missing`` the year's
    missing and away rows as (kind, start date), ``reviews`` its reviews as (date, participation code) and
    ``adoption`` its AD1 row as (DATE_MATCH, FOSTER_CARE); ``review_dates`` the child's reviews from every
    return, sorted.
    """
    _number, first, last, thirty_months_before, two_years_before = year
    during = [e for e in history if e.during(first, last)] if in_episodes else []
    counted = [e for e in during if not e.short_break]
    looked_after = bool(counted)
    starts = [e for e in counted if e.row.reason_new_episode == NEW_PERIOD_OF_CARE and first <= e.start_date <= last]
    ceases = [
        e for e in counted
        if e.end_date and first <= e.end_date <= last and e.reason_ceased and e.reason_ceased != CONTINUING
    ]
    open_at_end = next((e for e in reversed(during) if e.open_on(last)), None)
    at_year_end = open_at_end is not None and not open_at_end.short_break
    # The validator's "continuously looked after" (rule 190 and utils): looked after in the year, with no
    # period starting after 1 April, none ending before 31 March, and no short-break episode in the year.
    twelve_months = bool(during) and not any(
        (e.row.reason_new_episode == NEW_PERIOD_OF_CARE and first < e.start_date <= last)
        or (e.end_date and first <= e.end_date < last and e.reason_ceased != CONTINUING)
        or e.short_break
        for e in during
    )
    age_at_year_end = age_on(born, last) if born <= last else None
    missing_in_year = [kind for kind, start in missing if first <= start <= last]
    reviewed_in_year = [code for held, code in reviews if first <= held <= last]  # the participation codes
    fields = {
        "year": year.number,
        "in_episodes": in_episodes,
        "looked_after": looked_after,
        "short_breaks_only": bool(during) and not looked_after,
        "started": bool(starts),
        "age_started": age_on(born, starts[0].start_date) if starts else None,
        "ceased": bool(ceases),
        "reason_ceased": ceases[-1].reason_ceased if ceases else "",
        "age_ceased": age_on(born, ceases[-1].end_date) if ceases else None,
        "at_year_end": at_year_end,
        "age_at_year_end": age_at_year_end,
        "placements": len({e.carer_start for e in counted}),
        "twelve_months": twelve_months,
        "uasc_at_year_end": bool(at_year_end and uasc is not None and (uasc[0] is None or uasc[0] > last)),
        "missing_incidents": missing_in_year.count(MISSING),
        "away_incidents": missing_in_year.count(AWAY),
        "reviews_aged_4_and_over": len([code for code in reviewed_in_year if code and code != UNDER_4_AT_REVIEW]),
        "reviews_taken_part_in": len([code for code in reviewed_in_year if code in TOOK_PART_IN_REVIEW]),
    }
    # Long-term stability (DfE stability data guidance): under 16 at 31 March, looked after continuously for
    # two and a half years (the period began on or before 30 September two and a half years before), and with
    # the same carer for two years (on or before 31 March two years before). A period of care whose start is not
    # known (``began_in_the_returns``: it began before the earliest imported return, or before a year that was
    # not imported) began on or before the first day the returns show it, never after: so a child whose known
    # part is long enough is in the group, and one whose known part is not is left out, as it cannot be known
    # whether the DfE, seeing the whole period, counts them. The carer is no different: with no new carer
    # (P, B) seen since, the carer's placement began by the same first day. A child placed for adoption at
    # 31 March (PLACE A3 to A6) is stable also when the adoptive placement together with the placement before it
    # has lasted two years (the DfE's words in its 2021 placement stability data file: "or are placed for
    # adoption and their adoptive placement together with their previous placement, last for at least 2 years").
    long_term_group = bool(
        at_year_end and age_at_year_end is not None and age_at_year_end < 16
        and open_at_end.period_start <= thirty_months_before
    )
    fields["long_term_group"] = long_term_group
    if long_term_group:
        since = open_at_end.carer_start
        if open_at_end.row.placement_type in PLACED_FOR_ADOPTION:  # with the placement before it, if any
            since = previous_placement_start(history, open_at_end) or since
        fields["long_term_stable"] = since <= two_years_before
    else:
        fields["long_term_stable"] = False
    fields["reviews_due"], fields["reviews_on_time"] = (
        review_timeliness(history, review_dates, first, last) if looked_after else (0, 0)
    )
    adopted = [e for e in ceases if e.reason_ceased in ADOPTED]
    (
        fields["days_to_adoptive_family"], fields["days_to_adoptive_family_adjusted"], fields["days_order_to_match"]
    ) = adoption_timeliness(history, adopted[-1], adoption) if adopted else (None, None, None)
    end = open_at_end.row if at_year_end else None
    fields.update(
        legal_status=end.legal_status if end else "",
        category_of_need=end.category_of_need if end else "",
        placement_type=end.placement_type if end else "",
        placement_provider=end.placement_provider if end else "",
        distance_miles=end.distance_miles if end else None,
        placed_outside_area=end.placed_outside_area if end else None,
        period_start=open_at_end.period_start if at_year_end else None,
        carer_start=open_at_end.carer_start if at_year_end else None,
    )
    fields["has_oc2"] = oc2 is not None
    fields.update(zip(OC2_FIELDS, oc2) if oc2 is not None else NO_OC2)
    birthdays = [age for age in CARE_LEAVER_AGES if first <= _birthday(born, age) <= last] if oc3 is not None else []
    fields["care_leaver_age"] = birthdays[0] if birthdays else None
    fields["in_touch"], fields["activity"], fields["accommodation"] = oc3 if oc3 is not None else ("", "", "")
    return fields


OC2_FIELDS = [
    "sdq_score", "health_assessment", "teeth_check", "immunisations", "health_check", "convicted",
    "substance_misuse", "intervention_received", "intervention_offered",
]
NO_OC2 = dict.fromkeys(OC2_FIELDS)
CHILD_YEAR_FIELDS = [
    "year", "in_episodes", "looked_after", "short_breaks_only", "started", "age_started", "ceased",
    "reason_ceased", "age_ceased", "at_year_end", "age_at_year_end", "placements", "twelve_months",
    "long_term_group", "long_term_stable", "uasc_at_year_end", "missing_incidents", "away_incidents", "reviews_aged_4_and_over", "reviews_taken_part_in",
    "days_to_adoptive_family", "days_to_adoptive_family_adjusted", "days_order_to_match", "reviews_due",
    "reviews_on_time", "legal_status", "category_of_need",
    "placement_type", "placement_provider", "distance_miles", "placed_outside_area", "period_start",
    "carer_start", "has_oc2", *OC2_FIELDS, "care_leaver_age", "in_touch", "activity", "accommodation",
]
CARE_EPISODE_FIELDS = [
    "child", "source", "start_date", "end_date", "reason_new_episode", "legal_status", "category_of_need",
    "placement_type", "placement_provider", "reason_ceased", "distance_miles", "placed_outside_area",
    "closed_where_a_later_return_takes_over", "period_start", "carer_start",
]


def _by_child_and_year(queryset, fields, year_of):
    """
    {child pk: {year: [tuple of ``fields``]}} in the queryset's order, the year that of the row's return
    (``year_of``: {return pk: year}), so that each child's rows come ready for ``child_year``.
    """
    grouped = defaultdict(dict)
    for row in queryset.values_list("child_id", "cohort_return_id", *fields):
        grouped[row[0]].setdefault(year_of[row[1]], []).append(row[2:])
    return grouped


def _one_by_child_and_year(queryset, fields, year_of):
    """{child pk: {year: tuple of ``fields``}} for a table with at most one row per child and return."""
    grouped = defaultdict(dict)
    for row in queryset.values_list("child_id", "cohort_return_id", *fields):
        grouped[row[0]][year_of[row[1]]] = row[2:]
    return grouped


def _of_children(pks, field="child"):
    """
    A filter for the children ``pks`` (sorted, each once): a range where they are consecutive, as a new
    return's children are, which the database reads far faster than a list of thousands of values.
    """
    if pks and pks[-1] - pks[0] + 1 == len(pks):
        return Q(**{f"{field}__gte": pks[0], f"{field}__lte": pks[-1]})
    return Q(**{f"{field}__in": pks})


def _rebuild_chunk(pks, returns, years):
    of_chunk = _of_children(pks)
    for model in (CareEpisode, ChildYear, ReturnDifference):
        model.objects.filter(of_chunk).delete()
    year_of = {pk: year for year, pk in returns.items()}
    children = Child.objects.filter(_of_children(pks, "pk")).order_by("pk").values_list(
        "pk", "date_of_birth", "sex", "ethnicity"
    )

    def rows_of(model):
        """The chunk's rows of ``model`` in no order unless one is asked for: the returns' tables sort by the
        child's identifier by default, through a join to the children and a sort the grouping has no use for."""
        return model.objects.filter(of_chunk).order_by()

    episodes = defaultdict(dict)
    for row in rows_of(EpisodeRow).order_by("start_date").values_list("child_id", "cohort_return_id", *EPISODE_FIELDS):
        year = year_of[row[1]]
        episodes[row[0]].setdefault(year, []).append(Row(year, *row[2:]))
    oc2 = _one_by_child_and_year(rows_of(HealthOutcome), OC2_FIELDS, year_of)
    oc3 = _one_by_child_and_year(rows_of(CareLeaverOutcome), ["in_touch", "activity", "accommodation"], year_of)
    uasc = _one_by_child_and_year(rows_of(UnaccompaniedAsylumSeeker), ["date_ceased_uasc"], year_of)
    adoptions = _one_by_child_and_year(rows_of(Adoption), ["date_matched", "foster_carer_adoption"], year_of)
    missing = _by_child_and_year(rows_of(MissingEpisode).order_by("start_date"), ["kind", "start_date"], year_of)
    reviews = _by_child_and_year(rows_of(Review), ["review_date", "participation"], year_of)
    care_episodes, child_years, found = [], [], []
    child_year_values = operator.itemgetter(*CHILD_YEAR_FIELDS)
    imported_years = set(returns)
    nothing = {}
    for child, born, sex, ethnicity in children:
        by_year = episodes.get(child, nothing)
        history = join(by_year, imported_years)
        for e in history:
            row = e.row
            care_episodes.append((
                child, returns[row.year], row.start_date, e.end_date, row.reason_new_episode, row.legal_status,
                row.category_of_need, row.placement_type, row.placement_provider, e.reason_ceased,
                row.distance_miles, row.placed_outside_area, e.closed, e.period_start, e.carer_start,
            ))
        for year, rule, message, previous, current in differences(by_year, imported_years):
            found.append(ReturnDifference(
                child_id=child, year=year, rule=rule, message=message, previous=previous, current=current
            ))
        oc2_by_year, oc3_by_year = oc2.get(child, nothing), oc3.get(child, nothing)
        uasc_by_year, adoption_by_year = uasc.get(child, nothing), adoptions.get(child, nothing)
        missing_by_year, reviews_by_year = missing.get(child, nothing), reviews.get(child, nothing)
        review_dates = sorted({held for held_in_year in reviews_by_year.values() for held, _code in held_in_year})
        for year in sorted({
            *by_year, *oc2_by_year, *oc3_by_year, *uasc_by_year, *missing_by_year, *reviews_by_year
        }):
            fields = child_year(
                years[year], born, history, year in by_year, oc2_by_year.get(year), oc3_by_year.get(year),
                missing_by_year.get(year, ()), uasc_by_year.get(year), reviews_by_year.get(year, ()),
                adoption_by_year.get(year), review_dates,
            )
            child_years.append((returns[year], child, sex, ethnicity, *child_year_values(fields)))
    insert_rows(CareEpisode, CARE_EPISODE_FIELDS, care_episodes)
    insert_rows(ChildYear, ["cohort_return", "child", "sex", "ethnicity", *CHILD_YEAR_FIELDS], child_years)
    ReturnDifference.objects.bulk_create(found)
    return len(care_episodes), len(child_years), len(found)


@contextlib.contextmanager
def _cycle_collector_paused():
    """
    Python's cycle collector paused, then resumed as it was. A rebuild makes hundreds of thousands of small
    objects that live until their chunk is written (the rows read, the histories, the rows to write), and the
    collector makes a full pass over every object in the process each time those survivors grow by a quarter:
    a quarter of the rebuild's time on an 80,000-child return, and it finds next to nothing, as the rebuild
    makes no reference cycles of its own. Reference counting still frees each chunk as the next begins.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@transaction.atomic
def rebuild(children=None):
    """
    Rebuild the history, child-years and differences of ``children`` (primary keys; None: every child), in
    the caller's transaction. Returns (episodes, child-years, differences) written.
    """
    returns = dict(CohortReturn.objects.values_list("year", "pk"))
    years = {year: Year.of(year) for year in returns}
    pks = sorted(set(children) if children is not None else Child.objects.values_list("pk", flat=True))
    totals = [0, 0, 0]
    with _cycle_collector_paused():
        for start in range(0, len(pks), CHUNK):
            for position, count in enumerate(_rebuild_chunk(pks[start:start + CHUNK], returns, years)):
                totals[position] += count
    from .signals import figures_changed

    figures_changed()
    return tuple(totals)


def rebuild_after_migration(apps, schema_editor):
    """
    For a migration that changes what the history derives: rebuild every child's history when returns are
    already imported, once the tables have every column the current code writes (a later migration still to
    run rebuilds instead). A fresh database has nothing to rebuild; imports rebuild as they go.
    """
    connection = schema_editor.connection
    if not apps.get_model("children", "CohortReturn").objects.using(connection.alias).exists():
        return
    with connection.cursor() as cursor:
        for model in (CareEpisode, ChildYear, ReturnDifference):
            table = model._meta.db_table
            columns = {column.name for column in connection.introspection.get_table_description(cursor, table)}
            if not {field.column for field in model._meta.concrete_fields} <= columns:
                return
    rebuild()


def looked_after_at_year_end(year):
    """How many children were looked after at the end of ``year`` (``ChildYear.at_year_end``, as ``child_year``
    works it out from the joined history: the measure "Children looked after at 31 March")."""
    return ChildYear.objects.filter(year=year, at_year_end=True).count()


def return_tables():
    """
    Every table of a return's rows about a child, as the children app lists them
    (``children.services.return_record_models``), so a table added there is followed here too.
    """
    from children.services import return_record_models  # children.services imports this module

    return return_record_models()


def children_of_year(year):
    """
    The children a change to ``year``'s return can affect: those in it before and after the change, and
    those left looked after at the end of the year before (whose continuation this year is looked for).
    """
    in_return = Q()
    for model in return_tables():
        in_return |= Q(pk__in=model.objects.filter(cohort_return__year=year).values("child_id"))
    before = ChildYear.objects.filter(
        Q(year=year) | Q(year=year - 1) & (Q(at_year_end=True) | Q(short_breaks_only=True))
    ).values_list("child_id", flat=True)
    return set(Child.objects.filter(in_return).values_list("pk", flat=True)) | set(before)
