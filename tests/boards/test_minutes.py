"""
Minutes: numbered through the board's council year, drafted by the clerk, approved as a correct record at the next
meeting and fixed from then on, corrections after approval kept as such; recommendations followed to a response.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from boards import selectors, services
from boards.models import AgendaItemKind, MeetingStatus, MinuteKind

from .conftest import at


@pytest.fixture
def two_meetings(board, make_user, today):
    clerk = make_user(Role.ADMINISTRATOR)
    first = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=56)), venue="Hall", status=MeetingStatus.HELD
    )
    item = services.add_agenda_item(meeting=first, title="Care leavers' housing")
    services.record_minute(agenda_item=item, kind=MinuteKind.MINUTE, text="The board noted the report.", recorded_by=clerk)
    services.record_minute(agenda_item=item, kind=MinuteKind.DECISION, text="Agreed to fund two posts.", recorded_by=clerk)
    second = services.schedule_meeting(board=board, starts_at=at(today), venue="Hall")
    return clerk, first, second, item


def test_minutes_are_numbered_through_the_council_year(board, make_user):
    clerk = make_user(Role.ADMINISTRATOR)
    numbers = []
    # 10 April 2025 is in the council year from May 2024; 12 June and 9 October 2025 in the one from May 2025.
    for day in (datetime.date(2025, 4, 10), datetime.date(2025, 6, 12), datetime.date(2025, 10, 9)):
        meeting = services.schedule_meeting(board=board, starts_at=at(day), venue="Hall", status=MeetingStatus.HELD)
        item = services.add_agenda_item(meeting=meeting, title="Report")
        for _ in range(2):
            numbers.append(services.record_minute(agenda_item=item, kind="minute", text="Noted.", recorded_by=clerk).number)
    assert numbers == [1, 2, 1, 2, 3, 4]


def test_the_next_meeting_approves_the_minutes_and_they_are_then_fixed(two_meetings):
    clerk, first, second, item = two_meetings
    minute = item.minutes.get(kind=MinuteKind.DECISION)
    services.update_minute(minute, text="Agreed to fund two wellbeing posts.")  # a draft can change
    previous = services.approve_minutes(second, approved_by=clerk)
    first.refresh_from_db()
    assert previous == first and first.minutes_approved_at == second and first.minutes_approved_on == second.date
    resolution = second.agenda_items.get(kind=AgendaItemKind.PREVIOUS_MINUTES).minutes.get()
    assert resolution.text.endswith("be approved as a correct record.")
    minute.refresh_from_db()
    with pytest.raises(ValidationError, match="correct record"):
        services.update_minute(minute, text="Something else")
    with pytest.raises(ValidationError):
        services.remove_minute(minute)
    with pytest.raises(ValidationError):
        services.record_minute(agenda_item=item, kind="minute", text="Late addition.", recorded_by=clerk)
    with pytest.raises(ValidationError, match="approved already"):
        services.approve_minutes(second, approved_by=clerk)


def test_minutes_are_approved_at_the_meeting_not_before_it(two_meetings, board, today):
    clerk, first, second, item = two_meetings
    second.starts_at = at(today + datetime.timedelta(days=7))
    second.save()
    with pytest.raises(ValidationError, match="on its day or after"):
        services.approve_minutes(second, approved_by=clerk)


def test_a_correction_after_approval_is_recorded_as_such(two_meetings):
    clerk, first, second, item = two_meetings
    services.approve_minutes(second, approved_by=clerk)
    minute = item.minutes.get(kind=MinuteKind.DECISION)
    correction = services.correct_approved_minute(
        minute, text="Agreed to fund two posts for two years.", reason="The chair confirmed the term.", corrected_by=clerk
    )
    minute.refresh_from_db()
    assert minute.text == "Agreed to fund two posts for two years."
    assert (correction.previous_text, correction.reason) == ("Agreed to fund two posts.", "The chair confirmed the term.")


def test_a_recommendation_says_to_whom_and_is_followed_to_its_response(two_meetings, today, world):
    clerk, first, second, item = two_meetings
    with pytest.raises(ValidationError) as error:
        services.record_minute(agenda_item=item, kind=MinuteKind.RECOMMENDATION, text="Fund a nurse.", recorded_by=clerk)
    assert {"recommended_to", "response_due"} <= set(error.value.message_dict)
    recommendation = services.record_minute(
        agenda_item=item, kind=MinuteKind.RECOMMENDATION, text="That the ICB funds a nurse.", recorded_by=clerk,
        recommended_to="Integrated care board", response_due=today - datetime.timedelta(days=1),
    )
    outstanding = selectors.recommendations(clerk, outstanding_only=True)
    assert [(m.pk, m.is_overdue) for m in outstanding] == [(recommendation.pk, True)]
    services.record_response(recommendation, response="Funded from April.", received_on=today)
    assert not selectors.recommendations(clerk, outstanding_only=True).exists()
    with pytest.raises(ValidationError):
        services.record_response(item.minutes.get(kind=MinuteKind.MINUTE), response="x", received_on=today)


def test_editing_an_approved_minute_sends_the_clerk_to_record_a_correction(two_meetings, client):
    clerk, first, second, item = two_meetings
    services.approve_minutes(second, approved_by=clerk)
    minute = item.minutes.first()
    client.force_login(clerk)
    response = client.get(reverse("boards:minute_edit", args=[first.pk, minute.pk]))
    assert response.url == reverse("boards:minute_correct", args=[first.pk, minute.pk])
    response = client.post(response.url, {"text": "Corrected.", "reason": "Typing error."})
    assert response.status_code == 302
    assert minute.corrections.get().corrected_text == "Corrected."


def test_the_clerk_records_a_response_through_the_page(two_meetings, client, today):
    clerk, first, second, item = two_meetings
    recommendation = services.record_minute(
        agenda_item=item, kind=MinuteKind.RECOMMENDATION, text="That Cabinet funds it.", recorded_by=clerk,
        recommended_to="Cabinet", response_due=today,
    )
    client.force_login(clerk)
    url = reverse("boards:recommendation_response", args=[recommendation.pk])
    future = client.post(url, {"response": "Agreed.", "response_received_on": (today + datetime.timedelta(days=1)).isoformat()})
    assert future.status_code == 200 and "cannot be in the future" in future.content.decode()
    assert client.post(url, {"response": "Agreed.", "response_received_on": today.isoformat()}).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.response, recommendation.response_received_on) == ("Agreed.", today)
