"""
The board's performance measures, computed in the database from the cohort return.

``MEASURES`` is the registry: what each measure is called, how the Department for Education defines it (in
our words), its unit, which way is better, and whether its figures are small-number suppressed. ``compute``
works out every measure for every collection year in a fixed handful of aggregate queries (whatever the
cohort size or the number of years), so a page, a dashboard or a board pack reads them all at once.

Values carry their raw numerator and denominator: the page decides what its audience may see (officer-only
pages may show small numbers; everything else goes through ``core.suppression``).

Every measure for a year reads that year's ``CohortReturn`` alone (each return holds the full episode history
of the children looked after during the year). Children looked after under a series of short-term
placements (legal status V3 or V4, "short breaks") are left out of every measure, as the DfE does.
"""
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

from children.models import (
    CareLeaverOutcome,
    Code,
    CodeList,
    CohortReturn,
    Episode,
    HealthOutcome,
    MissingEpisode,
    year_label,
)
from core import suppression

TREND_YEARS = 5  # years of returns a trend shows

COUNT = "count"
PERCENTAGE = "percentage"
RATE = "rate"
MEAN = "mean"
UNIT_LABELS = {COUNT: "children", PERCENTAGE: "%", RATE: "per 10,000 children", MEAN: "mean score"}

CACHE_SECONDS = 60 * 60  # the dashboards' cached aggregates; a new import or edit changes the key anyway

HIGHER = "higher"
LOWER = "lower"

SHORT_BREAK_STATUSES = ("V3", "V4")
NEW_PERIOD_OF_CARE = "S"
PLACEMENT_CHANGE_REASONS = ("P", "B", "T", "U")  # a new episode that is also a new placement
CEASED_AND_NEW_EPISODE = "X1"  # an episode ended only because another began: still looked after

PLACEMENT_GROUPS = ("foster", "kinship", "residential", "with_parents", "adoption", "other")
LEGAL_STATUS_GROUPS = {
    "interim_care_order": ("C1",),
    "full_care_order": ("C2",),
    "placement_order": ("E1", "D1"),
    "voluntary": ("V2",),
    "protection_orders": ("L1", "L2", "L3"),
    "youth_justice": ("J1", "J2", "J3"),
}
CATEGORIES_OF_NEED = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}

TOPICS = {
    "how_many": "How many children we look after",
    "why": "Why they are looked after",
    "where": "Where they live",
    "stability": "Stability",
    "health": "Health",
    "missing": "Missing from care",
    "care_leavers": "Care leavers",
}


@dataclass(frozen=True)
class Measure:
    identifier: str
    title: str
    topic: str
    unit: str
    definition: str
    better: str | None = None  # HIGHER, LOWER or None when neither is better (e.g. how many children)
    suppressible: bool = True
    denominator_label: str = ""

    @property
    def topic_label(self):
        return TOPICS[self.topic]

    @property
    def unit_label(self):
        return UNIT_LABELS[self.unit]


@dataclass(frozen=True)
class MeasureValue:
    """One measure in one year: raw figures, so that each page decides what to show."""

    measure: Measure
    year: int
    numerator: int | None
    denominator: int | None
    value: float | None
    # Withheld too, though not small: it would give away a small figure of its group by subtraction.
    protects_another: bool = False

    @property
    def withheld(self):
        """True when a page that must suppress small numbers has to withhold this value."""
        return self.is_small or self.protects_another

    @property
    def is_small(self):
        """True when showing this value could identify a child (a count, or its base, between 1 and 4)."""
        if not self.measure.suppressible:
            return False
        if self.measure.unit == MEAN:
            return suppression.is_small(self.denominator)
        if self.measure.unit == PERCENTAGE:
            return suppression.is_small(self.numerator) or suppression.is_small(self.denominator)
        return suppression.is_small(self.numerator)

    def shown(self, *, suppress=True):
        """The value as ``core.suppression.Shown`` for an audience that must (or need not) see it suppressed."""
        if self.value is None:
            return suppression.Shown("No data")
        if suppress and self.withheld:
            return suppression.Shown(suppression.MARKER, suppressed=True, protects_another=not self.is_small)
        return suppression.Shown(format_value(self.measure, self.value))

    def visible_value(self, *, suppress=True):
        """The number itself, or None when there is none or it must be withheld (for charts and gaps)."""
        if self.value is None or (suppress and self.withheld):
            return None
        return self.value


