"""
Everything each role's dashboard shows, gathered from the other apps' selectors and the measure registry.

Each function runs a fixed number of queries whatever the size of the cohort: the measures for the last few
years are computed once, together, in the database (``measures.queries.compute``), and every other panel
is one selector call. Nothing is computed until the template asks for it, and the templates cache their HTML:

- the whole page under ``page_version``: the code's release (``core.stamps.page_key``), the cohort's version (``measures.queries.version()``),
  the change stamp of the boards, self-evaluation, imports and people (``core.stamps.token()``), today's date
  (actions fall overdue at midnight) and, where the page is personal, the person. Two small queries and a
  cache read answer a usual request, and any change shows on the next one;
- within it, the measure sections under the release and the cohort's version alone, so a change to the board's business
  does not compute the measures again; only an import, an edit or new comparators, targets or population do.

The chief executive's and councillors' dashboards are read by people who must not see small numbers, so they
are always suppressed; the officer's dashboard is officer-only and shows them.
"""
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from boards import selectors as boards
from children import selectors as children
from core import collection_year, stamps
from measures import charts as measure_charts
from measures import figures as measure_figures
from measures import queries as measure_queries
from measures import registry
from indicators import selectors as self_evaluation

TREND_YEARS = measure_figures.TREND_YEARS
SIMILAR_WITHIN_PERCENT = f"{measure_figures.SIMILAR_WITHIN * 100:g}"  # "5", in the summaries' note on "similar"
PANEL_ROWS = 10  # longer lists link to their own page


@dataclass
class Question:
    """One of the questions every councillor should ask about children in care, answered by live measures."""

    text: str
    figures: list = field(default_factory=list)  # BoardFigure
    anchor: str = ""
    in_summary: frozenset = frozenset()  # measures the page's summary shows, left out of the detail

    @property
    def detail(self):
        """The figures the question's table shows: all but those in the summary above it, each said once."""
        return [figure for figure in self.figures if figure.measure.identifier not in self.in_summary]

    @property
    def attention(self):
        """Why the question needs asking now: a figure red against its target or worse than neighbours."""
        reasons = []
        for figure in self.figures:
            why = []
            if figure.rag == measure_figures.RED:
                why.append("red against the board's target")
            if figure.compared_with_neighbours == measure_figures.WORSE:
                why.append("worse than statistical neighbours")
            if why:
                reasons.append(f"{figure.measure.title}: {' and '.join(why)}")
        return reasons


HOW_MANY = ["looked_after_at_31_march", "looked_after_rate_per_10000", "started_during_year", "ceased_during_year"]
WHERE = ["placement_foster", "placement_kinship", "placement_residential", "placed_over_20_miles", "placed_outside_area"]

# The questions, in the words of the councillors' guides, each with the measures that answer it. The 903
# return holds no school attendance or attainment (the virtual school reports those): education is asked of
# the young people the return follows into adulthood.
COUNCILLOR_QUESTIONS = (
    ("How many children are we looking after, and how does that compare with similar councils?", HOW_MANY),
    ("Why do children come into our care?", ["category_of_need_n1", "category_of_need_n5", "category_of_need_n4"]),
    ("Are our children living in family settings, close to home?", WHERE),
    ("Do our children have stable homes?", ["three_or_more_placements", "long_term_stability"]),
    (
        "Are our children healthy?",
        ["health_assessment", "dental_check", "immunisations", "mean_sdq_score", "sdq_cause_for_concern"],
    ),
    ("Are our children safe? How many go missing?", ["went_missing", "missing_incidents"]),
    ("Are our children kept out of trouble with the law?", ["convicted", "substance_misuse"]),
    (
        "Are our young people in education, training or work?",
        ["care_leavers_17_18_in_eet", "care_leavers_in_eet"],
    ),
    (
        "Are children who cannot go home adopted without delay?",
        ["adoption_days_to_adoptive_family", "adoption_days_order_to_match"],
    ),
    ("Do children take part in their reviews, and are reviews on time?", ["reviews_taken_part_in", "reviews_on_time"]),
    ("How well are our care leavers doing?", ["care_leavers_in_touch", "care_leavers_suitable_accommodation"]),
)


