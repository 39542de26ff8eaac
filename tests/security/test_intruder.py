"""
The intruder test (see ``intruder.py``): every role that is not an officer signs in, collects every figure it
can reach, and asks a solver what the withheld figures can be. Run on the demo council and on randomised
cohorts small enough that most breakdowns have groups of fewer than 5 children.
"""
import pytest
from django.test import Client

from accounts.models import Role, User
from core.permissions import OFFICERS

from .demo import DEMO_PERSON, _demo_file_storage, demo_council, demo_files  # noqa: F401 (fixtures)
from .intruder import Intruder, solve

READERS = [role for role in Role if role not in OFFICERS]


def misread(intruder):
    """Figures the intruder wrote down that the true figures do not fit: a bug in the intruder, not a leak."""
    from measures import queries

    truth = queries.compute()
    wrong = []
    for seen in intruder.seen:
        value = truth[seen.year][seen.measure]
        if seen.withheld:
            if not value.withheld:
                wrong.append(f"{seen} but it is not withheld")
        elif value.value is None or not seen.low - 1e-6 <= value.value <= seen.high + 1e-6:
            wrong.append(f"{seen} but it is {value.value}")
    return wrong


def attack(client, report, label, start="/"):
    intruder = Intruder(client).walk(start)
    wrong = misread(intruder)
    assert not wrong, "the intruder misread:\n" + "\n".join(wrong[:20])
    findings = solve(intruder)
    narrowed = [finding for finding in findings if finding.narrowed]
    report(
        f"intruder ({label}): {intruder.pages} pages, {intruder.pdfs} PDFs, {intruder.chart_marks} chart marks, "
        f"{len(intruder.seen)} figures seen; tried {len(findings)} withheld figures, narrowed {len(narrowed)}"
    )
    return intruder, findings, narrowed


@pytest.fixture
def report(capsys):
    def write(line):
        with capsys.disabled():
            print(f"\n{line}", end="")

    return write


@pytest.mark.parametrize("role", READERS, ids=[role.value for role in READERS])
def test_no_withheld_figure_in_the_demo_can_be_worked_out(demo_council, db, role, report):  # noqa: F811
    client = Client()
    client.force_login(User.objects.get(username=DEMO_PERSON[role]))
    intruder, findings, narrowed = attack(client, report, f"demo, {role.label}")
    if role in (Role.CHIEF_EXECUTIVE, Role.COUNCILLOR):
        assert intruder.pages and intruder.seen, "the intruder saw no figures: it is not reading the pages"
    assert not narrowed, "withheld figures worked out:\n" + "\n".join(map(str, narrowed))


def test_charts_draw_no_more_than_their_printed_labels(demo_council, db, report):  # noqa: F811
    """
    The first attack: each bar and point drawn to a tenth of a pixel on a known axis gave its value to within
    0.1 (category of need read off the chart as 141.97, 9.0, 18.0... of 216), on the pages and in the PDFs.
    """
    client = Client()
    client.force_login(User.objects.get(username=DEMO_PERSON[Role.CHIEF_EXECUTIVE]))
    intruder = Intruder(client).walk()
    report(f"charts: {intruder.chart_marks} marks measured on {intruder.pages} pages and {intruder.pdfs} PDFs")
    assert intruder.chart_marks and intruder.pdfs
    assert not intruder.measured, "drawn more precisely than printed:\n" + "\n".join(map(str, intruder.measured[:10]))


def test_the_public_page_gives_nothing_away_to_an_anonymous_visitor(demo_council, db, report):  # noqa: F811
    from dashboards.models import PublicPage

    PublicPage.switch(enabled=True, user=None)
    intruder, findings, narrowed = attack(Client(), report, "demo, anonymous visitor of the public page", start="/dashboard/public/")
    assert intruder.pages == 1 and intruder.seen and findings
    assert not narrowed, "withheld figures worked out:\n" + "\n".join(map(str, narrowed))