def format_value(measure, value):
    if value is None:
        return "No data"
    if measure.unit == COUNT:
        return f"{round(value):,}"
    if measure.unit == PERCENTAGE:
        return f"{value:.0f}%"
    if measure.unit == RATE:
        return f"{value:.0f}"
    return f"{value:.1f}"


def _placement_measure(group, title, definition):
    return Measure(
        f"placement_{group}",
        f"Placed {title}",
        "where",
        PERCENTAGE,
        "Children looked after at 31 March whose placement at that date was " + definition
        + ", as a percentage of all children looked after at 31 March. The placement type codes that count "
        "are those whose group in the placement type code list is '" + group + "'.",
        denominator_label="children looked after at 31 March",
    )


MEASURES = (
    Measure(
        "looked_after_at_31_march",
        "Children looked after at 31 March",
        "how_many",
        COUNT,
        "The number of children with an episode of care open on 31 March of the collection year: the episode "
        "started on or before 31 March and had not ended by then (an episode that ends on 31 March itself is "
        "not open at the year end). Children looked after only under a series of short-term placements "
        "(legal status V3 or V4) are not counted.",
    ),
    Measure(
        "looked_after_rate_per_10000",
        "Rate per 10,000 children",
        "how_many",
        RATE,
        "Children looked after at 31 March for every 10,000 children aged 0 to 17 living in the council's "
        "area, using the mid-year population estimate entered for the year. Without a population figure "
        "there is no rate.",
        denominator_label="children aged 0 to 17 in the area",
    ),
    Measure(
        "started_during_year",
        "Children who started to be looked after",
        "how_many",
        COUNT,
        "Children who started a new period of care (an episode with reason for new episode S) between "
        "1 April and 31 March. A child who started more than once in the year is counted once.",
    ),
    Measure(
        "ceased_during_year",
        "Children who ceased to be looked after",
        "how_many",
        COUNT,
        "Children whose period of care ended between 1 April and 31 March: an episode ended with any reason "
        "other than X1 (which means a new episode followed at once). A child who left care more than once "
        "in the year is counted once.",
    ),
    *(
        Measure(
            f"category_of_need_{code.lower()}",
            f"Category of need: {label}",
            "why",
            PERCENTAGE,
            f"Children looked after at 31 March whose category of need at that date was {code} ({label}), "
            "as a percentage of all children looked after at 31 March.",
            denominator_label="children looked after at 31 March",
        )
        for code, label in CATEGORIES_OF_NEED.items()
    ),
    Measure(
        "legal_status_interim_care_order",
        "Legal status: interim care order",
        "why",
        PERCENTAGE,
        "Children looked after at 31 March on an interim care order (C1), as a percentage of all children "
        "looked after at 31 March.",
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "legal_status_full_care_order",
        "Legal status: full care order",
        "why",
        PERCENTAGE,
        "Children looked after at 31 March on a full care order (C2), as a percentage of all children looked "
        "after at 31 March.",
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "legal_status_placement_order",
        "Legal status: placement order",
        "why",
        PERCENTAGE,
        "Children looked after at 31 March under a placement order or freeing order (E1, D1), as a percentage "
        "of all children looked after at 31 March.",
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "legal_status_voluntary",
        "Legal status: voluntary agreement (section 20)",
        "why",
        PERCENTAGE,
        "Children looked after at 31 March under a voluntary agreement for single placements (V2), as a "
        "percentage of all children looked after at 31 March.",
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "legal_status_protection_orders",
        "Legal status: police or emergency protection",
        "why",
        PERCENTAGE,
        "Children looked after at 31 March under police protection, an emergency protection order or a child "
        "assessment order (L1, L2, L3), as a percentage of all children looked after at 31 March.",
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "legal_status_youth_justice",
        "Legal status: youth justice",
        "why",
        PERCENTAGE,
        "Children looked after at 31 March on remand or under a youth justice order (J1, J2, J3), as a "
        "percentage of all children looked after at 31 March.",
        denominator_label="children looked after at 31 March",
    ),
    _placement_measure("foster", "with foster carers", "with unrelated foster carers"),
    _placement_measure("kinship", "with family or friends (kinship)", "with relatives or friends as carers"),
    _placement_measure(
        "residential", "in residential care", "in a children's home, secure unit, hostel or other residential setting"
    ),
    _placement_measure("with_parents", "with parents", "with their parents or others with parental responsibility"),
    _placement_measure("adoption", "for adoption", "with prospective adopters"),
    _placement_measure("other", "in other placements", "of any other type (including codes with no group)"),
    Measure(
        "placed_over_20_miles",
        "Placed more than 20 miles from home",
        "where",
        PERCENTAGE,
        "Children looked after at 31 March whose placement at that date was more than 20 miles from their "
        "home address (worked out from the home and placement postcode districts), as a percentage of all "
        "children looked after at 31 March. Children whose distance is not known are not counted as placed "
        "far from home.",
        better=LOWER,
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "placed_outside_area",
        "Placed outside the council's area",
        "where",
        PERCENTAGE,
        "Children looked after at 31 March whose placement at that date was outside the council's area, as a "
        "percentage of all children looked after at 31 March.",
        better=LOWER,
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "three_or_more_placements",
        "Three or more placements in the year",
        "stability",
        PERCENTAGE,
        "Children looked after at 31 March who had three or more placements between 1 April and 31 March, as "
        "a percentage of all children looked after at 31 March. A child's placements in the year are the "
        "placement they were in on 1 April (or in which they started care) plus each episode starting in "
        "the year because the placement changed (reason for new episode P, B, T or U). A change of legal "
        "status alone (L) is not a new placement.",
        better=LOWER,
        denominator_label="children looked after at 31 March",
    ),
    Measure(
        "long_term_stability",
        "Same placement for 2 years (long-term stability)",
        "stability",
        PERCENTAGE,
        "Of children under 16 at 31 March who had been looked after continuously for at least two and a half "
        "years, the percentage who had been in the same placement for at least two years, or were placed for "
        "adoption. Looked after for two and a half years means the period of care began on or before 30 "
        "September two and a half years before the year end; in the same placement for two years means the "
        "placement began on or before 31 March two years earlier. The period of care starts at the child's "
        "latest episode with reason S; the placement "
        "starts at the latest episode with reason S, P, B, T or U.",
        better=HIGHER,
        denominator_label="children under 16 looked after for 2.5 years or more",
    ),
    Measure(
        "health_assessment",
        "Annual health assessment up to date",
        "health",
        PERCENTAGE,
        "Children looked after continuously for 12 months at 31 March (the OC2 group) whose annual health "
        "assessment was up to date, as a percentage of that group.",
        better=HIGHER,
        denominator_label="children looked after for 12 months",
    ),
    Measure(
        "dental_check",
        "Dental check up to date",
        "health",
        PERCENTAGE,
        "Children looked after continuously for 12 months at 31 March whose teeth had been checked by a "
        "dentist in the year, as a percentage of that group.",
        better=HIGHER,
        denominator_label="children looked after for 12 months",
    ),
    Measure(
        "immunisations",
        "Immunisations up to date",
        "health",
        PERCENTAGE,
        "Children looked after continuously for 12 months at 31 March whose immunisations were up to date, as "
        "a percentage of that group.",
        better=HIGHER,
        denominator_label="children looked after for 12 months",
    ),
    Measure(
        "mean_sdq_score",
        "Average emotional and behavioural health (SDQ) score",
        "health",
        MEAN,
        "The mean Strengths and Difficulties Questionnaire score (0 to 40) of children looked after "
        "continuously for 12 months at 31 March who have a score (usually those aged 5 to 16). A score of 14 "
        "to 16 is borderline; 17 or more is a cause for concern. Lower is better.",
        better=LOWER,
        denominator_label="children with an SDQ score",
    ),
    Measure(
        "went_missing",
        "Children who went missing",
        "missing",
        PERCENTAGE,
        "Children looked after during the year who had at least one missing incident (not 'away without "
        "authorisation') starting between 1 April and 31 March, as a percentage of all children looked "
        "after at any time in the year.",
        better=LOWER,
        denominator_label="children looked after during the year",
    ),
    Measure(
        "missing_incidents",
        "Missing incidents",
        "missing",
        COUNT,
        "The number of missing incidents (not 'away without authorisation') starting between 1 April and "
        "31 March, for all children looked after during the year.",
        better=LOWER,
    ),
    Measure(
        "care_leavers_in_touch",
        "Care leavers aged 19 to 21 in touch",
        "care_leavers",
        PERCENTAGE,
        "Care leavers whose 19th, 20th or 21st birthday fell in the year (the OC3 group aged 19 to 21) with "
        "whom the council was in touch around their birthday, as a percentage of that group.",
        better=HIGHER,
        denominator_label="care leavers aged 19 to 21",
    ),
    Measure(
        "care_leavers_in_eet",
        "Care leavers aged 19 to 21 in education, employment or training",
        "care_leavers",
        PERCENTAGE,
        "Care leavers aged 19 to 21 (birthday in the year) whose main activity was education, training or "
        "employment, full or part time, as a percentage of that group.",
        better=HIGHER,
        denominator_label="care leavers aged 19 to 21",
    ),
    Measure(
        "care_leavers_suitable_accommodation",
        "Care leavers aged 19 to 21 in suitable accommodation",
        "care_leavers",
        PERCENTAGE,
        "Care leavers aged 19 to 21 (birthday in the year) whose accommodation was judged suitable, as a "
        "percentage of that group.",
        better=HIGHER,
        denominator_label="care leavers aged 19 to 21",
    ),
)
BY_IDENTIFIER = {measure.identifier: measure for measure in MEASURES}


