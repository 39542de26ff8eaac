"""
The registry of the board's measures: what each is called, how the Department for Education defines it (in
our words, with where the DfE says so), its unit, which way is better, whether its figures are small-number
suppressed, and which of the counts worked out from the children's histories are its numerator and
denominator; and the value of a measure in a year (``MeasureValue``), carrying its raw numerator and
denominator so that each page decides what its audience may see (officer-only pages may show small numbers;
everything else goes through ``core.suppression``).

How the counts are worked out is ``measures.queries`` (over ``measures.history``); how pages show them
beside comparators and targets is ``measures.figures``; their charts are ``measures.charts``.
"""
import dataclasses
from dataclasses import dataclass

from core import suppression

COUNT = "count"
PERCENTAGE = "percentage"
RATE = "rate"
MEAN = "mean"
PER_CHILD = "per_child"
DAYS = "days"  # an average number of days: the total days over the children counted
UNIT_LABELS = {
    COUNT: "children", PERCENTAGE: "%", RATE: "per 10,000 children", MEAN: "mean score", PER_CHILD: "incidents per child",
    DAYS: "days on average",
}

HIGHER = "higher"
LOWER = "lower"

# Placement groups as the DfE publishes them, from the groups of the placement type code list: the DfE's
# foster care includes foster care with relatives or friends (the code list's "kinship" group), which is
# also shown on its own as a part of foster care.
PLACEMENT_GROUPS = {
    "foster": ("foster", "kinship"),
    "residential": ("residential",),
    "with_parents": ("with_parents",),
    "adoption": ("adoption",),
}
PLACEMENT_PARTS = (*PLACEMENT_GROUPS, "other")  # add up to every child looked after at 31 March
PLACEMENT_SUBGROUPS = {"kinship": ("kinship",)}  # a part of foster care
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
    "who": "Who the children are",
    "why": "Why they are looked after",
    "where": "Where they live",
    "stability": "Stability",
    "leaving_care": "Why children left care",
    "adoption": "Adoption",
    "reviews": "Reviews",
    "health": "Health and wellbeing",
    "missing": "Missing from care",
    "care_leavers": "Care leavers",
}
# Age at 31 March, as the DfE's tables band it: (identifier part, label, youngest, oldest or None)
AGE_BANDS = (
    ("under_1", "under 1", 0, 0), ("1_to_4", "1 to 4", 1, 4), ("5_to_9", "5 to 9", 5, 9),
    ("10_to_15", "10 to 15", 10, 15), ("16_and_over", "16 and over", 16, None),
)
SEXES = (("male", "boys", "M"), ("female", "girls", "F"))
# The ethnicity groups of the DfE's tables, by the 903's ETHNIC codes (first letter, or whole codes).
ETHNIC_GROUPS = (
    ("white", "White", ("W",), ()),
    ("mixed", "Mixed or multiple ethnic groups", ("M",), ()),
    ("asian", "Asian or Asian British", ("A",), ("CHNE",)),
    ("black", "Black, African, Caribbean or Black British", ("B",), ()),
    ("other", "Other ethnic group", (), ("OOTH",)),
    ("not_known", "Refused or not yet obtained", (), ("REFU", "NOBT")),
)
# Why a period of care ended (REC), grouped as the DfE's tables group it.
REASONS_CEASED = (
    ("adopted", "adopted", ("E11", "E12")),
    ("special_guardianship", "under a special guardianship order", ("E43", "E44", "E45", "E46", "E47", "E48")),
    ("returned_home_planned", "returned home as part of the care plan", ("E4A",)),
    ("returned_home_unplanned", "returned home, not as part of the care plan", ("E4B",)),
    ("child_arrangements", "under a child arrangements order", ("E41",)),
    ("staying_put", "aged 18 and staying put with their carers", ("E17",)),
    ("independent_living", "moved to independent living", ("E5", "E6")),
)
# The provider of the placement at 31 March (PLACE_PROVIDER).
PROVIDERS = (
    ("own", "the council's own provision", "PR1"),
    ("other_council", "another council's provision", "PR2"),
    ("private", "private provision", "PR4"),
    ("voluntary", "voluntary or third-sector provision", "PR5"),
)
# Care leavers' accommodation (ACCOM, first letter), for those aged 19 to 21.
ACCOMMODATION_TYPES = (
    ("independent", "in independent living", ("U",)),
    ("with_family", "with parents or relatives", ("B",)),
    ("semi_independent", "in semi-independent accommodation or supported lodgings", ("D", "E")),
    ("insecure", "in bed and breakfast, emergency accommodation or of no fixed abode", ("W", "V", "S")),
    ("custody", "in custody", ("X",)),
)