def councillor_questions(panel, in_summary=frozenset()):
    """
    The questions answered from ``panel``, those needing attention first (otherwise in the guides' order);
    their tables leave out the measures of ``in_summary`` (each still counts towards asking first).
    """
    questions = [
        Question(text, panel.figures(identifiers), f"question-{number}", frozenset(in_summary))
        for number, (text, identifiers) in enumerate(COUNCILLOR_QUESTIONS, start=1)
    ]
    return sorted(questions, key=lambda question: not question.attention)


# The chief executive's questions (shared/domain.md), one headline figure each, at the top of the page.
CHIEF_EXECUTIVE_HEADLINES = (
    ("How many", "looked_after_rate_per_10000"),
    ("Why", "category_of_need_n1"),
    ("Where", "placed_over_20_miles"),
    ("How stable", "three_or_more_placements"),
    ("How healthy", "health_assessment"),
    ("Care leavers", "care_leavers_in_eet"),
    ("Their say", "reviews_taken_part_in"),
)
# Who the children are and who provides their placements: the breakdowns below the summary.
WHO = [
    measure.identifier for measure in registry.MEASURES if measure.topic == "who"
]
PROVIDERS = [measure.identifier for measure in registry.MEASURES if measure.identifier.startswith("provider_")]


@dataclass
class Headline:
    question: str
    figure: object  # BoardFigure


def headlines(panel, questions):
    """(question, measure identifier) pairs as ``Headline``s for ``panel``'s year, leaving out measures it lacks."""
    found = [Headline(question, panel.figure(identifier)) for question, identifier in questions]
    return [headline for headline in found if headline.figure is not None]


# The councillor's and officer's summaries: how many, how stable, care leavers, then what is red against its
# target, up to SUMMARY_ROWS figures. Each figure's row names its measure (no question column).
SUMMARY_HEADLINES = ("looked_after_at_31_march", "three_or_more_placements", "care_leavers_in_eet")
SUMMARY_ROWS = 4


def summary_headlines(panel):
    """
    ``SUMMARY_HEADLINES`` as ``Headline``s, then the measures red against the board's target (in
    ``MeasurePanel.off_target``'s order) that are not among them, up to ``SUMMARY_ROWS``. A withheld figure
    has no rating (``BoardFigure.rag``), so a suppressed panel never brings one up for being red.
    """
    found = headlines(panel, [("", identifier) for identifier in SUMMARY_HEADLINES])
    shown = {headline.figure.measure.identifier for headline in found}
    for figure in panel.off_target():
        if len(found) >= SUMMARY_ROWS:
            break
        if figure.rag == measure_figures.RED and figure.measure.identifier not in shown:
            found.append(Headline("", figure))
            shown.add(figure.measure.identifier)
    return found


def _identifiers(found):
    return frozenset(headline.figure.measure.identifier for headline in found)


HOW_WELL = [
    "three_or_more_placements",
    "long_term_stability",
    "health_assessment",
    "dental_check",
    "immunisations",
    "mean_sdq_score",
    "went_missing",
    "care_leavers_in_eet",
    "care_leavers_suitable_accommodation",
    "care_leavers_in_touch",
]