def get(identifier):
    """The measure with this identifier; KeyError if there is none."""
    return BY_IDENTIFIER[identifier]


def by_topic():
    """Measures grouped by topic, in the registry's order: [(topic label, [measures])]."""
    groups = {}
    for measure in MEASURES:
        groups.setdefault(measure.topic, []).append(measure)
    return [(TOPICS[topic], groups[topic]) for topic in TOPICS if topic in groups]


# --- Computation -----------------------------------------------------------------------------------------


def available_years():
    """Collection years with a return, newest first."""
    return list(CohortReturn.objects.order_by("-year").values_list("year", flat=True))


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
        return datetime.date(self.year - 1, 4, 1)

    @property
    def ends_on(self):
        return datetime.date(self.year, 3, 31)

    @property
    def two_and_a_half_years_before_end(self):
        return datetime.date(self.year - 3, 9, 30)


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


def _populations(years):
    from .models import ChildPopulation

    return dict(ChildPopulation.objects.filter(year__in=years).values_list("year", "population"))


def _value(measure, year, numerator, denominator):
    if measure.unit == COUNT:
        value = numerator
    elif measure.unit == PERCENTAGE:
        value = 100 * numerator / denominator if numerator is not None and denominator else None
    elif measure.unit == RATE:
        value = 10_000 * numerator / denominator if numerator is not None and denominator else None
    else:
        raise ValueError(measure.unit)
    return MeasureValue(measure, year, numerator, denominator, value)


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
    populations = _populations(years)

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
            values[identifier] = _value(BY_IDENTIFIER[identifier], year, numerator, denominator)
        _protect_by_subtraction(values)
        sdq = BY_IDENTIFIER["mean_sdq_score"]
        sdq_mean = hl.get("sdq_mean")
        values["mean_sdq_score"] = MeasureValue(
            sdq, year, None, hl.get("sdq_count", 0), float(sdq_mean) if sdq_mean is not None else None
        )
        results[year] = {measure.identifier: values[measure.identifier] for measure in MEASURES}
    return results