# Where the DfE states each definition (see /docs and README for the list of releases).
RELEASE = "DfE, Children looked after in England including adoptions, reporting year 2024"
SOURCE_HEADLINE = f"{RELEASE}: national and local authority tables, and methodology"
SOURCE_PLACEMENTS = f"{RELEASE}: placement tables, and methodology"
SOURCE_LOCATION = f"{RELEASE}: a focus on placement location"
SOURCE_STABILITY = f"{RELEASE}: placement stability data guidance"
SOURCE_LONG_TERM_STABILITY = (
    f"{SOURCE_STABILITY}; DfE, Children looked after in England including adoptions, reporting year 2021: "
    "the placement stability data file, whose figure is \"living in the same placement for at least 2 years, or "
    "are placed for adoption and their adoptive placement together with their previous placement, last for at "
    "least 2 years\""
)
SOURCE_HEALTH = (
    f"{RELEASE}: outcomes for children continuously looked after for 12 months (OC2) data guidance; "
    "the DfE's 903 validation rules 2024-25, rule 190 (continuously looked after)"
)
SOURCE_SDQ = f"{SOURCE_HEALTH}; LG Inform metric 2135 (average SDQ score)"
SOURCE_MISSING = f"{RELEASE}: missing and away from placement tables, and methodology"
SOURCE_CARE_LEAVERS = f"{RELEASE}: care leavers data guidance; the DfE's 903 validation rules 2024-25, rule 132"
SOURCE_RATE = f"{RELEASE}: national and local authority tables (rate per 10,000 children aged under 18)"

AT_31_MARCH = "children looked after at 31 March"
IN_THE_YEAR = "children looked after during the year"
TWELVE_MONTHS = "children looked after for 12 months"


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
    numerator: str = ""  # the count (``measures.queries``) that is the numerator, or the mean
    denominator: str = ""  # the count that is the denominator ("" for a count)
    source: str = ""  # where the DfE states the definition
    years: int = 1  # collection years whose counts make one figure (the adoption scorecard's three)

    @property
    def topic_label(self):
        return TOPICS[self.topic]

    @property
    def comparable(self):
        """Whether England or neighbours can have a comparable figure: not for a count of this council's children."""
        return self.unit != COUNT

    @property
    def unit_label(self):
        return UNIT_LABELS[self.unit]

    def value_in(self, year, counts):
        """This measure's ``MeasureValue`` in ``year`` from the year's counts."""
        if self.unit == MEAN:
            mean = counts.get(self.numerator)
            return MeasureValue(
                self, year, None, counts.get(self.denominator, 0), float(mean) if mean is not None else None
            )
        denominator = counts.get(self.denominator) if self.denominator else None
        return value_of(self, year, counts.get(self.numerator, 0), denominator)


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
        if self.measure.unit in (MEAN, PER_CHILD, DAYS):
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
    if measure.unit in (COUNT, DAYS):
        return f"{round(value):,}"
    if measure.unit == PERCENTAGE:
        return f"{value:.0f}%"
    if measure.unit == RATE:
        return f"{value:.0f}"
    return f"{value:.1f}"


def _share(identifier, title, topic, definition, numerator, *, source=SOURCE_HEADLINE, better=None,
           denominator="total", denominator_label=AT_31_MARCH):
    """A percentage of the children looked after at 31 March (unless told otherwise)."""
    return Measure(
        identifier, title, topic, PERCENTAGE, definition, better=better, denominator_label=denominator_label,
        numerator=numerator, denominator=denominator, source=source,
    )