def chief_executive_measures():
    """
    The measure sections of the chief executive's dashboard. The page asks for them only when their cached
    HTML (kept under ``measures.queries.version()``) is missing, so most requests never compute them.
    """
    panel = measure_figures.measure_panel(suppress=True)
    if not panel.has_data:
        return {"panel": panel}
    latest = panel.results[panel.year]
    rate = "looked_after_rate_per_10000"
    headline = rate if latest[rate].value is not None else "looked_after_at_31_march"
    headline_measures = CHIEF_EXECUTIVE_HEADLINES
    if latest["looked_after_rate_per_10000"].value is None:  # no population entered: the count instead
        headline_measures = (("How many", "looked_after_at_31_march"), *CHIEF_EXECUTIVE_HEADLINES[1:])
    in_summary = {identifier for _question, identifier in headline_measures}

    def detail(identifiers):
        """The figures of a detail section, leaving out those the summary shows: each is said once."""
        return panel.figures([identifier for identifier in identifiers if identifier not in in_summary])

    return {
        "panel": panel,
        "headlines": headlines(panel, headline_measures),
        "how_many": detail(HOW_MANY),
        "how_many_chart": panel.trend(headline),
        "why_chart": measure_charts.category_of_need_chart(latest, suppress=True),
        "where": detail(WHERE),
        "where_chart": measure_charts.placement_mix_chart(panel.results, suppress=True),
        "how_well": detail(HOW_WELL),
        "who": panel.figures(WHO),
        "providers": panel.figures(PROVIDERS),
        "measure_rag": panel.rag_counts(),
    }


def _versions(today, user=None):
    """The keys the page's HTML and its measure sections are cached under (two queries; see above)."""
    personal = [user.pk, user.role] if user is not None else []
    return {"measures_version": stamps.page_key(measure_queries.version()), "page_version": stamps.page_version(today, *personal)}


def childrens_voice(today):
    """Children's views heard this collection year, answered and published ("you said, we did")."""
    year = collection_year.current(today)
    return {
        "year_label": collection_year.label(year),
        **boards.childrens_voice(collection_year.starts_on(year), collection_year.ends_on(year)),
    }


def chief_executive(user, today=None):
    """
    A summary of the chief executive's questions first (headline figures; governance, actions and children's
    say as counts, each a link); then how many, who, why, where and how well in detail; then self-evaluation.
    """
    today = today or timezone.localdate()
    grades = stamps.later(lambda: list(self_evaluation.latest_approved_grades()))
    return {
        **_versions(today, user),
        "improvement_actions": stamps.later(lambda: {"overdue": self_evaluation.overdue_actions(today, user).count()}),
        "voice": stamps.later(childrens_voice, today),
        "similar_within_percent": SIMILAR_WITHIN_PERCENT,
        "measures": stamps.later(chief_executive_measures),
        "governance": stamps.later(boards.governance_summary, today),
        "grades": grades,
        "grade_counts": stamps.later(self_evaluation.grade_counts, grades),
    }


def councillor_measures():
    """The questions every councillor should ask, answered (asked for only when the cached HTML is missing)."""
    panel = measure_figures.measure_panel(suppress=True)
    if not panel.has_data:
        return {"panel": panel}
    summary = summary_headlines(panel)
    questions = councillor_questions(panel, _identifiers(summary))
    return {
        "panel": panel,
        "headlines": summary,
        "questions": questions,
        "looked_after_chart": panel.trend("looked_after_at_31_march"),
        "reviews_question": next(
            (question for question in questions if any(
                figure.measure.identifier == "reviews_taken_part_in" for figure in question.figures
            )), None,
        ),
    }


def _owned_actions(user, today):
    """The first ``PANEL_ROWS`` open board actions the person owns."""
    return list(boards.actions_for_owner(user, today)[:PANEL_ROWS])


def councillor(user, today=None):
    """The questions every councillor should ask, answered; Care Pledge progress; next meeting; their actions."""
    today = today or timezone.localdate()
    progress = stamps.later(boards.pledge_progress)
    return {
        **_versions(today, user),
        "measures": stamps.later(councillor_measures),
        "pledge": progress,
        "pledge_counts": stamps.later(boards.rag_counts, progress),
        "next_meeting": stamps.later(boards.next_meeting, user, today),
        "actions": stamps.later(_owned_actions, user, today),
        "voice": stamps.later(childrens_voice, today),
        "similar_within_percent": SIMILAR_WITHIN_PERCENT,
    }


