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
import calendar
import dataclasses
import datetime
import hashlib
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, Func, Max, Q, Subquery, Sum, Value

from children.models import CareLeaverOutcome, Code, CodeList, CohortReturn, Episode, HealthOutcome, MissingEpisode
from core import collection_year, suppression

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

CACHE_SECONDS = 60 * 60  # the dashboards' cached aggregates; a new import or edit changes the key anyway

CARE_LEAVERS_19_TO_21 = (19, 20, 21)
CARE_LEAVERS_17_18 = (17, 18)
SDQ_CONCERN = 17  # a score of 17 or more is a cause for concern
LEFT_OUT_OF_CARE_LEAVERS = ("DIED", "RHOM")  # died; returned home to parents for six months or more
SDQ_AGES = Q(age_at_year_end__gte=5, age_at_year_end__lte=16)


def _years_ago(date, years):
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


@dataclass(frozen=True)
class _Window:
    """The dates a collection year's measures turn on."""

    year: int

    @property
    def starts_on(self):
        return collection_year.starts_on(self.year)

    @property
    def ends_on(self):
        return collection_year.ends_on(self.year)

    @property
    def two_and_a_half_years_before_end(self):
        """Two years and six months before the year's last day: 30 September for a year ending 31 March."""
        end = self.ends_on
        months = end.year * 12 + end.month - 1 - 30
        year, month = divmod(months, 12)
        return datetime.date(year, month + 1, min(end.day, calendar.monthrange(year, month + 1)[1]))


def _any_year(years, condition):
    """OR of ``condition(window)`` for each year, each tied to its own year's rows."""
    return reduce(or_, (Q(year=year) & condition(_Window(year)) for year in years))


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
    long_term_group = at_end & Q(age_at_year_end__lt=16) & _any_year(
        years, lambda w: Q(period_start__lte=w.two_and_a_half_years_before_end)
    )
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
        "long_term_stable": _count(
            long_term_group & _any_year(years, lambda w: Q(carer_start__lte=_years_ago(w.ends_on, 2)))
        ),
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
    }
    for part, _label, youngest, oldest in AGE_BANDS:
        ages = Q(age_at_year_end__gte=youngest) & (Q(age_at_year_end__lte=oldest) if oldest is not None else Q())
        aggregates[f"age_{part}"] = _count(at_end & ages)
    for part, _label, code in SEXES:
        aggregates[f"sex_{part}"] = _count(at_end & Q(child__sex=code))
    for part, _label, first_letters, codes in ETHNIC_GROUPS:
        ethnicity = reduce(or_, [Q(child__ethnicity__startswith=letter) for letter in first_letters], _in("child__ethnicity", codes))
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


def _inputs_version_query():
    """
    A token that changes whenever anything the measures read changes, in one cheap query (primary keys and
    timestamps, never a scan of the cohort): a return imported or removed, cohort rows added, a child or an
    episode edited (django-auditlog logs every officer's edit), comparators, targets or population entered,
    code lists reloaded. Caches of measure figures and of the pages built from them are keyed on it.
    """
    from auditlog.models import LogEntry

    from children.models import Child

    from .models import ChildPopulation, Comparator, Target

    def latest(queryset, field="pk"):
        return Max(Subquery(queryset.order_by(f"-{field}").values(field)[:1]))

    token_query = CohortReturn.objects.order_by().values(version=Value(1)).annotate(
        returns=Count("pk"),
        imported=Max("imported_at"),
        child=latest(Child.objects.all()),
        child_created=Max(Subquery(Child.objects.order_by("-pk").values("created_at")[:1])),
        episode=latest(Episode.objects.all()),
        health=latest(HealthOutcome.objects.all()),
        leavers=latest(CareLeaverOutcome.objects.all()),
        missing=latest(MissingEpisode.objects.all()),
        edits=latest(LogEntry.objects.filter(content_type__app_label="children")),
        codes=latest(Code.objects.all()),
        comparators=latest(Comparator.objects.all(), "updated_at"),
        comparator_rows=latest(Comparator.objects.all()),
        targets=latest(Target.objects.all(), "updated_at"),
        target_rows=latest(Target.objects.all()),
        population=Max(Subquery(ChildPopulation.objects.order_by().values(total=Func(F("population"), function="SUM"))[:1])),
        population_rows=latest(ChildPopulation.objects.all()),
    )
    return token_query


_version_sql = {}


def inputs_version():
    """
    A token that changes whenever anything the measures read changes (see ``_inputs_version_query``). The
    query is compiled once per process and database: building its ORM expression costs more than running it.
    """

    if connection.alias not in _version_sql:
        _version_sql[connection.alias] = _inputs_version_query().query.sql_with_params()
    sql, params = _version_sql[connection.alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:32]


def _counts(years, code_groups, *, cached):
    """The year's counts (one aggregate query), or their results from the cache for the same inputs and codes."""
    # (PostgreSQL's JIT compiler is switched off for every connection in settings: it spent seconds
    # compiling these high-cost-estimate but quick aggregates.)
    if not cached:
        return _year_rows(years, code_groups)
    key_source = repr((years, sorted((k, sorted(v.items())) for k, v in code_groups.items()), inputs_version()))
    key = "measures:" + hashlib.sha256(key_source.encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = _year_rows(years, code_groups)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def compute(years=None, *, cached=False):
    """
    Every measure for every year asked for that has a return (default: all of them), as
    ``{year: {identifier: MeasureValue}}``. A fixed number of queries, whatever the cohort or the years.

    ``cached=True`` (the dashboards) reuses the counts computed for the same inputs version (see
    ``inputs_version``) until the next import or edit. Population, codes and returns are always read afresh.
    """
    with_return = set(CohortReturn.objects.values_list("year", flat=True))
    wanted = sorted(with_return if years is None else set(years) & with_return)
    if not wanted:
        return {}
    code_groups = _code_groups()
    rows = _counts(wanted, code_groups, cached=cached)
    populations = selectors.populations(wanted)
    results = {}
    for year in wanted:
        counts = {**rows.get(year, {}), "population": populations.get(year)}
        values = {measure.identifier: measure.value_in(year, counts) for measure in MEASURES}
        disclosure_control(values)
        results[year] = values
    return results


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