def _placement_measure(group, title, definition):
    return _share(
        f"placement_{group}",
        f"Placed {title}",
        "where",
        "Children looked after at 31 March whose placement at that date was " + definition
        + ", as a percentage of all children looked after at 31 March.",
        f"placement_{group}",
        source=SOURCE_PLACEMENTS,
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
        "(legal status V3 or V4) are not counted. Each child's episodes are joined from every imported "
        "return, so a child is counted from the year's return and their history.",
        numerator="total",
        source=SOURCE_HEADLINE,
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
        numerator="total",
        denominator="population",
        source=SOURCE_RATE,
    ),
    Measure(
        "started_during_year",
        "Children who started to be looked after",
        "how_many",
        COUNT,
        "Children who started a new period of care (an episode with reason for new episode S) between "
        "1 April and 31 March. A child who started more than once in the year is counted once.",
        numerator="started",
        source=SOURCE_HEADLINE,
    ),
    Measure(
        "ceased_during_year",
        "Children who ceased to be looked after",
        "how_many",
        COUNT,
        "Children whose period of care ended between 1 April and 31 March: an episode ended with any reason "
        "other than X1 (which means a new episode followed at once). A child who left care more than once "
        "in the year is counted once.",
        numerator="ceased",
        source=SOURCE_HEADLINE,
    ),
    *(
        _share(
            f"category_of_need_{code.lower()}",
            f"Category of need: {label}",
            "why",
            f"Children looked after at 31 March whose category of need at that date was {code} ({label}), "
            "as a percentage of all children looked after at 31 March. The category of need is recorded when "
            "a period of care begins (validator rule 504).",
            f"cin_{code}",
        )
        for code, label in CATEGORIES_OF_NEED.items()
    ),
    _share(
        "legal_status_interim_care_order",
        "Legal status: interim care order",
        "why",
        "Children looked after at 31 March on an interim care order (C1), as a percentage of all children "
        "looked after at 31 March.",
        "ls_interim_care_order",
    ),
    _share(
        "legal_status_full_care_order",
        "Legal status: full care order",
        "why",
        "Children looked after at 31 March on a full care order (C2), as a percentage of all children looked "
        "after at 31 March.",
        "ls_full_care_order",
    ),
    _share(
        "legal_status_placement_order",
        "Legal status: placement order",
        "why",
        "Children looked after at 31 March under a placement order or freeing order (E1, D1), as a percentage "
        "of all children looked after at 31 March.",
        "ls_placement_order",
    ),
    _share(
        "legal_status_voluntary",
        "Legal status: voluntary agreement (section 20)",
        "why",
        "Children looked after at 31 March under a voluntary agreement for single placements (V2), as a "
        "percentage of all children looked after at 31 March.",
        "ls_voluntary",
    ),
    _share(
        "legal_status_protection_orders",
        "Legal status: police or emergency protection",
        "why",
        "Children looked after at 31 March under police protection, an emergency protection order or a child "
        "assessment order (L1, L2, L3), as a percentage of all children looked after at 31 March.",
        "ls_protection_orders",
    ),
    _share(
        "legal_status_youth_justice",
        "Legal status: youth justice",
        "why",
        "Children looked after at 31 March on remand or under a youth justice order (J1, J2, J3), as a "
        "percentage of all children looked after at 31 March.",
        "ls_youth_justice",
    ),
    _placement_measure(
        "foster", "with foster carers",
        "with foster carers, including foster carers who are relatives or friends (placement types U1 to U6), "
        "as the DfE counts foster care",
    ),
    _placement_measure(
        "kinship", "with foster carers who are relatives or friends",
        "with foster carers who are relatives or friends (U1 to U3; these children are also counted in foster "
        "care)",
    ),
    _placement_measure(
        "residential", "in residential care",
        "in a secure unit, children's home, semi-independent living, residential school or other residential "
        "setting",
    ),
    _placement_measure("with_parents", "with parents", "with their parents or others with parental responsibility"),
    _placement_measure("adoption", "for adoption", "with prospective adopters"),
    _placement_measure("other", "in other placements", "of any other type (including codes with no group)"),
    _share(
        "placed_over_20_miles",
        "Placed more than 20 miles from home",
        "where",
        "Children looked after at 31 March whose placement at that date was more than 20 miles from their "
        "home address (the straight line between the home and placement postcodes' grid references in the ONS "
        "postcode directory, as the DfE measures it), as a percentage of all "
        "children looked after at 31 March. Children whose distance is not known stay in the total.",
        "over_20_miles",
        better=LOWER,
        source=SOURCE_LOCATION,
    ),
    _share(
        "placed_outside_area",
        "Placed outside the council's area",
        "where",
        "Children looked after at 31 March whose placement at that date was outside the council's area, as a "
        "percentage of all children looked after at 31 March.",
        "outside_area",
        better=LOWER,
        source=SOURCE_LOCATION,
    ),
    _share(
        "three_or_more_placements",
        "Three or more placements in the year",
        "stability",
        "Children looked after at 31 March who had three or more placements between 1 April and 31 March, as "
        "a percentage of all children looked after at 31 March. A placement is a carer: every period of care "
        "begins with one, and an episode starting with reason P (placement and carer) or B (legal status, "
        "placement and carer) begins another. A move with the same carer (T, U), a change of legal status "
        "alone (L), and a placement for adoption with the child's current foster carers (A3, A5) are not new "
        "placements. A child who leaves care and comes back in the year counts the placement that begins "
        "each period.",
        "three_or_more_placements",
        better=LOWER,
        source=SOURCE_STABILITY,
    ),
    _share(
        "long_term_stability",
        "Same placement for 2 years (long-term stability)",
        "stability",
        "Of children under 16 at 31 March who had been looked after continuously for at least two and a half "
        "years, the percentage who had been living in the same placement for at least two years, or who were "
        "placed for adoption (A3 to A6) and whose adoptive placement together with the placement before it had "
        "lasted at least two years. Looked after for two and a half years means the period of care began on or "
        "before 30 September two and a half years before the year end; two years means the placement began on "
        "or before 31 March two years earlier (for a child placed for adoption, the adoptive placement or the "
        "one before it). A placement is a carer: moves with the same carer (T, U), changes of legal status (L) "
        "and placement for adoption with the current foster carers (A3, A5) keep the same placement; a child "
        "placed for adoption with new carers has a new placement, counted with the one before it. The child's "
        "history is joined from every imported return, so periods of care that began years before are seen. A "
        "period of care that began before the earliest imported return (or before a year whose return was not "
        "imported) is counted only if what the returns show of it already covers the two and a half years; if "
        "not, when it began is not known and the child is left out of the figure, numerator and denominator. "
        "Import the last five returns to see what the DfE sees.",
        "long_term_stable",
        better=HIGHER,
        denominator="long_term_group",
        denominator_label="children under 16 looked after for 2.5 years or more",
        source=SOURCE_LONG_TERM_STABILITY,
    ),
    _share(
        "health_assessment",
        "Annual health assessment up to date",
        "health",
        "Children looked after continuously for 12 months at 31 March (the OC2 group) whose annual health "
        "assessment was up to date, as a percentage of that group. The group is worked out from the "
        "episodes: looked after in the year with no period of care starting after 1 April, none ending "
        "before 31 March, and no short-break episode (V3, V4) in the year. A child in the group without an "
        "OC2 row counts in the group but not as assessed.",
        "health_assessment",
        better=HIGHER,
        denominator="health_total",
        denominator_label=TWELVE_MONTHS,
        source=SOURCE_HEALTH,
    ),
    _share(
        "dental_check",
        "Dental check up to date",
        "health",
        "Children looked after continuously for 12 months at 31 March (the OC2 group, worked out from the "
        "episodes) whose teeth had been checked by a dentist in the year, as a percentage of that group.",
        "dental_check",
        better=HIGHER,
        denominator="health_total",
        denominator_label=TWELVE_MONTHS,
        source=SOURCE_HEALTH,
    ),
    _share(
        "immunisations",
        "Immunisations up to date",
        "health",
        "Children looked after continuously for 12 months at 31 March (the OC2 group, worked out from the "
        "episodes) whose immunisations were up to date, as a percentage of that group.",
        "immunisations",
        better=HIGHER,
        denominator="health_total",
        denominator_label=TWELVE_MONTHS,
        source=SOURCE_HEALTH,
    ),
    Measure(
        "mean_sdq_score",
        "Average emotional and behavioural health (SDQ) score",
        "health",
        MEAN,
        "The mean Strengths and Difficulties Questionnaire score (0 to 40) of children aged 5 to 16 at "
        "31 March in the OC2 group (looked after continuously for 12 months, worked out from the episodes) "
        "who have a score. Younger children's scores, which the return also asks for at age 4, are left out. "
        "A score of 14 to 16 is borderline; 17 or more is a cause for concern. Lower is better.",
        better=LOWER,
        denominator_label="children aged 5 to 16 with an SDQ score",
        numerator="sdq_mean",
        denominator="sdq_count",
        source=SOURCE_SDQ,
    ),
    _share(
        "went_missing",
        "Children who went missing",
        "missing",
        "Children looked after during the year who had at least one missing incident (not 'away without "
        "authorisation') starting between 1 April and 31 March, as a percentage of all children looked "
        "after at any time in the year. Children looked after only under short breaks (V3, V4) are in "
        "neither figure.",
        "went_missing",
        better=LOWER,
        denominator="during",
        denominator_label=IN_THE_YEAR,
        source=SOURCE_MISSING,
    ),
    Measure(
        "missing_incidents",
        "Missing incidents",
        "missing",
        COUNT,
        "The number of missing incidents (not 'away without authorisation') starting between 1 April and "
        "31 March, of children looked after during the year (not only under short breaks).",
        better=LOWER,
        numerator="missing_incidents",
        source=SOURCE_MISSING,
    ),
    _share(
        "care_leavers_in_touch",
        "Care leavers aged 19 to 21 in touch",
        "care_leavers",
        "Care leavers whose 19th, 20th or 21st birthday fell in the year (the OC3 group aged 19 to 21) with "
        "whom the council was in touch around their birthday, as a percentage of that group. Young people "
        "who have died (DIED) or returned home for six months or more (RHOM) are left out; 'not known' "
        "stays in the total.",
        "care_leavers_in_touch",
        better=HIGHER,
        denominator="care_leavers",
        denominator_label="care leavers aged 19 to 21",
        source=SOURCE_CARE_LEAVERS,
    ),
    _share(
        "care_leavers_in_eet",
        "Care leavers aged 19 to 21 in education, employment or training",
        "care_leavers",
        "Care leavers aged 19 to 21 (birthday in the year; DIED and RHOM left out) whose main activity was "
        "education, training or employment, full or part time, as a percentage of that group.",
        "care_leavers_eet",
        better=HIGHER,
        denominator="care_leavers",
        denominator_label="care leavers aged 19 to 21",
        source=SOURCE_CARE_LEAVERS,
    ),
    _share(
        "care_leavers_suitable_accommodation",
        "Care leavers aged 19 to 21 in suitable accommodation",
        "care_leavers",
        "Care leavers aged 19 to 21 (birthday in the year; DIED and RHOM left out) whose accommodation was "
        "judged suitable, as a percentage of that group.",
        "care_leavers_suitable",
        better=HIGHER,
        denominator="care_leavers",
        denominator_label="care leavers aged 19 to 21",
        source=SOURCE_CARE_LEAVERS,
    ),
)