# Measures whose counts add up to the children looked after at 31 March, which is published beside them.
PARTS_OF_THE_WHOLE = (
    [f"category_of_need_{code.lower()}" for code in CATEGORIES_OF_NEED],
    [f"legal_status_{group}" for group in LEGAL_STATUS_GROUPS],
    [f"placement_{group}" for group in PLACEMENT_GROUPS],
)


def _protect_by_subtraction(values):
    """Mark the figures ``core.suppression.complementary`` says must be withheld with a small one of their group."""
    for identifiers in PARTS_OF_THE_WHOLE:
        for position in suppression.complementary([values[identifier].numerator for identifier in identifiers]):
            identifier = identifiers[position]
            values[identifier] = dataclasses.replace(values[identifier], protects_another=True)


def for_year(year):
    """Every measure for one year: ``{identifier: MeasureValue}`` (empty if there is no return)."""
    return compute([year]).get(year, {})


def trend(identifier, years=None):
    """One measure over the years, oldest first: ``[MeasureValue]``."""
    get(identifier)
    return [values[identifier] for _year, values in sorted(compute(years).items())]


# --- Beside comparators and targets ----------------------------------------------------------------------

RED, AMBER, GREEN = "red", "amber", "green"


def rag(measure, value, target):
    """Red, amber or green against the board's target; None without a value, a target, or a better direction."""
    if value is None or target is None or measure.better is None:
        return None
    value, goal, margin = float(value), float(target.value), float(target.amber_margin)
    if measure.better == HIGHER:
        return GREEN if value >= goal else AMBER if value >= goal - margin else RED
    return GREEN if value <= goal else AMBER if value <= goal + margin else RED


