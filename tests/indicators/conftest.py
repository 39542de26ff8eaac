"""A small framework and cycle for self-evaluation tests, built through the real services."""
import datetime

import pytest

from accounts.models import Role
from indicators import services

FRAMEWORK = {
    "slug": "test-framework",
    "name": "Test framework",
    "description": "Two areas, three indicators.",
    "source": "Written for the tests.",
    "areas": [
        {
            "number": 1,
            "name": "Outcomes and impact",
            "indicators": [
                {"number": "QI 1.1", "title": "Outcomes improve", "excellent": "Much better.", "weak": "No better."},
                {"number": "QI 1.2", "title": "Children's experience", "excellent": "Feel heard.", "weak": "Not asked."},
            ],
        },
        {
            "number": 2,
            "name": "Leadership and direction",
            "indicators": [{"number": "QI 2.1", "title": "Vision", "excellent": "Shared.", "weak": "Absent."}],
        },
    ],
}

ANSWERS = {
    "grade": 4,
    "target_grade": 5,
    "how_good_are_we_now": "Good: most children are settled.",
    "how_do_we_know": "Audit of 40 case files and the children's survey.",
    "what_will_we_do": "Recruit more local foster carers.",
}


@pytest.fixture
def framework(db):
    return services.load_framework(FRAMEWORK)


@pytest.fixture
def author(make_user):
    return make_user(Role.OFFICER, username="author")


@pytest.fixture
def moderator(make_user):
    return make_user(Role.OFFICER, username="moderator")


@pytest.fixture
def cycle(framework, author):
    return services.open_cycle(
        framework=framework, name="2025-26", level="strategic", starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2026, 3, 31), created_by=author, assigned_officer=author,
    )


@pytest.fixture
def evaluation(cycle):
    return cycle.evaluations.select_related("indicator").get(indicator__number="QI 1.1")


def held_meeting(day, board_name="Corporate Parenting Board"):
    """The board's meeting held on ``day`` (made the first time it is asked for)."""
    from django.utils import timezone

    from boards.models import Board, Meeting, MeetingStatus

    board, _ = Board.objects.get_or_create(name=board_name, defaults={"quorum": 2})
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
    meeting, _ = Meeting.objects.get_or_create(
        board=board, starts_at=starts_at, defaults={"venue": "County Hall", "status": MeetingStatus.HELD}
    )
    return meeting


@pytest.fixture
def approve(author, moderator):
    """Take an evaluation through the whole workflow to board approval at the meeting on ``meeting_date``."""

    def run(evaluation, grade=4, meeting_date=datetime.date(2026, 5, 20)):
        evaluation = services.update_evaluation(evaluation, author, **{**ANSWERS, "grade": grade})
        evaluation = services.submit_evaluation(evaluation, author)
        evaluation = services.moderate_evaluation(evaluation, moderator, agree=True)
        return services.approve_evaluation(evaluation, moderator, meeting=held_meeting(meeting_date))

    return run
