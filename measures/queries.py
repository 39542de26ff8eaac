"""
The board's measures worked out in the database from the cohort returns.

``compute`` works out every measure for every collection year in a fixed handful of aggregate queries
(whatever the cohort size or the number of years), so a page, a dashboard or a board pack reads them all at
once. The measures themselves (titles, definitions, units) are ``measures.registry``.

Every measure for a year reads that year's ``CohortReturn`` alone (each return holds the full episode history
of the children looked after during the year). Children looked after under a series of short-term
placements (legal status V3 or V4, "short breaks") are left out of every measure, as the DfE does.
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
from django.db.models import Avg, Case, Count, DateField, F, Func, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from children.models import CareLeaverOutcome, Code, CodeList, CohortReturn, Episode, HealthOutcome, MissingEpisode
from core import collection_year, suppression

from . import selectors
from .registry import (
    BY_IDENTIFIER,
    CATEGORIES_OF_NEED,
    LEGAL_STATUS_GROUPS,
    MEASURES,
    PARTS_OF_THE_WHOLE,
    PERCENTAGE,
    PLACEMENT_GROUPS,
    MeasureValue,
    get,
    value_of,
)

CACHE_SECONDS = 60 * 60  # the dashboards' cached aggregates; a new import or edit changes the key anyway

SHORT_BREAK_STATUSES = ("V3", "V4")
NEW_PERIOD_OF_CARE = "S"
PLACEMENT_CHANGE_REASONS = ("P", "B", "T", "U")  # a new episode that is also a new placement
CEASED_AND_NEW_EPISODE = "X1"  # an episode ended only because another began: still looked after


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
    """OR of ``condition(window)`` for each year, each tied to its own return."""
    return reduce(or_, (Q(cohort_return_id=pk) & condition(_Window(year)) for year, pk in years.items()))


def _by_year(rows, years):
    """Rows grouped by ``cohort_return_id`` -> {year: row}. ``years`` is {year: return id} throughout."""
    year_of = {pk: year for year, pk in years.items()}
    return {year_of[row["cohort_return_id"]]: row for row in rows}


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


def _episode_counts(years):
    """Children looked after during, starting and ceasing in each year (one query)."""
    during = _any_year(
        years,
        lambda w: Q(start_date__lte=w.ends_on) & (Q(end_date__isnull=True) | Q(end_date__gte=w.starts_on)),
    )
    started = _any_year(years, lambda w: Q(start_date__range=(w.starts_on, w.ends_on))) & Q(
        reason_new_episode=NEW_PERIOD_OF_CARE
    )
    ceased = _any_year(years, lambda w: Q(end_date__range=(w.starts_on, w.ends_on))) & ~Q(
        reason_ceased=CEASED_AND_NEW_EPISODE
    )
    rows = (
        Episode.objects.filter(cohort_return_id__in=years.values())
        .exclude(legal_status__in=SHORT_BREAK_STATUSES)
        .order_by()
        .values("cohort_return_id")
        .annotate(
            during=Count("child", distinct=True, filter=during),
            started=Count("child", distinct=True, filter=started),
            ceased=Count("child", distinct=True, filter=ceased),
        )
    )
    return _by_year(rows, years)


def _year_end_counts(years, placement_codes):
    """
    Everything about children looked after at 31 March (one query): how many, why, where, stability.

    The open episode carries three correlated subqueries over the child's other episodes in the same
    return: when the period of care began, when the current placement began, and how many placement
    moves the year held.
    """
    open_at_end = _any_year(
        years,
        lambda w: Q(start_date__lte=w.ends_on) & (Q(end_date__isnull=True) | Q(end_date__gt=w.ends_on)),
    )
    same_child = Episode.objects.filter(cohort_return=OuterRef("cohort_return"), child=OuterRef("child")).order_by()
    period_start = Subquery(
        same_child.filter(reason_new_episode=NEW_PERIOD_OF_CARE, start_date__lte=OuterRef("start_date"))
        .order_by("-start_date")
        .values("start_date")[:1],
        output_field=DateField(),
    )
    placement_start = Subquery(
        same_child.filter(
            reason_new_episode__in=(NEW_PERIOD_OF_CARE, *PLACEMENT_CHANGE_REASONS),
            start_date__lte=OuterRef("start_date"),
        )
        .order_by("-start_date")
        .values("start_date")[:1],
        output_field=DateField(),
    )
    year_start = Case(
        *(When(cohort_return_id=pk, then=Value(_Window(year).starts_on)) for year, pk in years.items()),
        output_field=DateField(),
    )
    moves = Coalesce(
        Subquery(
            same_child.filter(
                reason_new_episode__in=PLACEMENT_CHANGE_REASONS,
                start_date__gte=OuterRef("year_start"),
                start_date__lte=OuterRef("start_date"),
            )
            .values("child")
            .annotate(moves=Count("pk"))
            .values("moves"),
            output_field=IntegerField(),
        ),
        0,
    )
    long_term_group = _any_year(
        years,
        lambda w: Q(child__date_of_birth__gt=_years_ago(w.ends_on, 16))
        & Q(period_start__lte=w.two_and_a_half_years_before_end),
    )
    long_term_stable = long_term_group & (
        _any_year(years, lambda w: Q(placement_start__lte=_years_ago(w.ends_on, 2)))
        | _in("placement_type", placement_codes.get("adoption", []))
    )
    grouped_codes = [code for group in PLACEMENT_GROUPS if group != "other" for code in placement_codes.get(group, [])]
    aggregates = {
        "total": Count("child", distinct=True),
        "over_20_miles": Count("child", distinct=True, filter=Q(distance_miles__gt=20)),
        "outside_area": Count("child", distinct=True, filter=Q(placed_outside_area=True)),
        "three_or_more_placements": Count("child", distinct=True, filter=Q(moves__gte=2)),
        "long_term_group": Count("child", distinct=True, filter=long_term_group),
        "long_term_stable": Count("child", distinct=True, filter=long_term_stable),
        "placement_other": Count("child", distinct=True, filter=~_in("placement_type", grouped_codes)),
    }
    for code in CATEGORIES_OF_NEED:
        aggregates[f"cin_{code}"] = Count("child", distinct=True, filter=Q(category_of_need=code))
    for group, codes in LEGAL_STATUS_GROUPS.items():
        aggregates[f"ls_{group}"] = Count("child", distinct=True, filter=Q(legal_status__in=codes))
    for group in PLACEMENT_GROUPS:
        if group != "other":
            aggregates[f"placement_{group}"] = Count(
                "child", distinct=True, filter=_in("placement_type", placement_codes.get(group, []))
            )
    rows = (
        Episode.objects.filter(cohort_return_id__in=years.values())
        .exclude(legal_status__in=SHORT_BREAK_STATUSES)
        .filter(open_at_end)
        .annotate(
            year_start=year_start, period_start=period_start, placement_start=placement_start, moves=moves
        )
        .order_by()
        .values("cohort_return_id")
        .annotate(**aggregates)
    )
    return _by_year(rows, years)


def _health(years):
    rows = (
        HealthOutcome.objects.filter(cohort_return_id__in=years.values())
        .order_by()
        .values("cohort_return_id")
        .annotate(
            total=Count("pk"),
            health_assessment=Count("pk", filter=Q(health_assessment=True)),
            dental_check=Count("pk", filter=Q(teeth_check=True)),
            immunisations=Count("pk", filter=Q(immunisations=True)),
            sdq_count=Count("sdq_score"),
            sdq_mean=Avg("sdq_score"),
        )
    )
    return _by_year(rows, years)


def _missing(years):
    rows = (
        MissingEpisode.objects.filter(
            _any_year(years, lambda w: Q(start_date__range=(w.starts_on, w.ends_on))), kind="M"
        )
        .order_by()
        .values("cohort_return_id")
        .annotate(children=Count("child", distinct=True), incidents=Count("pk"))
    )
    return _by_year(rows, years)


def _care_leavers(years, code_groups):
    """OC3 rows for care leavers whose 19th, 20th or 21st birthday fell in the year (one query)."""
    in_touch = code_groups.get(CodeList.IN_TOUCH, {}).get("in_touch", [])
    eet = code_groups.get(CodeList.CARE_LEAVER_ACTIVITY, {}).get("eet", [])
    suitable = code_groups.get(CodeList.CARE_LEAVER_ACCOMMODATION, {}).get("suitable", [])
    rows = (
        CareLeaverOutcome.objects.filter(
            _any_year(
                years,
                lambda w: Q(
                    child__date_of_birth__range=(_years_ago(w.starts_on, 21), _years_ago(w.ends_on, 19))
                ),
            )
        )
        .order_by()
        .values("cohort_return_id")
        .annotate(
            total=Count("pk"),
            in_touch=Count("pk", filter=_in("in_touch", in_touch)),
            eet=Count("pk", filter=_in("activity", eet)),
            suitable=Count("pk", filter=_in("accommodation", suitable)),
        )
    )
    return _by_year(rows, years)


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


def _cohort_figures(years, code_groups, *, cached):
    """The heavy aggregate queries, or their results from the cache for the same cohort version and codes."""

    def queries():
        return (
            _episode_counts(years),
            _year_end_counts(years, code_groups.get(CodeList.PLACEMENT_TYPE, {})),
            _health(years),
            _missing(years),
            _care_leavers(years, code_groups),
        )

    # (PostgreSQL's JIT compiler is switched off for every connection in settings: it spent seconds
    # compiling these high-cost-estimate but quick aggregates.)
    if not cached:
        return queries()
    key_source = repr((sorted(years.items()), sorted((k, sorted(v.items())) for k, v in code_groups.items()), inputs_version()))
    key = "measures:" + hashlib.sha256(key_source.encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = queries()
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def compute(years=None, *, cached=False):
    """
    Every measure for every year asked for that has a return (default: all of them), as
    ``{year: {identifier: MeasureValue}}``. A fixed number of queries, whatever the cohort or the years.

    ``cached=True`` (the dashboards) reuses the aggregates computed for the same cohort version (see
    ``inputs_version``): one cheap query replaces five heavy ones until the next import or edit. Population,
    codes and returns are always read afresh.
    """
    with_return = dict(CohortReturn.objects.values_list("year", "pk"))
    wanted = sorted(with_return if years is None else set(years) & set(with_return))
    if not wanted:
        return {}
    years = {year: with_return[year] for year in wanted}
    code_groups = _code_groups()
    episodes, year_end, health, missing, care_leavers = _cohort_figures(years, code_groups, cached=cached)
    populations = selectors.populations(years)

    results = {}
    for year in years:
        ep = episodes.get(year, {})
        end = year_end.get(year, {})
        hl = health.get(year, {})
        ms = missing.get(year, {})
        cl = care_leavers.get(year, {})
        total = end.get("total", 0)
        figures = {
            "looked_after_at_31_march": (total, None),
            "looked_after_rate_per_10000": (total, populations.get(year)),
            "started_during_year": (ep.get("started", 0), None),
            "ceased_during_year": (ep.get("ceased", 0), None),
            "placed_over_20_miles": (end.get("over_20_miles", 0), total),
            "placed_outside_area": (end.get("outside_area", 0), total),
            "three_or_more_placements": (end.get("three_or_more_placements", 0), total),
            "long_term_stability": (end.get("long_term_stable", 0), end.get("long_term_group", 0)),
            "health_assessment": (hl.get("health_assessment", 0), hl.get("total", 0)),
            "dental_check": (hl.get("dental_check", 0), hl.get("total", 0)),
            "immunisations": (hl.get("immunisations", 0), hl.get("total", 0)),
            "went_missing": (ms.get("children", 0), ep.get("during", 0)),
            "missing_incidents": (ms.get("incidents", 0), None),
            "care_leavers_in_touch": (cl.get("in_touch", 0), cl.get("total", 0)),
            "care_leavers_in_eet": (cl.get("eet", 0), cl.get("total", 0)),
            "care_leavers_suitable_accommodation": (cl.get("suitable", 0), cl.get("total", 0)),
        }
        for code in CATEGORIES_OF_NEED:
            figures[f"category_of_need_{code.lower()}"] = (end.get(f"cin_{code}", 0), total)
        for group in LEGAL_STATUS_GROUPS:
            figures[f"legal_status_{group}"] = (end.get(f"ls_{group}", 0), total)
        for group in PLACEMENT_GROUPS:
            figures[f"placement_{group}"] = (end.get(f"placement_{group}", 0), total)

        values = {}
        for identifier, (numerator, denominator) in figures.items():
            values[identifier] = value_of(BY_IDENTIFIER[identifier], year, numerator, denominator)
        disclosure_control(values)
        sdq = BY_IDENTIFIER["mean_sdq_score"]
        sdq_mean = hl.get("sdq_mean")
        values["mean_sdq_score"] = MeasureValue(
            sdq, year, None, hl.get("sdq_count", 0), float(sdq_mean) if sdq_mean is not None else None
        )
        results[year] = {measure.identifier: values[measure.identifier] for measure in MEASURES}
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

