"""
The board's measures worked out in the database from the cohort returns.

``compute`` works out every measure for every collection year in a fixed handful of aggregate queries
(whatever the cohort size or the number of years), so a page, a dashboard or a board pack reads them all at
once. The measures themselves (titles, definitions, units) are ``measures.registry``.

Every measure reads the children's histories joined from every imported return (``measures.history``), one
row per child and year (``ChildYear``): a year's children are those in its return, and what happened to them
before (when a period of care or a placement began) comes from the returns before. Children looked after
only under a series of short-term placements (legal status V3 or V4, "short breaks") are left out of every
measure, as the DfE does.
"""
import dataclasses
import time
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Avg, Count, F, Q, Sum

from children.models import Code, CodeList, CohortReturn
from core import stamps, suppression

from . import selectors
from .models import ChildYear
from .registry import (
    ACCOMMODATION_TYPES,
    AGE_BANDS,
    BY_IDENTIFIER,
    CATEGORIES_OF_NEED,
    ETHNIC_GROUPS,
    PROVIDERS,
    REASONS_CEASED,
    SEXES,
    LEGAL_STATUS_GROUPS,
    MEASURES,
    PARTS_OF_THE_WHOLE,
    PERCENTAGE,
    PLACEMENT_GROUPS,
    PLACEMENT_SUBGROUPS,
    get,
)

CACHE_SECONDS = 24 * 60 * 60  # a change moves the version, and so the key, anyway
LOCK_SECONDS = 5 * 60  # the longest a computation may hold the others back
WAIT_SECONDS, POLL_SECONDS = 60, 0.05

CARE_LEAVERS_19_TO_21 = (19, 20, 21)
CARE_LEAVERS_17_18 = (17, 18)
SDQ_CONCERN = 17  # a score of 17 or more is a cause for concern
LEFT_OUT_OF_CARE_LEAVERS = ("DIED", "RHOM")  # died; returned home to parents for six months or more
SDQ_AGES = Q(age_at_year_end__gte=5, age_at_year_end__lte=16)


def _never():
    return Q(pk__in=[])


def _code_groups():
    """{code list: {group: [codes]}} from the code lists (data, not code, so councils can regroup)."""
    groups = {}
    for code_list, code, group in Code.objects.filter(
        code_list__in=[
            CodeList.PLACEMENT_TYPE,
            CodeList.IN_TOUCH,
            CodeList.CARE_LEAVER_ACTIVITY,
            CodeList.CARE_LEAVER_ACCOMMODATION,
        ]
    ).values_list("code_list", "code", "group"):
        groups.setdefault(code_list, {}).setdefault(group, []).append(code)
    return groups


def _in(field, codes):
    return Q(**{f"{field}__in": codes}) if codes else _never()


def _count(condition):
    return Count("pk", filter=condition)


