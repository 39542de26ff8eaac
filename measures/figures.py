"""
The board's measures as pages, dashboards and board packs show them: a figure beside England, statistical
neighbours and the board's target, with its red, amber or green rating and its gaps; and the panel of
several years that dashboards and reports read.
"""
from dataclasses import dataclass

from core import collection_year, suppression

from . import charts, queries, registry, selectors
from .registry import COUNT, DAYS, HIGHER, PERCENTAGE, RATE, MeasureValue, by_topic, format_value, get

TREND_YEARS = 5  # years of returns a trend shows

RED, AMBER, GREEN = "red", "amber", "green"

# Compared with England: one definition of "similar" for every page. A figure is similar to England's when
# the gap is no more than this share of England's figure (5%: with England at 92%, 87.4% to 96.6%).
SIMILAR_WITHIN = 0.05
BETTER, SIMILAR, WORSE, ABOVE, BELOW = "better", "similar", "worse", "above", "below"
BAND_LABELS = {
    BETTER: "Better", SIMILAR: "Similar", WORSE: "Worse", ABOVE: "Higher than England", BELOW: "Lower than England",
}
COMPARED_WORDS = {
    BETTER: "better than", SIMILAR: "similar to", WORSE: "worse than", ABOVE: "higher than", BELOW: "lower than",
}
BAND_WORDS = {BETTER: "Better", SIMILAR: "Similar", WORSE: "Worse", ABOVE: "Higher", BELOW: "Lower"}  # in a column headed "Against England"
NOT_COMPARABLE = "Not comparable"  # no England or neighbours' figure can exist (a count of our children)


def compare(measure, value, other):
    """
    ``value`` against a comparator ``other``: similar within ``SIMILAR_WITHIN`` of it, else better or worse by
    the measure's better direction (higher or lower where neither is better); None without both values.
    """
    if value is None or other is None:
        return None
    gap = value - other
    if abs(gap) <= SIMILAR_WITHIN * abs(other) + 1e-9:  # the tolerance itself counts as similar
        return SIMILAR
    if measure.better is None:
        return ABOVE if gap > 0 else BELOW
    return BETTER if (gap > 0) == (measure.better == HIGHER) else WORSE


# The change from last year, in the same words wherever it is said (dashboards, the annual report's sentences).
IMPROVED, WORSENED, UNCHANGED, ROSE, FELL = "improved", "worsened", "unchanged", "rose", "fell"
CHANGE_LABELS = {IMPROVED: "Better", WORSENED: "Worse", UNCHANGED: "No change", ROSE: "Up", FELL: "Down"}


def change_direction(measure, change):
    """
    Which way a figure moved from last year: improved or worsened by the measure's better direction (rose or
    fell where neither is better), unchanged when the printed figures are the same; None without both years.
    """
    if change is None:
        return None
    if abs(change) < 1e-9:
        return UNCHANGED
    if measure.better is None:
        return ROSE if change > 0 else FELL
    return IMPROVED if (change > 0) == (measure.better == HIGHER) else WORSENED


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
    number = f"{abs(gap):,.0f}" if measure.unit in (COUNT, PERCENTAGE, RATE, DAYS) else f"{abs(gap):,.1f}"
    if number == "1":
        unit = unit.rstrip("s")  # "+1 point"
    if number.strip("0.,") == "":
        return f"0{unit}"
    return f"{'+' if gap > 0 else '-'}{number}{unit}"


