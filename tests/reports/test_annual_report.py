"""
The annual report's sentences about figures are written from the figures: for a cohort whose figures move in
known directions, the report says so, and says nothing otherwise; a withheld figure is never described.
"""
import re
from decimal import Decimal

import pytest

from children.models import MissingEpisode
from measures.models import Comparator
from reports.selectors import annual_report_document
from tests.dashboards.factories import child, cohort_return, d, episode, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def moving_cohort():
    """
    2023-24: 20 children looked after at 31 March 2024, 10 of them placed more than 20 miles from home (50%).
    2024-25: the same 20, of whom 5 moved nearer on 1 June 2024, and 4 more children who came into care near
    home: 24 looked after, 5 far from home (5 / 24 = 20.8%, printed 21%). England 30% in 2024-25.
    One child went missing in 2024-25 (1 of 24: withheld, as a share built on fewer than 5 children).
    """
    make_codes()
    before, after = cohort_return(2024), cohort_return(2025)
    for n in range(20):
        kid = child()
        episode(before, kid, d("01/05/2022"), distance_miles=30 if n < 10 else 2)
        if 5 <= n < 10:
            episode(after, kid, d("01/05/2022"), d("01/06/2024"), rec="X1", distance_miles=30)
            episode(after, kid, d("01/06/2024"), rne="P", distance_miles=2)
        else:
            episode(after, kid, d("01/05/2022"), distance_miles=30 if n < 5 else 2)
    for n in range(4):
        kid = child()
        episode(after, kid, d("01/06/2024"), distance_miles=2)
        if n == 0:
            MissingEpisode.objects.create(cohort_return=after, child=kid, kind="M", start_date=d("01/09/2024"))
    Comparator.objects.create(measure="placed_over_20_miles", year=2025, england=Decimal("30"))


def sentences(document):
    found = []
    for section in document["sections"]:
        if section["id"] == "summary":
            found += section["data"]["sentences"]
        if section["id"] == "measures":
            found += [item["figure"].sentence for item in section["data"]["items"]]
    return found


def test_the_report_says_which_way_its_figures_moved_and_never_the_other_way(moving_cohort):
    said = sentences(annual_report_document(2025))
    far = [sentence for sentence in said if sentence.startswith("Placed more than 20 miles from home")]
    # 21% - 50% = -29 points; fewer children far from home is better; 21 is more than 5% of 30 below 30.
    assert far and set(far) == {
        "Placed more than 20 miles from home was 21% in 2024-25, down 29 points from 50% in 2023-24 "
        "(better for children); better than England (30%)."
    }
    # 24 - 20 = 4 more children; neither more nor fewer is "better", so the sentence only says "up".
    looked_after = [sentence for sentence in said if sentence.startswith("Children looked after at 31 March was")]
    assert looked_after and set(looked_after) == {"Children looked after at 31 March was 24 in 2024-25, up 4 from 20 in 2023-24."}
    # Nothing says the opposite of what the figures did.
    for sentence in said:
        assert not (sentence.startswith("Placed more than 20 miles") and re.search(r"\bup\b|worse", sentence))
        assert not (sentence.startswith("Children looked after at 31 March") and re.search(r"\bdown\b|better|worse", sentence))
    # A withheld figure is said to be withheld, with no number, change or comparison worked out from it.
    missing = [sentence for sentence in said if sentence.startswith("Children who went missing")]
    assert missing and set(missing) == {
        "Children who went missing: not published for 2024-25, so that no child can be identified."
    }


def test_the_report_is_in_the_shape_councils_publish(moving_cohort):
    titles = [section["title"] for section in annual_report_document(2025)["sections"]]
    assert titles == [
        "Chair's foreword", "Summary", "The year in figures", "Children's voice: you said, we did", "What the board did",
        "Care Pledge progress", "Self-evaluation grades", "Strengths", "Areas for improvement",
        "Recommendations to full council", "Next year's priorities", "Glossary",
    ]