def _aggregates(years, code_groups):
    """Every count the measures need, as aggregates over ``ChildYear`` rows (one row per child and year)."""
    placement_codes = code_groups.get(CodeList.PLACEMENT_TYPE, {})
    in_touch = code_groups.get(CodeList.IN_TOUCH, {}).get("in_touch", [])
    eet = code_groups.get(CodeList.CARE_LEAVER_ACTIVITY, {}).get("eet", [])
    suitable = code_groups.get(CodeList.CARE_LEAVER_ACCOMMODATION, {}).get("suitable", [])
    at_end = Q(at_year_end=True)
    long_term_group = at_end & Q(long_term_group=True)
    twelve_months = Q(twelve_months=True)
    care_leavers = Q(care_leaver_age__in=CARE_LEAVERS_19_TO_21) & ~Q(in_touch__in=LEFT_OUT_OF_CARE_LEAVERS)
    care_leavers_17_18 = Q(care_leaver_age__in=CARE_LEAVERS_17_18) & ~Q(in_touch__in=LEFT_OUT_OF_CARE_LEAVERS)
    looked_after = Q(looked_after=True)
    substance = twelve_months & Q(substance_misuse=True)
    aggregates = {
        "total": _count(at_end),
        "during": _count(Q(looked_after=True)),
        "started": _count(Q(looked_after=True, started=True)),
        "ceased": _count(Q(looked_after=True, ceased=True)),
        "over_20_miles": _count(at_end & Q(distance_miles__gt=20)),
        "outside_area": _count(at_end & Q(placed_outside_area=True)),
        "three_or_more_placements": _count(at_end & Q(placements__gte=3)),
        "long_term_group": _count(long_term_group),
        "long_term_stable": _count(long_term_group & Q(long_term_stable=True)),
        "health_total": _count(twelve_months),
        "health_assessment": _count(twelve_months & Q(health_assessment=True)),
        "dental_check": _count(twelve_months & Q(teeth_check=True)),
        "immunisations": _count(twelve_months & Q(immunisations=True)),
        "sdq_count": _count(twelve_months & SDQ_AGES & Q(sdq_score__isnull=False)),
        "sdq_mean": Avg("sdq_score", filter=twelve_months & SDQ_AGES),
        "went_missing": _count(Q(looked_after=True, missing_incidents__gt=0)),
        "missing_incidents": Sum("missing_incidents", filter=Q(looked_after=True), default=0),
        "care_leavers": _count(care_leavers),
        "care_leavers_in_touch": _count(care_leavers & _in("in_touch", in_touch)),
        "care_leavers_eet": _count(care_leavers & _in("activity", eet)),
        "care_leavers_suitable": _count(care_leavers & _in("accommodation", suitable)),
        "care_leavers_17_18": _count(care_leavers_17_18),
        "care_leavers_17_18_in_touch": _count(care_leavers_17_18 & _in("in_touch", in_touch)),
        "care_leavers_17_18_eet": _count(care_leavers_17_18 & _in("activity", eet)),
        "care_leavers_17_18_suitable": _count(care_leavers_17_18 & _in("accommodation", suitable)),
        "uasc": _count(at_end & Q(uasc_at_year_end=True)),
        "reviews_taken_part_in": Sum("reviews_taken_part_in", filter=looked_after, default=0),
        "reviews_aged_4_and_over": Sum("reviews_aged_4_and_over", filter=looked_after, default=0),
        "oc2_aged_10_and_over": _count(twelve_months & Q(age_at_year_end__gte=10)),
        "convicted": _count(twelve_months & Q(age_at_year_end__gte=10, convicted=True)),
        "substance_misuse": _count(substance),
        "substance_intervention": _count(substance & Q(intervention_received=True)),
        "sdq_concern": _count(twelve_months & SDQ_AGES & Q(sdq_score__gte=SDQ_CONCERN)),
        "went_away": _count(looked_after & Q(away_incidents__gt=0)),
        "away_incidents": Sum("away_incidents", filter=looked_after, default=0),
        "reviews_due": Sum("reviews_due", filter=looked_after, default=0),
        "reviews_on_time": Sum("reviews_on_time", filter=looked_after, default=0),
        "reviews_due_children": _count(at_end & Q(reviews_due__gt=0)),
        "reviews_all_on_time": _count(at_end & Q(reviews_due__gt=0, reviews_on_time=F("reviews_due"))),
        "adopted_placed": _count(Q(days_to_adoptive_family__isnull=False)),
        "days_to_adoptive_family": Sum("days_to_adoptive_family", default=0),
        "days_to_adoptive_family_adjusted": Sum("days_to_adoptive_family_adjusted", default=0),
        "matched_after_order": _count(Q(days_order_to_match__isnull=False)),
        "days_order_to_match": Sum("days_order_to_match", default=0),
    }
    for part, _label, youngest, oldest in AGE_BANDS:
        ages = Q(age_at_year_end__gte=youngest) & (Q(age_at_year_end__lte=oldest) if oldest is not None else Q())
        aggregates[f"age_{part}"] = _count(at_end & ages)
    for part, _label, code in SEXES:
        aggregates[f"sex_{part}"] = _count(at_end & Q(sex=code))
    for part, _label, first_letters, codes in ETHNIC_GROUPS:
        ethnicity = reduce(or_, [Q(ethnicity__startswith=letter) for letter in first_letters], _in("ethnicity", codes))
        aggregates[f"ethnicity_{part}"] = _count(at_end & ethnicity)
    for part, _label, codes in REASONS_CEASED:
        aggregates[f"ceased_{part}"] = _count(looked_after & Q(ceased=True, reason_ceased__in=codes))
    for part, _label, letters in ACCOMMODATION_TYPES:
        accommodation = reduce(or_, [Q(accommodation__startswith=letter) for letter in letters])
        aggregates[f"accommodation_{part}"] = _count(care_leavers & accommodation)
    for part, _label, code in PROVIDERS:
        aggregates[f"provider_{part}"] = _count(at_end & Q(placement_provider=code))
    for code in CATEGORIES_OF_NEED:
        aggregates[f"cin_{code}"] = _count(at_end & Q(category_of_need=code))
    for group, codes in LEGAL_STATUS_GROUPS.items():
        aggregates[f"ls_{group}"] = _count(at_end & Q(legal_status__in=codes))
    grouped = []
    for group, parts in PLACEMENT_GROUPS.items():
        codes = [code for part in parts for code in placement_codes.get(part, [])]
        grouped += codes
        aggregates[f"placement_{group}"] = _count(at_end & _in("placement_type", codes))
    aggregates["placement_other"] = _count(at_end & ~_in("placement_type", grouped))
    for group, parts in PLACEMENT_SUBGROUPS.items():
        codes = [code for part in parts for code in placement_codes.get(part, [])]
        aggregates[f"placement_{group}"] = _count(at_end & _in("placement_type", codes))
    return aggregates