def format_gap(measure, gap):
    if gap is None:
        return ""
    unit = " points" if measure.unit == PERCENTAGE else ""
    number = f"{abs(gap):,.0f}" if measure.unit in (COUNT, PERCENTAGE, RATE) else f"{abs(gap):,.1f}"
    if number.strip("0.,") == "":
        return f"0{unit}"
    return f"{'+' if gap > 0 else '-'}{number}{unit}"


@dataclass(frozen=True)
class BoardFigure:
    """A measure's value as one audience may see it, beside England, statistical neighbours and the target."""

    value: MeasureValue
    suppress: bool
    comparator: object = None  # indicators.models.Comparator or None
    target: object = None  # indicators.models.Target or None

    @property
    def measure(self):
        return self.value.measure

    @property
    def shown(self):
        return self.value.shown(suppress=self.suppress)

    @property
    def visible(self):
        return self.value.visible_value(suppress=self.suppress)

    def _comparator_value(self, name):
        number = getattr(self.comparator, name, None) if self.comparator else None
        return float(number) if number is not None else None

    @property
    def england(self):
        return self._comparator_value("england")

    @property
    def statistical_neighbours(self):
        return self._comparator_value("statistical_neighbours")

    @property
    def england_text(self):
        return format_value(self.measure, self.england) if self.england is not None else "Not entered"

    @property
    def statistical_neighbours_text(self):
        number = self.statistical_neighbours
        return format_value(self.measure, number) if number is not None else "Not entered"

    def _gap(self, other):
        return None if self.visible is None or other is None else self.visible - other

    @property
    def gap_to_england(self):
        return format_gap(self.measure, self._gap(self.england))

    @property
    def gap_to_statistical_neighbours(self):
        return format_gap(self.measure, self._gap(self.statistical_neighbours))

    @property
    def better_than_england(self):
        """True or False when the direction and both values are known, else None."""
        gap = self._gap(self.england)
        if gap is None or self.measure.better is None or gap == 0:
            return None
        return (gap > 0) == (self.measure.better == HIGHER)

    @property
    def target_text(self):
        return format_value(self.measure, float(self.target.value)) if self.target else ""

    @property
    def rag(self):
        return rag(self.measure, self.visible, self.target)


def comparators_and_targets(years=None):
    """({(measure, year): Comparator}, {measure: Target}) in two queries."""
    from .models import Comparator, Target

    comparators = Comparator.objects.all() if years is None else Comparator.objects.filter(year__in=years)
    return (
        {(c.measure, c.year): c for c in comparators},
        {t.measure: t for t in Target.objects.all()},
    )


@dataclass
class MeasurePanel:
    """
    Measures as the board reads them (dashboards, board packs, the annual report): the latest year, every
    year's values for the trends, comparators and targets, suppressed or not.
    """

    year: int | None
    results: dict
    comparators: dict
    targets: dict
    suppress: bool

    @property
    def year_label(self):
        return year_label(self.year) if self.year else ""

    @property
    def has_data(self):
        return self.year is not None

    def figure(self, identifier, year=None):
        year = year or self.year
        value = self.results.get(year, {}).get(identifier)
        if value is None:
            return None
        return BoardFigure(
            value, self.suppress, self.comparators.get((identifier, year)), self.targets.get(identifier)
        )

    def figures(self, identifiers):
        return [figure for figure in (self.figure(identifier) for identifier in identifiers) if figure]

    def trend(self, identifier):
        values = [year_values[identifier] for _year, year_values in sorted(self.results.items())]
        return trend_chart(
            get(identifier), values, self.comparators, self.targets.get(identifier), suppress=self.suppress
        )

    def rag_counts(self):
        """How many measures with a target are red, amber and green this year."""
        counts = {RED: 0, AMBER: 0, GREEN: 0}
        for identifier in self.targets:
            figure = self.figure(identifier)
            if figure and figure.rag:
                counts[figure.rag] += 1
        return counts

    def off_target(self):
        """Measures this year that are red or amber against their target, red first."""
        figures = [self.figure(identifier) for identifier in self.targets]
        order = {RED: 0, AMBER: 1}
        return sorted(
            (f for f in figures if f and f.rag in order), key=lambda f: (order[f.rag], f.measure.title)
        )

    def gaps_to_peers(self, identifiers):
        """Of ``identifiers``, the figures this year with England or neighbours' values entered."""
        return [figure for figure in self.figures(identifiers) if figure.comparator is not None]