def officer_measures():
    """
    The summary's headline figures (this year beside last year's) and the other measures red or amber against
    their targets this year, in full (officers only).
    """
    panel = measure_figures.measure_panel(suppress=False, years=2)
    if not panel.has_data:
        return {"panel": panel, "headlines": [], "off_target": []}
    summary = summary_headlines(panel)
    in_summary = _identifiers(summary)
    return {
        "panel": panel,
        "headlines": summary,
        "off_target": [figure for figure in panel.off_target() if figure.measure.identifier not in in_summary],
    }


DUE_WITHIN_DAYS = 30  # "actions due" on the officer's page: overdue, or due within this many days


@dataclass
class Waiting:
    """One line of "Waiting for you": how many, what, and the section of the page that lists them."""

    count: int
    singular: str
    plural: str
    anchor: str

    @property
    def label(self):
        return self.singular if self.count == 1 else self.plural


@dataclass
class OfficerWork:
    """What is waiting for one officer: each list (its first ``PANEL_ROWS``) and its full count."""

    to_moderate: list
    to_complete: list
    pledge: list
    papers: list
    board_actions: list
    improvement_actions: list
    summary: list  # Waiting


def _first_and_count(queryset):
    """The first ``PANEL_ROWS`` rows and the number of all of them: two queries, whatever the number."""
    return list(queryset[:PANEL_ROWS]), queryset.count()


def officer_work(user, today):
    """Everything waiting for the officer, in a fixed number of queries (two per list)."""
    to_moderate, moderate_count = _first_and_count(self_evaluation.evaluations_to_moderate(user))
    to_complete, complete_count = _first_and_count(self_evaluation.evaluations_to_complete(user))
    pledge, pledge_count = _first_and_count(boards.commitments_owned_by(user))
    papers, papers_count = _first_and_count(boards.papers_owed_by(user, today))
    horizon = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    board_actions, board_count = _first_and_count(boards.actions_for_owner(user, today).filter(due_on__lte=horizon))
    improvement, improvement_count = _first_and_count(
        self_evaluation.improvement_actions_due(user, within_days=DUE_WITHIN_DAYS, today=today)
    )
    summary = [
        Waiting(moderate_count, "evaluation to moderate", "evaluations to moderate", "moderate"),
        Waiting(complete_count, "self-evaluation to complete", "self-evaluations to complete", "self-evaluation"),
        Waiting(pledge_count, "Care Pledge promise you own", "Care Pledge promises you own", "pledge"),
        Waiting(papers_count, "paper you owe for a meeting", "papers you owe for meetings", "papers"),
        Waiting(
            board_count + improvement_count,
            f"action overdue or due in the next {DUE_WITHIN_DAYS} days",
            f"actions overdue or due in the next {DUE_WITHIN_DAYS} days",
            "due",
        ),
    ]
    return OfficerWork(to_moderate, to_complete, pledge, papers, board_actions, improvement, summary)


def officer(user, today=None):
    """What is waiting for the officer first; then data freshness and import errors; measures off target."""
    today = today or timezone.localdate()
    return {
        **_versions(today, user),
        "measures": stamps.later(officer_measures),
        "freshness": stamps.later(lambda: children.data_freshness()[:TREND_YEARS]),
        "imports": stamps.later(children.latest_imports, 5),
        "failed_imports": stamps.later(children.unresolved_failed_imports, 5),
        "work": stamps.later(officer_work, user, today),
        "today": today,
        "similar_within_percent": SIMILAR_WITHIN_PERCENT,
    }


def public_measures():
    """The public page: the councillors' questions answered with the same suppressed figures and charts."""
    panel = measure_figures.measure_panel(suppress=True)
    if not panel.has_data:
        return {"panel": panel}
    return {
        "panel": panel,
        "questions": councillor_questions(panel),
        "looked_after_chart": panel.trend("looked_after_at_31_march"),
        "why_chart": measure_charts.category_of_need_chart(panel.results[panel.year], suppress=True),
        "where_chart": measure_charts.placement_mix_chart(panel.results, suppress=True),
    }
