"""
The registry of the board's measures: what each is called, how the Department for Education defines it (in
our words), its unit, which way is better, and whether its figures are small-number suppressed; and the
value of a measure in a year (``MeasureValue``), carrying its raw numerator and denominator so that each page
decides what its audience may see (officer-only pages may show small numbers; everything else goes through
``core.suppression``).

How the figures are worked out is ``measures.queries``; how pages show them beside comparators and targets is
``measures.figures``; their charts are ``measures.charts``.
"""
from dataclasses import dataclass

from core import suppression

COUNT = "count"
PERCENTAGE = "percentage"
RATE = "rate"
MEAN = "mean"
UNIT_LABELS = {COUNT: "children", PERCENTAGE: "%", RATE: "per 10,000 children", MEAN: "mean score"}

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
    # Withheld too, though not small in itself: ``queries.disclosure_control`` found that a small figure
    # could otherwise be worked out from it (the parts of a whole, or a whole too small for its parts).
    protects_another: bool = False

    @property
    def withheld(self):
        """True when a page that must suppress small numbers has to withhold this value."""
        return self.is_small or self.protects_another

    @property
    def is_small(self):
        """True when this value on its own could identify a child (``core.suppression``'s primary rule)."""
        if not self.measure.suppressible:
            return False
        if self.measure.unit == MEAN:
            return suppression.is_small(self.denominator)
        if self.measure.unit == PERCENTAGE:
            return suppression.share_is_small(self.numerator, self.denominator)
        return suppression.is_small(self.numerator)

    def shown(self, *, suppress=True):
        """The value as ``core.suppression.Shown`` for an audience that must (or need not) see it suppressed."""
        if self.value is None:
            return suppression.MISSING
        if suppress and self.withheld:
            return suppression.withheld()
        return suppression.shown(format_value(self.measure, self.value))

    def visible_value(self, *, suppress=True):
        """
        The number as the page prints it (rounded as its label is), or None when there is none or it must be
        withheld: what charts draw and gaps and ratings are worked out from.
        """
        return self.shown(suppress=suppress).number


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



def value_of(measure, year, numerator, denominator):
    """A ``MeasureValue`` worked out from its numerator and denominator by the measure's unit."""
    if measure.unit == COUNT:
        value = numerator
    elif measure.unit == PERCENTAGE:
        value = 100 * numerator / denominator if numerator is not None and denominator else None
    elif measure.unit == RATE:
        value = 10_000 * numerator / denominator if numerator is not None and denominator else None
    else:
        raise ValueError(measure.unit)
    return MeasureValue(measure, year, numerator, denominator, value)


# Measures whose counts add up to the children looked after at 31 March, which is published beside them.
PARTS_OF_THE_WHOLE = (
    [f"category_of_need_{code.lower()}" for code in CATEGORIES_OF_NEED],
    [f"legal_status_{group}" for group in LEGAL_STATUS_GROUPS],
    [f"placement_{group}" for group in PLACEMENT_GROUPS],
)

