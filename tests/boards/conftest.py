"""A small board with one held and one scheduled meeting, papers, actions, a pledge and feedback."""
import datetime
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role
from boards import services
from boards.models import Board, BoardRole, ForwardPlanItem, MeetingStatus, PledgeCommitment, Theme, ViewSource

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day, hour=14):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def board(db):
    return Board.objects.create(name="Test Corporate Parenting Board", terms_of_reference="To lead and scrutinise.", quorum=2)


@pytest.fixture
def member(board, today):
    """Add ``user`` to the board (a current member unless dates say otherwise)."""

    def add(user, role=BoardRole.COUNCILLOR, voting=True, start_date=None, end_date=None):
        return services.add_member(
            board=board, user=user, role=role, voting=voting,
            start_date=start_date or today - datetime.timedelta(days=400), end_date=end_date,
        )

    return add


@pytest.fixture
def world(board, member, make_user, today):
    clerk = make_user(Role.ADMINISTRATOR)  # an administrator standing in for the clerk
    officer = make_user(Role.OFFICER)
    chair = make_user(Role.COUNCILLOR)
    member(chair, BoardRole.CHAIR)
    member(officer, BoardRole.OFFICER, voting=False)
    held = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=60)), venue="County Hall", status=MeetingStatus.HELD
    )
    item = services.add_agenda_item(meeting=held, title="Performance report", report_author=officer, measures="looked_after_rate_per_10000")
    published = services.upload_paper(
        agenda_item=item, title="Published report", uploaded_by=officer, published=True,
        file=ContentFile(PDF, name="published.pdf"),
    )
    draft = services.upload_paper(
        agenda_item=item, title="Draft report", uploaded_by=officer, file=ContentFile(PDF, name="draft.pdf")
    )
    action = services.create_action(
        meeting=held, agenda_item=item, description="Report on placement stability", owner=officer,
        due_on=today - datetime.timedelta(days=10),
    )
    upcoming = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=20)), venue="County Hall")
    plan = services.save_forward_plan_item(
        ForwardPlanItem(board=board),
        theme=Theme.HOUSING, topic="Housing for care leavers", planned_meeting=upcoming, partner_asked="Housing options",
    )
    commitment = services.save_commitment(
        PledgeCommitment(), number=1, commitment="We will help you find a home you can keep.", owner=officer
    )
    services.add_pledge_update(commitment=commitment, rag="amber", note="Some progress.", updated_by=officer)
    shown = services.record_childrens_view(
        view="Bedsits are too far from our friends.", heard_on=today, source=ViewSource.SURVEY,
        recorded_by=clerk, commitment=commitment,
    )
    services.respond_to_view(
        shown, we_did="Priority banding for council homes.", decision="Change the allocations policy.",
        reason="A home near the people who matter is in our pledge.", responded_by=clerk, published=True,
    )
    hidden = services.record_childrens_view(
        view="We want later curfews.", heard_on=today, source=ViewSource.CICC_MEETING, recorded_by=clerk,
        service_area=Theme.OTHER,
    )
    services.respond_to_view(
        hidden, we_did="Still being discussed with carers.", decision="Not decided.", reason="Draft reason.",
        responded_by=clerk, published=False,
    )
    return SimpleNamespace(
        board=board, clerk=clerk, officer=officer, chair=chair, held=held, item=item, published=published,
        draft=draft, action=action, upcoming=upcoming, plan=plan, commitment=commitment, shown=shown, hidden=hidden,
    )
