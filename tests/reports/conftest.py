"""A board with members of each kind and a meeting, for building board packs and sending emails."""
import datetime
import io

import pytest
from django.utils import timezone

from accounts.models import Role


def pdf_text(field_file):
    """The text of a stored PDF, page by page, as a screen reader or search would get it."""
    import pypdf

    with field_file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return [page.extract_text() for page in reader.pages], reader


@pytest.fixture
def board(db):
    from boards.models import Board

    return Board.objects.create(name="Wyvern Corporate Parenting Board", terms_of_reference="Scrutiny.", quorum=3)


@pytest.fixture
def members(board, make_user):
    """A chair (councillor), the chief executive, a young people's representative and a former member."""
    from boards.models import BoardRole, Membership

    start = datetime.date(2020, 1, 1)
    chair = make_user(Role.COUNCILLOR, email="chair@council.example")
    chief = make_user(Role.CHIEF_EXECUTIVE, email="chief@council.example")
    young = make_user(Role.YOUNG_PERSON, email="young@council.example")
    former = make_user(Role.COUNCILLOR, email="former@council.example")
    Membership.objects.create(board=board, user=chair, role=BoardRole.CHAIR, start_date=start)
    Membership.objects.create(board=board, user=chief, role=BoardRole.IN_ATTENDANCE, voting=False, start_date=start)
    Membership.objects.create(board=board, user=young, role=BoardRole.YOUNG_PERSON, voting=False, start_date=start)
    Membership.objects.create(
        board=board, user=former, role=BoardRole.COUNCILLOR, start_date=start, end_date=datetime.date(2021, 1, 1)
    )
    return {"chair": chair, "chief": chief, "young": young, "former": former}


@pytest.fixture
def meeting(board):
    from boards.models import Meeting

    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=5), datetime.time(14)))
    return Meeting.objects.create(board=board, starts_at=starts, venue="County Hall, Committee Room 2")
