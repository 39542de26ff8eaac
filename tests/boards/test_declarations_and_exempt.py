"""
Declarations of interest (per member, meeting and item; the kind and what they did), the register of members'
interests, and exempt items (Schedule 12A) kept out of the public agenda and the board pack.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from boards import selectors, services
from boards.models import (
    Board,
    BoardRole,
    DeclarationAction,
    ExemptParagraph,
    InterestKind,
    RegisterCategory,
    RegisteredInterest,
)
from reports.models import Report, ReportType
from reports.services import render_html

from .conftest import PDF, at


@pytest.fixture
def setting(board, member, make_user, today):
    clerk = make_user(Role.ADMINISTRATOR)
    councillor = member(make_user(Role.COUNCILLOR, first_name="Gareth", last_name="Hughes"))
    meeting = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=14)), venue="Hall")
    public = services.add_agenda_item(meeting=meeting, title="Care leavers' housing", summary="The housing protocol.")
    exempt = services.add_agenda_item(
        meeting=meeting, title="Placement provider contract: Acme Care Ltd", summary="Prices per placement.",
        exempt_paragraph=ExemptParagraph.FINANCIAL,
    )
    services.upload_paper(agenda_item=public, title="Housing protocol", uploaded_by=clerk, published=True,
                          file=ContentFile(PDF, name="housing.pdf"))
    services.upload_paper(agenda_item=exempt, title="Acme price schedule", uploaded_by=clerk, published=True,
                          file=ContentFile(PDF, name="acme.pdf"))
    services.create_action(meeting=meeting, agenda_item=exempt, description="Renegotiate Acme's rates",
                           owner=clerk, due_on=today + datetime.timedelta(days=60))
    return clerk, councillor, meeting, public, exempt


def test_a_declaration_records_the_member_item_kind_and_what_they_did(setting):
    clerk, councillor, meeting, public, exempt = setting
    declaration = services.record_declaration(
        meeting=meeting, membership=councillor, agenda_item=public, kind=InterestKind.OTHER_REGISTRABLE,
        interest="Trustee of a care leavers' charity", action=DeclarationAction.DID_NOT_VOTE, recorded_by=clerk,
    )
    assert selectors.declarations_for(meeting) == [declaration]


def test_a_disclosable_pecuniary_interest_means_leaving_the_room(setting):
    clerk, councillor, meeting, public, exempt = setting
    with pytest.raises(ValidationError) as error:
        services.record_declaration(
            meeting=meeting, membership=councillor, agenda_item=exempt, kind=InterestKind.DISCLOSABLE_PECUNIARY,
            interest="Shares in Acme Care Ltd", action=DeclarationAction.DID_NOT_VOTE, recorded_by=clerk,
        )
    assert "action" in error.value.message_dict
    services.record_declaration(
        meeting=meeting, membership=councillor, agenda_item=exempt, kind=InterestKind.DISCLOSABLE_PECUNIARY,
        interest="Shares in Acme Care Ltd", action=DeclarationAction.LEFT_ROOM, recorded_by=clerk,
    )


def test_declarations_are_for_this_boards_members_and_this_meetings_items(setting, make_user, today):
    clerk, councillor, meeting, public, exempt = setting
    other = Board.objects.create(name="Another board", terms_of_reference="x", quorum=1)
    stranger = services.add_member(board=other, user=make_user(Role.COUNCILLOR), role=BoardRole.COUNCILLOR, start_date=today)
    other_meeting = services.schedule_meeting(board=other, starts_at=at(today), venue="Hall")
    with pytest.raises(ValidationError) as error:
        services.record_declaration(
            meeting=meeting, membership=stranger, agenda_item=public, kind=InterestKind.NON_REGISTRABLE,
            interest="x", action=DeclarationAction.TOOK_PART, recorded_by=clerk,
        )
    assert "membership" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_declaration(
            meeting=other_meeting, membership=stranger, agenda_item=public, kind=InterestKind.NON_REGISTRABLE,
            interest="x", action=DeclarationAction.TOOK_PART, recorded_by=clerk,
        )
    assert "agenda_item" in error.value.message_dict


def test_the_register_shows_current_interests_unless_asked_for_all(setting, today):
    clerk, councillor, meeting, public, exempt = setting
    current = services.save_registered_interest(
        RegisteredInterest(), member=councillor.user, category=RegisterCategory.BODIES, description="Trustee",
        registered_on=today - datetime.timedelta(days=100),
    )
    ended = services.save_registered_interest(
        RegisteredInterest(), member=councillor.user, category=RegisterCategory.EMPLOYMENT, description="Lecturer",
        registered_on=today - datetime.timedelta(days=100), ended_on=today - datetime.timedelta(days=1),
    )
    assert list(selectors.register_of_interests()) == [current]
    assert set(selectors.register_of_interests(include_ended=True)) == {current, ended}
    with pytest.raises(ValidationError):
        services.save_registered_interest(ended, ended_on=today - datetime.timedelta(days=200))


def test_the_public_agenda_names_only_the_paragraph_of_an_exempt_item(setting, client, make_user):
    clerk, councillor, meeting, public, exempt = setting
    client.force_login(councillor.user)
    page = client.get(reverse("boards:public_agenda", args=[meeting.pk])).content.decode()
    assert "Care leavers&#x27; housing" in page and "Housing protocol" in page
    assert "paragraph 3 of Part 1 of Schedule 12A" in page
    assert "Acme" not in page and "Prices per placement" not in page
    # Members of the board read the exempt item on the meeting's own page.
    full = client.get(reverse("boards:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Placement provider contract: Acme Care Ltd" in full and "Exempt" in full


def test_the_public_board_pack_leaves_out_exempt_business_and_the_members_pack_marks_it(setting):
    clerk, councillor, meeting, public, exempt = setting
    report = Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting)
    html = render_html(report, public=True)
    assert "Care leavers&#x27; housing" in html and "Housing protocol" in html
    assert "paragraph 3 of Part 1 of Schedule 12A" in html
    assert "Acme" not in html and "Prices per placement" not in html
    members = render_html(report)
    assert "Acme" in members and "Exempt: not for publication" in members