SOURCE_PROFILE = f"{RELEASE}: characteristics of children looked after at 31 March (age, sex, ethnicity, UASC)"
SOURCE_CEASED = f"{RELEASE}: children who ceased to be looked after, by reason episode ceased"
SOURCE_REVIEWS = "DfE, SSDA903 guidance: participation in reviews (REVIEW_CODE PN0 to PN7)"
SOURCE_REVIEW_TIMETABLE = (
    "The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33 (the review "
    "timetable); DfE, The Children Act 1989 guidance and regulations, volume 2 (2015); the former national "
    "indicator NI 66 (children looked after at 31 March whose reviews were all on time)"
)
REVIEW_TIMETABLE = (
    "A review is due 20 working days after the child began to be looked after (bank holidays of the "
    "council's nation left out), the second three months after the first, then at most six months after "
    "the one before, within each period of care, counted from the reviews actually held (each return's "
    "Reviews, joined across the years). A review whose deadline was missed is still due, and late, in a "
    "later year until it is held. For a period of care that began before the earliest imported return (or "
    "before a year whose return was not imported), the "
    "timetable runs from the first review held in it."
)
SOURCE_OUTCOMES = f"{RELEASE}: outcomes for children continuously looked after for 12 months (OC2) data guidance"
SOURCE_PROVIDER = f"{RELEASE}: placement provider tables"
SOURCE_STARTS = f"{RELEASE}: children who started to be looked after; ONS mid-year population estimates"
SOURCE_ADOPTION = (
    "DfE, Adoption scorecards: methodology and guidance, year ending March 2018 (indicators A1, A2 and A10; "
    "A2 as LG Inform metric 912 states it); the DfE's 903 guidance for AD1 (DATE_MATCH, FOSTER_CARE). Each "
    "year's figure, where the scorecard averages three years"
)
CHILDREN_ADOPTED = "children adopted in the year who were placed for adoption first"
SCORECARD_YEARS = 3  # the DfE's adoption scorecard averages three years
THREE_YEARS = "_three_years"  # the identifier of a one-year measure's three-year figure ends so
ADOPTION_SCORECARD = (
    Measure(
        "adoption_days_to_adoptive_family", "Days from entering care to moving in with the adoptive family (A1)",
        "adoption", DAYS,
        "For children adopted in the year (their period of care ended with an adoption order, REC E11 or E12), "
        "the average number of days from entering care (the start of the period of care that ended in "
        "adoption) to moving in with the adoptive family (the start of the first placement for adoption in "
        "that period, PLACE A3 to A6). A child adopted without being placed for adoption first is left out, and "
        "so is one whose period of care began before the earliest imported return, or before a year whose "
        "return was not imported (its start is not known). The DfE's adoption scorecard indicator A1, for one "
        "year (the scorecard's three-year figure is beside it). Lower is better.",
        better=LOWER, numerator="days_to_adoptive_family", denominator="adopted_placed",
        denominator_label=CHILDREN_ADOPTED, source=SOURCE_ADOPTION,
    ),
    Measure(
        "adoption_days_to_adoptive_family_adjusted",
        "Days from entering care to moving in with the adoptive family, foster carer adoptions adjusted (A10)",
        "adoption", DAYS,
        "As A1, except that for a child adopted by their foster carers (AD1 FOSTER_CARE 1) the time runs to "
        "the day the child began living with those foster carers, not the day the placement became a "
        "placement for adoption. The DfE's adoption scorecard indicator A10, for one year (the scorecard's "
        "three-year figure is beside it). Lower is better.",
        better=LOWER, numerator="days_to_adoptive_family_adjusted", denominator="adopted_placed",
        denominator_label=CHILDREN_ADOPTED, source=SOURCE_ADOPTION,
    ),
    Measure(
        "adoption_days_order_to_match", "Days from placement order to matching with the adoptive family (A2)",
        "adoption", DAYS,
        "For children adopted in the year who were placed for adoption first, the average number of days "
        "from the council receiving the court's authority to place the child (the first episode of the "
        "period of care under a placement order, legal status E1, or a freeing order, D1) to the decision "
        "matching the child with the adoptive family (AD1 DATE_MATCH). A child matched before the order "
        "counts as zero days; a child without a placement or freeing order (placed with consent) or "
        "without a match date is left out. (The agency decision that the child should be placed for "
        "adoption, DATE_INT, is not the court's authority and is not used.) The DfE's adoption scorecard "
        "indicator A2, for one year (the scorecard's three-year figure is beside it). Lower is better.",
        better=LOWER, numerator="days_order_to_match", denominator="matched_after_order",
        denominator_label="children adopted in the year with a placement order and a match date",
        source=SOURCE_ADOPTION,
    ),
)