def test_only_what_happened_within_the_year_appears(db, officer):
    """2024-25 runs from 1 April 2024 to 31 March 2025: a view, a rating and an approval after it stay out."""
    import datetime

    from django.utils import timezone

    from boards.models import ChildrensView, PledgeCommitment, PledgeUpdate, Response, Theme, ViewSource
    from indicators.models import Area, Cycle, Evaluation, EvaluationStatus, Framework, QualityIndicator

    zone = timezone.get_current_timezone()
    for heard_on, text in ((datetime.date(2024, 6, 1), "More dentists"), (datetime.date(2025, 6, 1), "Later wish")):
        view = ChildrensView.objects.create(view=text, heard_on=heard_on, source=ViewSource.SURVEY, service_area=Theme.HEALTH)
        Response.objects.create(childrens_view=view, we_did="Did it", decision="Yes", reason="Asked", published=True)
    promise = PledgeCommitment.objects.create(number=1, commitment="We will listen.", owner=officer)
    PledgeUpdate.objects.create(commitment=promise, rag="amber", note="Started.", updated_by=officer,
                                updated_on=datetime.date(2024, 11, 2), created_at=datetime.datetime(2024, 11, 2, tzinfo=zone))
    PledgeUpdate.objects.create(commitment=promise, rag="green", note="Kept.", updated_by=officer,
                                updated_on=datetime.date(2025, 5, 2), created_at=datetime.datetime(2025, 5, 2, tzinfo=zone))
    framework = Framework.objects.create(name="Corporate parenting", slug="cp")
    area = Area.objects.create(framework=framework, number=1, name="Outcomes")
    cycle = Cycle.objects.create(framework=framework, name="2024-25", starts_on=datetime.date(2024, 4, 1),
                                 ends_on=datetime.date(2025, 3, 31))
    for number, approved_on in (("QI 1.1", datetime.date(2025, 3, 1)), ("QI 1.2", datetime.date(2025, 9, 1))):
        indicator = QualityIndicator.objects.create(area=area, number=number, title=number, illustration_excellent="-",
                                                    illustration_weak="-")
        Evaluation.objects.create(cycle=cycle, indicator=indicator, grade=4, status=EvaluationStatus.APPROVED,
                                  board_approval_date=approved_on)

    sections = {section["id"]: section["data"] for section in annual_report_document(2025)["sections"]}
    assert sections["childrens-voice"]["counts"]["heard"] == 1
    assert [view.view for view in sections["childrens-voice"]["answered"]] == ["More dentists"]
    assert [row["latest_rag"] for row in sections["care-pledge"]["rows"]] == ["amber"]
    assert [evaluation.indicator.number for evaluation in sections["self-evaluation"]["evaluations"]] == ["QI 1.1"]


def test_the_summary_fits_one_printed_page_with_every_headline_sentence_at_its_longest(db):
    """
    1,000 children a year for two years, every headline figure published (none withheld), with a rate (the
    population entered), a review for each child, England's and neighbours' figures and a target for each: every
    sentence says its change, both comparisons and its rating where the measure has one. Laid out by WeasyPrint
    with the reports' stylesheet, as the build does, the summary is one page.
    """
    import datetime

    from django.template.loader import render_to_string

    from children.models import Child, Review
    from dashboards.selectors import CHIEF_EXECUTIVE_HEADLINES
    from measures import history
    from measures.models import ChildPopulation, Target
    from reports import services
    from reports.models import Report, ReportType
    from tests.dashboards.factories import bulk_cohort

    returns = bulk_cohort(1000, year=2025, years=2, seed=7)
    Review.objects.bulk_create(
        Review(cohort_return=ret, child=kid, review_date=datetime.date(ret.year - 1, 10, 1),
               participation="PN1" if n % 3 else "PN7")
        for ret in returns
        for n, kid in enumerate(Child.objects.filter(episodes__cohort_return=ret).distinct())
    )
    for ret in returns:  # a few children moving three times in the year (the random ones seldom do)
        for _ in range(8 if ret.year == 2024 else 30):
            kid = child(dob=datetime.date(ret.year - 10, 1, 1))
            starts = [datetime.date(ret.year - 1, month, 1) for month in (5, 8, 11)]
            episode(ret, kid, starts[0], starts[1], rec="X1")
            episode(ret, kid, starts[1], starts[2], rne="P", rec="X1")
            episode(ret, kid, starts[2], rne="P")
    history.rebuild()
    for year in (2024, 2025):
        ChildPopulation.objects.create(year=year, population=60_000)
    for _question, identifier in CHIEF_EXECUTIVE_HEADLINES:
        Comparator.objects.create(measure=identifier, year=2025, england=40, statistical_neighbours=45)
        Target.objects.create(measure=identifier, value=42)

    document = annual_report_document(2025)
    summary = next(section for section in document["sections"] if section["id"] == "summary")
    said = summary["data"]["sentences"]
    assert len(said) == len(CHIEF_EXECUTIVE_HEADLINES)
    short = [sentence for sentence in said if not (" from " in sentence and "England (" in sentence and "neighbours (" in sentence)]
    assert not short, "\n".join(short)
    assert sum("against the board's target of" in sentence for sentence in said) >= 5, said

    report = Report(kind=ReportType.ANNUAL_REPORT, year=2025, version=1)
    html = render_to_string(
        services.TEMPLATES[ReportType.ANNUAL_REPORT], {"report": report, "document": {**document, "sections": [summary]}}
    )
    pages = services.lay_out(html).pages
    first = next(number for number, page in enumerate(pages) if "summary" in page.anchors)
    assert len(pages) - first == 1, f"the summary takes {len(pages) - first} pages"
