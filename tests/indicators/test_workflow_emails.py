"""
The workflow's emails, sent through the forms the officers press: to the right people, with no personal data
(no comments, no answers, nothing about a child); and the moderator reading the evidence on the moderation form.
"""
import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from indicators import services

from .conftest import ANSWERS, held_meeting
from .test_evidence import PDF, _upload

# Words that stand for what an email must never carry: a moderator's comment, an answer, a child.
COMMENT = "Jamie Smith's case file shows a move in May"
PRIVATE = (COMMENT, "Jamie", ANSWERS["how_good_are_we_now"], ANSWERS["how_do_we_know"], ANSWERS["what_will_we_do"])


@pytest.fixture
def people(author, moderator, make_user):
    """The author and moderator, another officer, an administrator, and people who must never be told."""
    make_user(Role.OFFICER, username="third", email="third@council.example")
    make_user(Role.ADMINISTRATOR, username="admin", email="admin@council.example")
    make_user(Role.OFFICER, username="gone", email="gone@council.example", is_active=False)
    make_user(Role.OFFICER, username="no-email", email="")
    make_user(Role.COUNCILLOR, username="cllr", email="cllr@council.example")
    make_user(Role.CLERK, username="clerk", email="clerk@council.example")


def _sent(mailoutbox):
    sent = [(message.to[0], message.subject) for message in mailoutbox]
    for message in mailoutbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        for words in PRIVATE:
            assert words not in message.body and words not in message.subject
    mailoutbox.clear()
    return sorted(sent)


def test_each_step_emails_the_right_people_and_nothing_personal(
    client, evaluation, author, moderator, people, mailoutbox, django_capture_on_commit_callbacks
):
    def press(user, url_name, data):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(url_name, args=[evaluation.pk]), data)
        assert response.status_code == 302, response.content.decode()

    press(author, "indicators:evaluation_edit", {**ANSWERS, "assigned_officer": author.pk})
    assert mailoutbox == []  # editing tells nobody
    press(author, "indicators:evaluation_submit", {"comment": COMMENT})
    subject = "Self-evaluation to moderate: QI 1.1 (2025-26)"
    assert _sent(mailoutbox) == [
        ("admin@council.example", subject), ("moderator@council.example", subject), ("third@council.example", subject),
    ]

    press(moderator, "indicators:evaluation_moderate", {"decision": "return", "comment": COMMENT})
    [message] = mailoutbox
    assert "comments are on its page" in message.body
    assert reverse("indicators:evaluation_detail", args=[evaluation.pk]) in message.body
    assert _sent(mailoutbox) == [("author@council.example", "Self-evaluation returned for changes: QI 1.1 (2025-26)")]

    press(author, "indicators:evaluation_submit", {})
    assert len(_sent(mailoutbox)) == 3
    press(moderator, "indicators:evaluation_moderate", {"decision": "agree", "comment": COMMENT})
    assert _sent(mailoutbox) == [("author@council.example", "Self-evaluation agreed at moderation: QI 1.1 (2025-26)")]

    meeting = held_meeting(datetime.date(2026, 5, 20))
    press(moderator, "indicators:evaluation_approve", {"meeting": meeting.pk, "comment": COMMENT})
    subject = "Self-evaluation approved by the board: QI 1.1 (2025-26)"
    assert _sent(mailoutbox) == [("author@council.example", subject), ("moderator@council.example", subject)]


def test_a_whole_cycle_approved_at_once_sends_one_email_to_each_person(
    client, cycle, author, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    for evaluation in cycle.evaluations.all():
        services.update_evaluation(evaluation, author, **ANSWERS)
        services.submit_evaluation(evaluation, author)
        services.moderate_evaluation(evaluation, moderator, agree=True)
    mailoutbox.clear()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:cycle_approve", args=[cycle.pk]), {"meeting": held_meeting(datetime.date(2026, 5, 20)).pk})
    assert "at its meeting on 20 May 2026: 3 evaluations approved" in mailoutbox[0].body
    subject = "Self-evaluation approved by the board: 2025-26"
    assert _sent(mailoutbox) == [("author@council.example", subject), ("moderator@council.example", subject)]


def test_the_moderator_reads_the_evidence_on_the_moderation_form(client, evaluation, author, moderator):
    client.force_login(author)
    client.post(reverse("indicators:evaluation_edit", args=[evaluation.pk]), {**ANSWERS, "assigned_officer": author.pk})
    _upload(client, evaluation, "audit.pdf", PDF, title="Case file audit", text="40 files read in October.")
    client.post(reverse("indicators:evaluation_submit", args=[evaluation.pk]), {})
    item = evaluation.evidence.get()

    client.force_login(moderator)
    page = client.get(reverse("indicators:evaluation_moderate", args=[evaluation.pk])).content.decode()
    evidence = page[page.index("The evidence"):page.index('name="decision"')]
    assert "Case file audit" in evidence and "40 files read in October." in evidence
    download = reverse("indicators:evidence_download", args=[item.pk])
    assert f'href="{download}"' in evidence
    assert reverse("indicators:evidence_audience", args=[item.pk]) not in page  # reading, not changing
    assert client.get(download).status_code == 200