PREFIX = "count_"


def _year_rows(years, code_groups):
    """{year: {aggregate: value}} for ``years`` in one query over the children's years."""
    # Prefixed, so that no count's name can stand for a field of the same name in another count's filter.
    aggregates = {f"{PREFIX}{name}": aggregate for name, aggregate in _aggregates(years, code_groups).items()}
    rows = ChildYear.objects.filter(year__in=years).order_by().values("year").annotate(**aggregates)
    return {row["year"]: {name.removeprefix(PREFIX): value for name, value in row.items()} for row in rows}


def version():
    """
    A token that changes in the same transaction as anything a figure is computed from: an import or an
    officer's edit (the history's rebuild stamps it), a code list reloaded, comparators, targets or population
    changed (``measures.signals``). One query. The figures and the pages built from them are cached under it.
    """
    return stamps.token(name=stamps.MEASURES)


def last_changed():
    """When anything a figure is computed from last changed (``version``'s time; None before any). One query."""
    return stamps.changed_at(name=stamps.MEASURES)


def _computed(years, code_groups):
    return {"rows": _year_rows(years, code_groups), "populations": selectors.populations(years)}


def _cached(years, version_token):
    """
    Every year's counts and population for ``version_token`` (and the code's release), from the cache or computed once: the first to
    ask computes while the others wait for its result (the worker usually got there first, after the change).
    """
    # Under the running code's release too (core.stamps.page_key): a release that changes how a figure is
    # counted computes it afresh rather than showing the old code's figures until the data next changes.
    key = stamps.page_key("measures", version_token, ",".join(map(str, years)))
    figures = cache.get(key)
    if figures is not None:
        return figures
    lock = f"{key}:computing"
    waited = 0.0
    while not cache.add(lock, 1, LOCK_SECONDS):
        if waited >= WAIT_SECONDS:
            break  # the one computing is taking too long: compute here rather than leave the page waiting
        time.sleep(POLL_SECONDS)
        waited += POLL_SECONDS
        figures = cache.get(key)
        if figures is not None:
            return figures
    try:
        figures = _computed(years, _code_groups())
        cache.set(key, figures, CACHE_SECONDS)
    finally:
        cache.delete(lock)
    return figures


