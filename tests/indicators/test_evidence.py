"""Evidence: notes, links to board measures and uploaded files, checked by type and size, downloaded only by permitted people."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from indicators.models import EvidenceItem

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _upload(client, evaluation, name, content, **fields):
    data = {"title": "Case file audit", "text": "", "measure": "", "file_audience": "officers", **fields}
    if name:
        data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("indicators:evidence_add", args=[evaluation.pk]), data)


def test_officer_uploads_a_pdf_which_is_stored_privately_and_downloads_it(client, evaluation, author, settings):
    client.force_login(author)
    response = _upload(client, evaluation, "audit.pdf", PDF)
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.file.name.endswith("audit.pdf") and item.added_by == author
    assert item.file.path.startswith(settings.STORAGES["default"]["OPTIONS"]["location"])
    page = client.get(reverse("indicators:evaluation_detail", args=[evaluation.pk])).content.decode()
    download = reverse("indicators:evidence_download", args=[item.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_a_renamed_program_is_refused_with_a_clear_message(client, evaluation, author):
    client.force_login(author)
    response = _upload(client, evaluation, "minutes.pdf", b"MZ\x90\x00 this is a program")
    assert response.status_code == 400
    assert "is not a real PDF" in response.content.decode()
    response = _upload(client, evaluation, "script.exe", b"MZ\x90\x00")
    assert "must be one of" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, evaluation, author, settings):
    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(author)
    response = _upload(client, evaluation, "big.pdf", PDF + b"x" * 200)
    assert "the largest allowed is 100" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_evidence_links_to_a_known_board_measure_only(client, evaluation, author):
    client.force_login(author)
    response = _upload(client, evaluation, None, b"", measure="not_a_measure", text="Figures.")
    assert response.status_code == 400 and not EvidenceItem.objects.exists()
    response = _upload(client, evaluation, None, b"", measure="placement_foster", title="Foster placements")
    assert response.status_code == 302
    assert EvidenceItem.objects.get().measure == "placement_foster"
    page = client.get(reverse("indicators:evaluation_detail", args=[evaluation.pk])).content.decode()
    assert reverse("measures:measure_detail", args=["placement_foster"]) in page


def test_empty_evidence_is_refused(client, evaluation, author):
    client.force_login(author)
    response = _upload(client, evaluation, None, b"")
    assert "Give a summary, a board measure or a file" in response.content.decode()


@pytest.fixture
def stored_evidence(evaluation, author):
    from indicators import services

    return services.add_evidence(
        evaluation, author, title="Audit", file=SimpleUploadedFile("audit.pdf", PDF)
    )


@pytest.mark.parametrize(
    "role, status_before_approval, status_after_approval",
    [
        (Role.OFFICER, 200, 200),
        (Role.ADMINISTRATOR, 200, 200),
        (Role.COUNCILLOR, 404, 403),  # officers only until an officer opens it to the board
        (Role.CHIEF_EXECUTIVE, 404, 403),
        (Role.YOUNG_PERSON, 403, 403),
    ],
)
def test_download_only_for_permitted_roles(client_for, stored_evidence, approve, role, status_before_approval, status_after_approval):
    client = client_for(role)
    url = reverse("indicators:evidence_download", args=[stored_evidence.pk])
    assert client.get(url).status_code == status_before_approval
    approve(stored_evidence.evaluation)
    assert client.get(url).status_code == status_after_approval


def test_a_councillor_is_told_a_file_exists_but_is_for_officers_only(client, stored_evidence, approve, make_user):
    approve(stored_evidence.evaluation)
    client.force_login(make_user(Role.COUNCILLOR))
    page = client.get(reverse("indicators:evaluation_detail", args=[stored_evidence.evaluation.pk])).content.decode()
    assert "A file is attached to this evidence. It is for officers only." in page
    assert reverse("indicators:evidence_download", args=[stored_evidence.pk]) not in page
    assert "audit.pdf" not in page
    assert client.get(reverse("indicators:evidence_download", args=[stored_evidence.pk])).status_code == 403


def test_an_officer_opens_a_file_to_the_board_and_closes_it_again(client, stored_evidence, approve, author, make_user):
    approve(stored_evidence.evaluation)
    evaluation_url = reverse("indicators:evaluation_detail", args=[stored_evidence.evaluation.pk])
    download = reverse("indicators:evidence_download", args=[stored_evidence.pk])
    audience = reverse("indicators:evidence_audience", args=[stored_evidence.pk])
    client.force_login(author)
    page = client.get(evaluation_url).content.decode()
    assert "Officers only" in page and 'value="board"' in page
    response = client.post(audience, {"audience": "board"}, follow=True)
    assert "is now open to the board" in response.content.decode()

    councillor = Client()
    councillor.force_login(make_user(Role.COUNCILLOR))
    assert download in councillor.get(evaluation_url).content.decode()
    response = councillor.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert councillor.post(audience, {"audience": "officers"}).status_code == 403

    client.post(audience, {"audience": "officers"})
    assert councillor.get(download).status_code == 403
    assert client.post(audience, {"audience": "everyone"}, follow=True).status_code == 200
    stored_evidence.refresh_from_db()
    assert stored_evidence.file_audience == "officers"


def test_new_evidence_files_are_for_officers_only_unless_chosen(client, evaluation, author):
    client.force_login(author)
    _upload(client, evaluation, "audit.pdf", PDF)
    _upload(client, evaluation, "survey.pdf", PDF, title="Children's survey summary", file_audience="board")
    audiences = dict(EvidenceItem.objects.values_list("title", "file_audience"))
    assert audiences == {"Case file audit": "officers", "Children's survey summary": "board"}


def test_anonymous_download_goes_to_sign_in(client, stored_evidence):
    response = client.get(reverse("indicators:evidence_download", args=[stored_evidence.pk]))
    assert response.status_code == 302 and "login" in response.url


def test_removing_evidence_deletes_the_stored_file(client, stored_evidence, author, django_capture_on_commit_callbacks):
    storage, name = stored_evidence.file.storage, stored_evidence.file.name
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:evidence_delete", args=[stored_evidence.pk]))
    assert not EvidenceItem.objects.exists()
    assert not storage.exists(name)
