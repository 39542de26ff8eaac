"""
Young people's representatives: the public part of the meetings of boards they sit on (the agenda once public,
its public papers, approved minutes, and the papers marked for them as soon as they are published), and a view
of their own that officers answer in "you said, we did".
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from boards import services
from boards.models import BoardRole, ChildrensView, ViewSource

from .conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def representative(world, member, make_user, client):
    person = make_user(Role.YOUNG_PERSON, username="jay", first_name="Jay", last_name="Morgan")
    member(person, BoardRole.YOUNG_PERSON, voting=False)
    client.force_login(person)
    return person


def test_a_representative_sees_the_public_part_of_their_boards_meetings(world, representative, client, make_user):
    listing = client.get(reverse("boards:representative_meetings")).content.decode()
    assert reverse("boards:representative_meeting", args=[world.held.pk]) in listing
    assert reverse("boards:representative_meeting", args=[world.upcoming.pk]) in listing

    page = client.get(reverse("boards:representative_meeting", args=[world.held.pk])).content.decode()
    assert "Performance report" in page  # the held meeting's agenda is public
    assert "Published report" in page and "Draft report" not in page
    published = reverse("boards:representative_paper", args=[world.held.pk, world.published.pk])
    assert client.get(published).status_code == 200
    assert client.get(reverse("boards:representative_paper", args=[world.held.pk, world.draft.pk])).status_code == 404
    assert client.get(reverse("boards:meeting_detail", args=[world.held.pk])).status_code == 403  # not the staff's page

    # Before the agenda of the next meeting is public, only the papers marked for them are theirs.
    item = services.add_agenda_item(meeting=world.upcoming, title="Leaving care grant", report_author=world.officer)
    for_them = services.upload_paper(
        agenda_item=item, title="What the grant is for (young people's version)", uploaded_by=world.officer,
        published=True, for_young_people=True, file=ContentFile(PDF, name="young.pdf"),
    )
    not_yet = services.upload_paper(
        agenda_item=item, title="Grant budget", uploaded_by=world.officer, published=True,
        file=ContentFile(PDF, name="budget.pdf"),
    )
    page = client.get(reverse("boards:representative_meeting", args=[world.upcoming.pk])).content.decode()
    assert "young people&#x27;s version" in page and "Grant budget" not in page
    assert "The agenda will be published by" in page
    assert client.get(reverse("boards:representative_paper", args=[world.upcoming.pk, for_them.pk])).status_code == 200
    assert client.get(reverse("boards:representative_paper", args=[world.upcoming.pk, not_yet.pk])).status_code == 404

    # Someone else's board: not theirs.
    client.force_login(make_user(Role.YOUNG_PERSON, username="kacey"))
    assert client.get(reverse("boards:representative_meeting", args=[world.held.pk])).status_code == 404
    assert client.get(published).status_code == 404


def test_a_representative_sends_a_view_and_reads_the_boards_answer(world, representative, client, today):
    form = client.get(reverse("boards:view_send")).content.decode()
    assert 'name="view"' in form and 'name="heard_on"' not in form and 'name="source"' not in form
    response = client.post(
        reverse("boards:view_send"),
        {"view": "Pocket money should not stop when we move placement.", "commitment": world.commitment.pk},
    )
    assert response.status_code == 302
    sent = ChildrensView.objects.get(recorded_by=representative)
    assert (sent.source, sent.heard_on, sent.commitment) == (ViewSource.REPRESENTATIVE, today, world.commitment)
    page = client.get(reverse("boards:feedback")).content.decode()
    assert "Pocket money should not stop" in page and "Waiting for the board's answer" in page

    officer = world.officer
    client.force_login(officer)
    respond = reverse("boards:respond", args=[sent.pk])
    assert respond in client.get(reverse("boards:feedback")).content.decode()
    client.post(respond, {
        "we_did": "Pocket money now follows the child to the new placement.", "decision": "Policy changed.",
        "reason": "Moving is hard enough.", "published": "on",
    })
    client.force_login(representative)
    page = client.get(reverse("boards:feedback")).content.decode()
    assert "Pocket money now follows the child" in page and "Waiting for the board" not in page


def test_only_representatives_send_views_this_way(world, client_for):
    for role in (Role.COUNCILLOR, Role.OFFICER, Role.PARTNER):
        assert client_for(role).post(reverse("boards:view_send"), {"view": "x", "service_area": "other"}).status_code == 403
    assert not ChildrensView.objects.filter(view="x").exists()
    with pytest.raises(Exception, match="Only young people's representatives"):
        services.send_view(view="x", sent_by=world.officer, service_area="other")