def compute(years=None, *, cached=False):
    """
    Every measure for every year asked for that has a return (default: all of them), as
    ``{year: {identifier: MeasureValue}}``. A fixed number of queries, whatever the cohort or the years.

    ``cached=True`` (pages, dashboards, reports) reads every year's counts from the cache under the current
    ``version``: two small queries (the years, the version) when the worker has computed them after the last
    change, and one computation however many requests arrive together when it has not.
    """
    with_return = sorted(CohortReturn.objects.values_list("year", flat=True))
    wanted = sorted(with_return if years is None else set(years) & set(with_return))
    if not wanted:
        return {}
    # A figure over several years (the adoption scorecard's three) needs the years before too.
    needed = sorted({held for year in wanted for held in _span(year, LONGEST_SPAN)} & set(with_return))
    figures = _cached(with_return, version()) if cached else _computed(needed, _code_groups())
    results = {}
    for year in wanted:
        counts = {**figures["rows"].get(year, {}), "population": figures["populations"].get(year)}
        values = {
            measure.identifier: measure.value_in(
                year, counts if measure.years == 1 else _pooled(measure, year, figures["rows"], with_return)
            )
            for measure in MEASURES
        }
        disclosure_control(values)
        results[year] = values
    return results


LONGEST_SPAN = max(measure.years for measure in MEASURES)


def _span(year, years):
    return range(year - years + 1, year + 1)


def _pooled(measure, year, rows, with_return):
    """A several-year measure's numerator and denominator: each added up over its years, or None (no figure)
    unless every one of them has a return."""
    span = _span(year, measure.years)
    if not set(span) <= set(with_return):
        return {measure.numerator: None, measure.denominator: None}
    return {name: sum(rows.get(held, {}).get(name) or 0 for held in span) for name in (measure.numerator, measure.denominator)}


WHOLE = "looked_after_at_31_march"


def _withhold(values, identifiers):
    for identifier in identifiers:
        values[identifier] = dataclasses.replace(values[identifier], protects_another=True)


def disclosure_control(values):
    """
    Withhold, beyond the small figures themselves, what ``core.suppression`` says would give one away
    (``values``: one year's ``{identifier: MeasureValue}``, changed in place):

    - each breakdown of the children looked after at 31 March (``PARTS_OF_THE_WHOLE``), whose total is
      published, by ``suppression.withhold_parts``;
    - each other percentage as the breakdown of its base into the children counted and the rest;
    - where a base is too small for that (5 children or fewer), the base itself: for the children looked
      after at 31 March, the count, the rate and every share of it above zero; for a base no page shows,
      every measure that shares it, so that none of them can be used to work it out.
    """
    whole = values[WHOLE].numerator
    whole_label = BY_IDENTIFIER["placement_foster"].denominator_label
    shares_of_the_whole = [m.identifier for m in MEASURES if m.denominator_label == whole_label and m.identifier in values]
    whole_withheld = suppression.is_small(whole)
    grouped = {identifier for group in PARTS_OF_THE_WHOLE for identifier in group}
    for group in PARTS_OF_THE_WHOLE:
        positions, whole_too = suppression.withhold_parts([values[i].numerator for i in group], whole)
        _withhold(values, [group[position] for position in positions])
        whole_withheld = whole_withheld or whole_too
    for measure in MEASURES:
        value = values.get(measure.identifier)
        if value is None or measure.unit != PERCENTAGE or measure.identifier in grouped or not measure.suppressible:
            continue
        positions, base_too = suppression.withhold_parts([value.numerator], value.denominator)
        if positions:
            _withhold(values, [measure.identifier])
        if base_too and measure.identifier in shares_of_the_whole:
            whole_withheld = True
        elif base_too:
            siblings = [m.identifier for m in MEASURES if m.denominator_label == measure.denominator_label]
            _withhold(values, [identifier for identifier in siblings if identifier in values])
    if whole_withheld:
        _withhold(values, [identifier for identifier in (WHOLE, "looked_after_rate_per_10000") if identifier in values])
        _withhold(values, [identifier for identifier in shares_of_the_whole if values[identifier].numerator])


def for_year(year):
    """Every measure for one year: ``{identifier: MeasureValue}`` (empty if there is no return)."""
    return compute([year]).get(year, {})


def trend(identifier, years=None):
    """One measure over the years, oldest first: ``[MeasureValue]``."""
    get(identifier)
    return [values[identifier] for _year, values in sorted(compute(years).items())]