def measure_panel(*, suppress, years=TREND_YEARS, year=None):
    """
    The latest ``years`` collection years with a return or, given ``year``, the returns of the ``years``
    calendar years up to it (no data unless ``year`` itself has a return). A fixed number of queries; the
    cohort's aggregates come from the cache for the same inputs version.
    """
    available = available_years()
    if year is None:
        window = available[:years]
        latest = max(window) if window else None
    else:
        window = [held for held in available if year - years < held <= year]
        latest = year if year in window else None
    results = compute(window, cached=True) if window else {}
    comparators, targets = comparators_and_targets(window) if window else ({}, {})
    return MeasurePanel(latest, results, comparators, targets, suppress)


def board_figures(year, *, suppress, cached=False):
    """
    ``{identifier: BoardFigure}`` for one year (``cached`` as for ``compute``). Two more queries for
    comparators and targets.
    """
    values = compute([year], cached=cached).get(year, {})
    comparators, targets = comparators_and_targets([year])
    return {
        identifier: BoardFigure(value, suppress, comparators.get((identifier, year)), targets.get(identifier))
        for identifier, value in values.items()
    }


# --- Charts (the same on pages, dashboards and board packs) ----------------------------------------------

COUNCIL_SERIES = "Council"


def trend_chart(measure, values, comparators, target, *, suppress):
    """
    A measure's line over the years (``values``: MeasureValues, oldest first) beside England and statistical
    neighbours where entered, and the board's target. Withheld values are gaps in the line, [c] in the table.
    """
    from core import charts

    years = [value.year for value in values]
    series = [
        charts.Series(
            COUNCIL_SERIES,
            [value.visible_value(suppress=suppress) for value in values],
            labels=[str(value.shown(suppress=suppress)) for value in values],
        )
    ]
    for name, attribute in (("England", "england"), ("Statistical neighbours", "statistical_neighbours")):
        numbers = [getattr(comparators.get((measure.identifier, year)), attribute, None) for year in years]
        if any(number is not None for number in numbers):
            numbers = [float(number) if number is not None else None for number in numbers]
            texts = [format_value(measure, number) if number is not None else "Not entered" for number in numbers]
            series.append(charts.Series(name, numbers, labels=texts))
    if values:
        description = (
            f"{measure.title}, {year_label(years[0])} to {year_label(years[-1])}. "
            f"Latest: {values[-1].shown(suppress=suppress)}."
            + (f" Target {format_value(measure, float(target.value))}." if target else "")
            + (f" {measure.better.capitalize()} is better." if measure.better else "")
        )
    else:
        description = f"{measure.title}: no years with data yet."
    return charts.line_chart(
        measure.title,
        description,
        [year_label(year) for year in years],
        series,
        suffix="%" if measure.unit == PERCENTAGE else "",
        target=float(target.value) if target else None,
        y_label=measure.unit_label,
    )


def placement_mix_chart(results, *, suppress):
    """Placement mix at 31 March for each year in ``results`` (from ``compute``), as 100% stacked bars."""
    from core import charts

    years = sorted(results)
    segments, labels = [], {}
    for group in PLACEMENT_GROUPS:
        measure = BY_IDENTIFIER[f"placement_{group}"]
        values = [results[year][measure.identifier] for year in years]
        name = measure.title.removeprefix("Placed ")
        name = name[:1].upper() + name[1:]
        segments.append((name, [value.visible_value(suppress=suppress) for value in values]))
        labels[name] = [str(value.shown(suppress=suppress)) for value in values]
    return charts.stacked_bar_chart(
        "Placement mix at 31 March",
        "Where children looked after lived at the end of each year, as a percentage of all children looked "
        "after. The table below gives every value.",
        [year_label(year) for year in years],
        segments,
        labels=labels,
    )


def category_of_need_chart(values, *, suppress):
    """Why children were looked after at 31 March (``values``: one year's ``{identifier: MeasureValue}``)."""
    from core import charts

    figures = [values[f"category_of_need_{code.lower()}"] for code in CATEGORIES_OF_NEED]
    return charts.bar_chart(
        "Category of need at 31 March",
        "The main reason each child looked after at 31 March needed care, as a percentage of all children "
        "looked after. The table below gives every value.",
        [(label, figure.visible_value(suppress=suppress)) for label, figure in zip(CATEGORIES_OF_NEED.values(), figures)],
        suffix="%",
        value_heading="Percentage of children",
        labels=[str(figure.shown(suppress=suppress)) for figure in figures],
    )