@dataclass(frozen=True)
class BoardFigure:
    """A measure's value as one audience may see it, beside England, statistical neighbours and the target."""

    value: MeasureValue
    suppress: bool
    comparator: object = None  # measures.models.Comparator or None
    target: object = None  # measures.models.Target or None
    previous: MeasureValue | None = None  # the same measure last year, when that year's return is held

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
    def council_published_text(self):
        """The DfE's own published figure for the council, when loaded (officers compare it with the app's)."""
        number = self._comparator_value("council_published")
        return format_value(self.measure, number) if number is not None else "Not loaded"

    def _comparator_text(self, number):
        if not self.measure.comparable:
            return NOT_COMPARABLE
        return format_value(self.measure, number) if number is not None else "Not entered"

    @property
    def england_text(self):
        return self._comparator_text(self.england)

    @property
    def statistical_neighbours_text(self):
        return self._comparator_text(self.statistical_neighbours)

    def _gap(self, other):
        return None if self.visible is None or other is None else self.visible - other

    @property
    def gap_to_england(self):
        return format_gap(self.measure, self._gap(self.england))

    @property
    def gap_to_statistical_neighbours(self):
        return format_gap(self.measure, self._gap(self.statistical_neighbours))

    @property
    def compared_with_england(self):
        """``BETTER``, ``SIMILAR`` or ``WORSE`` (``ABOVE`` or ``BELOW`` where neither is better); None if unknown."""
        return compare(self.measure, self.visible, self.england)

    @property
    def compared_with_england_label(self):
        return BAND_LABELS.get(self.compared_with_england, "")

    @property
    def compared_with_england_word(self):
        return BAND_WORDS.get(self.compared_with_england, "")

    @property
    def compared_with_neighbours_word(self):
        return BAND_WORDS.get(self.compared_with_neighbours, "")

    @property
    def compared_with_neighbours(self):
        """As ``compared_with_england``, against the statistical neighbours' average."""
        return compare(self.measure, self.visible, self.statistical_neighbours)

    @property
    def compared_with_neighbours_label(self):
        return BAND_LABELS.get(self.compared_with_neighbours, "").replace("England", "neighbours")

    @property
    def change(self):
        """
        This year's printed figure less last year's; None when either is missing or withheld (worked out from
        the published figures only, so it tells nothing they do not).
        """
        if self.previous is None:
            return None
        before = self.previous.visible_value(suppress=self.suppress)
        if self.visible is None or before is None:
            return None
        return round(self.visible - before, 6)

    @property
    def change_direction(self):
        return change_direction(self.measure, self.change)

    @property
    def change_label(self):
        return CHANGE_LABELS.get(self.change_direction, "")

    @property
    def change_text(self):
        """"+3 points", "-12", "No change"; "" when there is no change to tell."""
        if self.change is None:
            return ""
        return "No change" if self.change_direction == UNCHANGED else format_gap(self.measure, self.change)

    @property
    def out_of(self):
        """
        The denominator in words, "out of 216 children looked after at 31 March"; "" for a count, without a
        value, or when the audience must not see a small denominator.
        """
        value = self.value
        if value.measure.unit == COUNT or value.denominator is None or value.value is None:
            return ""
        if self.suppress and value.measure.suppressible and suppression.is_small(value.denominator):
            return ""
        return f"out of {value.denominator:,} {value.measure.denominator_label}".rstrip()

    @property
    def target_text(self):
        return format_value(self.measure, float(self.target.value)) if self.target else ""

    @property
    def rag(self):
        return rag(self.measure, self.visible, self.target)

    @property
    def sentence(self):
        """
        What the figure says, written from the figure itself, so that the words can never contradict it: its
        value, its change from last year, how it compares with England and neighbours, and its target. A
        withheld figure is said to be withheld in the same words as every other, and nothing is worked out
        from it (no change, comparison or rating).
        """
        year = collection_year.label(self.value.year)
        if self.visible is None:
            if self.value.value is None:
                return f"{self.measure.title}: no figure for {year}."
            return f"{self.measure.title}: not published for {year}, so that no child can be identified."
        words = [f"{self.measure.title} was {self.shown} in {year}"]
        direction = self.change_direction
        if direction is not None:
            before = self.previous.shown(suppress=self.suppress)
            last_year = collection_year.label(self.value.year - 1)
            if direction == UNCHANGED:
                words.append(f", the same as in {last_year}")
            else:
                moved = "up" if self.change > 0 else "down"
                amount = format_gap(self.measure, self.change).lstrip("+-")
                words.append(f", {moved} {amount} from {before} in {last_year}")
                if direction in (IMPROVED, WORSENED):
                    words.append(f" ({'better' if direction == IMPROVED else 'worse'} for children)")
        comparisons = []
        for band, other, name in (
            (self.compared_with_england, self.england, "England"),
            (self.compared_with_neighbours, self.statistical_neighbours, "statistical neighbours"),
        ):
            if band is not None:
                comparisons.append(f"{COMPARED_WORDS[band]} {name} ({format_value(self.measure, other)})")
        if comparisons:
            words.append("; " + " and ".join(comparisons))
        if self.rag:
            words.append(f"; {self.rag} against the board's target of {self.target_text}")
        return "".join(words) + "."



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
    checked: dict | None = None  # the latest return's DfE validation errors (measures.selectors.returns_checked)

    @property
    def year_label(self):
        return collection_year.label(self.year) if self.year else ""

    @property
    def has_data(self):
        return self.year is not None

    def figure(self, identifier, year=None):
        year = year or self.year
        value = self.results.get(year, {}).get(identifier)
        if value is None:
            return None
        return BoardFigure(
            value, self.suppress, self.comparators.get((identifier, year)), self.targets.get(identifier),
            self.results.get(year - 1, {}).get(identifier),
        )

    def figures(self, identifiers):
        return [figure for figure in (self.figure(identifier) for identifier in identifiers) if figure]

    def trend(self, identifier):
        values = [year_values[identifier] for _year, year_values in sorted(self.results.items())]
        return charts.trend_chart(
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
    available = selectors.available_years()
    if year is None:
        window = available[:years]
        latest = max(window) if window else None
    else:
        window = [held for held in available if year - years < held <= year]
        latest = year if year in window else None
    results = queries.compute(window, cached=True) if window else {}
    comparators, targets = selectors.comparators_and_targets(window) if window else ({}, {})
    checked = next(iter(selectors.returns_checked(latest)), None) if latest else None
    return MeasurePanel(latest, results, comparators, targets, suppress, checked)


def board_figures(year, *, suppress, cached=False):
    """
    ``{identifier: BoardFigure}`` for one year (``cached`` as for ``compute``). Two more queries for
    comparators and targets.
    """
    values = queries.compute([year], cached=cached).get(year, {})
    comparators, targets = selectors.comparators_and_targets([year])
    return {
        identifier: BoardFigure(value, suppress, comparators.get((identifier, year)), targets.get(identifier))
        for identifier, value in values.items()
    }


def topics(year, *, suppress):
    """The measures list: ``[(topic, [BoardFigure])]`` for one year, in the registry's order."""
    shown = board_figures(year, suppress=suppress, cached=True)
    return [(label, [shown[m.identifier] for m in group if m.identifier in shown]) for label, group in by_topic()]


def measure_page(measure, *, suppress):
    """A measure's page: its trend chart and each year's figure beside comparators and target, newest first."""
    results = queries.compute(cached=True)
    values = [year_values[measure.identifier] for _year, year_values in sorted(results.items())]
    comparators, targets = selectors.comparators_and_targets()
    target = targets.get(measure.identifier)
    year_figures = [
        BoardFigure(value, suppress, comparators.get((measure.identifier, value.year)), target)
        for value in reversed(values)
    ]
    # An adoption scorecard measure's three-year figure, the one the scorecard publishes, beside each year's.
    three_years = registry.three_year_figure(measure.identifier)
    return {
        "chart": charts.trend_chart(measure, values, comparators, target, suppress=suppress) if values else None,
        "figures": year_figures,
        "three_years": three_years,
        "rows": [
            (figure, BoardFigure(
                results[figure.value.year][three_years.identifier], suppress,
                comparators.get((three_years.identifier, figure.value.year)),
            ) if three_years else None)
            for figure in year_figures
        ],
        "target": target,
        "returns": selectors.returns_checked(),
    }


def published_figures(identifiers):
    """
    The figures of ``identifiers`` as published today: from the latest return, withheld by ``core.suppression``
    as every page outside the officers' own shows them. ``(year, {identifier: core.suppression.Shown})``;
    ``(None, {})`` before any return is loaded. Reads the cache as pages do: a fixed number of queries.
    """
    latest = selectors.available_years()[:1]
    values = queries.compute(latest, cached=True).get(latest[0], {}) if latest else {}
    if not values:
        return None, {}
    return latest[0], {identifier: values[identifier].shown(suppress=True) for identifier in identifiers if identifier in values}