def three_years_of(single):
    """
    The adoption scorecard's own figure for a one-year adoption measure: the same definition and counts over the
    three years ending 31 March (every child adopted in them, their days added up over their number, as the
    scorecard and LG Inform metric 912 average them), so that it can be compared with the scorecard's published
    figures. No figure until the returns of all three years are imported.
    """
    for_each_year = single.definition.split(" The DfE's adoption scorecard indicator")[0]
    return dataclasses.replace(
        single,
        identifier=f"{single.identifier}{THREE_YEARS}",
        title=f"{single.title}, over three years",
        definition=(
            f"{single.title} over the three years ending 31 March, as the DfE's adoption scorecard publishes "
            "it: every child counted in any of the three years, their days added up over their number (not an "
            "average of the three yearly averages). No figure until the returns of all three years are "
            f"imported. For each year: {for_each_year} Lower is better."
        ),
        denominator_label=single.denominator_label.replace("in the year", "in the three years"),
        years=SCORECARD_YEARS,
    )


CARE_LEAVERS_17_18 = "care leavers aged 17 or 18"
CARE_LEAVERS_19_21 = "care leavers aged 19 to 21"


def _new_measures():
    found = []
    for part, label, _youngest, _oldest in AGE_BANDS:
        found.append(_share(
            f"profile_age_{part}", f"Aged {label} at 31 March", "who",
            f"Children looked after at 31 March aged {label} on that day, as a percentage of all children looked "
            "after at 31 March.", f"age_{part}", source=SOURCE_PROFILE,
        ))
    for part, label, code in SEXES:
        found.append(_share(
            f"profile_{part}", f"{label.capitalize()}", "who",
            f"Children looked after at 31 March recorded as {label} (SEX {code}), as a percentage of all children "
            "looked after at 31 March.", f"sex_{part}", source=SOURCE_PROFILE,
        ))
    for part, label, _first_letters, _codes in ETHNIC_GROUPS:
        found.append(_share(
            f"profile_ethnicity_{part}", f"Ethnicity: {label}", "who",
            f"Children looked after at 31 March whose recorded ethnicity is in the group '{label}', as a "
            "percentage of all children looked after at 31 March.", f"ethnicity_{part}", source=SOURCE_PROFILE,
        ))
    found.append(_share(
        "uasc", "Unaccompanied asylum-seeking children", "who",
        "Children looked after at 31 March who were unaccompanied asylum-seeking children on that day (a UASC "
        "row with no date ceased to be UASC, or one after 31 March), as a percentage of all children looked "
        "after at 31 March.", "uasc", source=SOURCE_PROFILE,
    ))
    for part, label, codes in REASONS_CEASED:
        found.append(_share(
            f"ceased_{part}", f"Left care {label}", "leaving_care",
            f"Children whose care ended in the year (reason episode ceased {', '.join(codes)} for the last period "
            "of care to end), as a percentage of all children who ceased to be looked after in the year.",
            f"ceased_{part}", denominator="ceased", denominator_label="children who ceased to be looked after",
            source=SOURCE_CEASED,
        ))
    found.append(Measure(
        "started_rate_per_10000", "Children starting care per 10,000", "how_many", RATE,
        "Children who started to be looked after in the year for every 10,000 children aged 0 to 17 in the "
        "council's area (the mid-year population estimate entered for the year).",
        denominator_label="children aged 0 to 17 in the area", numerator="started", denominator="population",
        source=SOURCE_STARTS,
    ))
    found.append(_share(
        "reviews_taken_part_in", "Reviews the child took part in", "reviews",
        "Reviews held in the year of children looked after (not only under short breaks) aged 4 or over, in "
        "which the child took part: attended and spoke, spoke through an advocate, conveyed their views "
        "without words or another way (PN1 to PN6), as a percentage of all such reviews (PN1 to PN7).",
        "reviews_taken_part_in", better=HIGHER, denominator="reviews_aged_4_and_over",
        denominator_label="reviews of children aged 4 or over", source=SOURCE_REVIEWS,
    ))
    found += [
        _share(
            "reviews_on_time", "Reviews held on time", "reviews",
            "Reviews due in the year for children looked after (not only under short breaks) held on or before "
            "their deadline, as a percentage of the reviews due. " + REVIEW_TIMETABLE,
            "reviews_on_time", better=HIGHER, denominator="reviews_due",
            denominator_label="reviews due in the year", source=SOURCE_REVIEW_TIMETABLE,
        ),
        _share(
            "reviews_all_on_time", "Children whose reviews were all on time", "reviews",
            "Children looked after at 31 March with at least one review due in the year whose reviews due in "
            "the year were all held on time, as a percentage of those children. " + REVIEW_TIMETABLE,
            "reviews_all_on_time", better=HIGHER, denominator="reviews_due_children",
            denominator_label="children looked after at 31 March with a review due in the year",
            source=SOURCE_REVIEW_TIMETABLE,
        ),
    ]
    found += [
        _share(
            "convicted", "Convicted or cautioned", "health",
            "Children aged 10 or over at 31 March in the OC2 group (looked after continuously for 12 months, "
            "worked out from the episodes) who were convicted, or given a final warning or reprimand, in the "
            "year, as a percentage of that group's children aged 10 or over.",
            "convicted", better=LOWER, denominator="oc2_aged_10_and_over",
            denominator_label="children aged 10 or over looked after for 12 months", source=SOURCE_OUTCOMES,
        ),
        _share(
            "substance_misuse", "Substance misuse identified", "health",
            "Children in the OC2 group identified as having a substance misuse problem in the year, as a "
            "percentage of the group.", "substance_misuse", denominator="health_total",
            denominator_label=TWELVE_MONTHS, source=SOURCE_OUTCOMES,
        ),
        _share(
            "substance_misuse_intervention", "Intervention received for substance misuse", "health",
            "Children in the OC2 group identified with a substance misuse problem who received an intervention "
            "for it, as a percentage of those identified.", "substance_intervention", better=HIGHER,
            denominator="substance_misuse", denominator_label="children with substance misuse identified",
            source=SOURCE_OUTCOMES,
        ),
        _share(
            "sdq_cause_for_concern", "SDQ score a cause for concern (17 or more)", "health",
            "Children aged 5 to 16 in the OC2 group whose SDQ score was 17 or more, as a percentage of those "
            "with a score.", "sdq_concern", better=LOWER, denominator="sdq_count",
            denominator_label="children aged 5 to 16 with an SDQ score", source=SOURCE_SDQ,
        ),
        _share(
            "away_from_placement", "Children away from placement without authorisation", "missing",
            "Children looked after during the year (not only under short breaks) with at least one 'away from "
            "placement without authorisation' incident starting in the year, as a percentage of all children "
            "looked after in the year.", "went_away", better=LOWER, denominator="during",
            denominator_label=IN_THE_YEAR, source=SOURCE_MISSING,
        ),
        Measure(
            "missing_incidents_per_child", "Missing incidents per child who went missing", "missing", PER_CHILD,
            "Missing incidents starting in the year, divided by the children looked after who went missing at "
            "least once in the year.", better=LOWER, numerator="missing_incidents", denominator="went_missing",
            denominator_label="children who went missing", source=SOURCE_MISSING,
        ),
        Measure(
            "away_incidents_per_child", "Away incidents per child who was away", "missing", PER_CHILD,
            "Incidents of being away from placement without authorisation starting in the year, divided by the "
            "children looked after who were away at least once.", better=LOWER, numerator="away_incidents",
            denominator="went_away", denominator_label="children who were away", source=SOURCE_MISSING,
        ),
    ]
    for part, label, ages, denominator_label in (
        ("17_18", "aged 17 or 18", "17th or 18th", CARE_LEAVERS_17_18),
    ):
        found += [
            _share(
                f"care_leavers_{part}_in_touch", f"Care leavers {label} in touch", "care_leavers",
                f"Care leavers whose {ages} birthday fell in the year (DIED and RHOM left out) with whom the "
                "council was in touch, as a percentage of that group.", f"care_leavers_{part}_in_touch",
                better=HIGHER, denominator=f"care_leavers_{part}", denominator_label=denominator_label,
                source=SOURCE_CARE_LEAVERS,
            ),
            _share(
                f"care_leavers_{part}_in_eet", f"Care leavers {label} in education, employment or training",
                "care_leavers",
                f"Care leavers whose {ages} birthday fell in the year (DIED and RHOM left out) whose main activity "
                "was education, training or employment, as a percentage of that group.",
                f"care_leavers_{part}_eet", better=HIGHER, denominator=f"care_leavers_{part}",
                denominator_label=denominator_label, source=SOURCE_CARE_LEAVERS,
            ),
            _share(
                f"care_leavers_{part}_suitable_accommodation", f"Care leavers {label} in suitable accommodation",
                "care_leavers",
                f"Care leavers whose {ages} birthday fell in the year (DIED and RHOM left out) whose accommodation "
                "was judged suitable, as a percentage of that group.", f"care_leavers_{part}_suitable",
                better=HIGHER, denominator=f"care_leavers_{part}", denominator_label=denominator_label,
                source=SOURCE_CARE_LEAVERS,
            ),
        ]
    for part, label, letters in ACCOMMODATION_TYPES:
        found.append(_share(
            f"care_leavers_accommodation_{part}", f"Care leavers aged 19 to 21 {label}", "care_leavers",
            f"Care leavers aged 19 to 21 (DIED and RHOM left out) living {label} (ACCOM codes beginning "
            f"{', '.join(letters)}), as a percentage of that group.", f"accommodation_{part}",
            denominator="care_leavers", denominator_label=CARE_LEAVERS_19_21, source=SOURCE_CARE_LEAVERS,
        ))
    for single in ADOPTION_SCORECARD:
        found += [single, three_years_of(single)]
    for part, label, code in PROVIDERS:
        found.append(_share(
            f"provider_{part}", f"Placed in {label}", "where",
            f"Children looked after at 31 March whose placement at that date was provided by {label} "
            f"(PLACE_PROVIDER {code}), as a percentage of all children looked after at 31 March.",
            f"provider_{part}", source=SOURCE_PROVIDER,
        ))
    return tuple(found)


MEASURES = (*MEASURES, *_new_measures())
BY_IDENTIFIER = {measure.identifier: measure for measure in MEASURES}


def get(identifier):
    """The measure with this identifier; KeyError if there is none."""
    return BY_IDENTIFIER[identifier]


def three_year_figure(identifier):
    """The three-year measure of a one-year adoption scorecard measure, shown beside it; None for any other."""
    return BY_IDENTIFIER.get(f"{identifier}{THREE_YEARS}") if get(identifier).years == 1 else None


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
    elif measure.unit in (PER_CHILD, DAYS):
        value = numerator / denominator if numerator is not None and denominator else None
    else:
        raise ValueError(measure.unit)
    return MeasureValue(measure, year, numerator, denominator, value)


# Measures whose counts add up to the children looked after at 31 March, which is published beside them.
PARTS_OF_THE_WHOLE = (
    [f"category_of_need_{code.lower()}" for code in CATEGORIES_OF_NEED],
    [f"legal_status_{group}" for group in LEGAL_STATUS_GROUPS],
    [f"placement_{group}" for group in PLACEMENT_PARTS],
)

