import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.uploads import CSV, DOCUMENTS, PAPERS, validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [("paper.pdf", PDF), ("photo.png", PNG), ("minutes.docx", docx_bytes()), ("Header.csv", b"CHILD,SEX,DOB\n1,1,01/01/2015\n")],
)
def test_real_files_of_an_allowed_type_are_accepted(name, content):
    validate_upload(SimpleUploadedFile(name, content), DOCUMENTS + CSV)


def test_a_png_renamed_to_pdf_is_refused_with_a_clear_reason():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("paper.pdf", PNG), DOCUMENTS)
    assert "not a real PDF" in str(error.value)


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.txt", "x")
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("minutes.docx", buffer.getvalue()), DOCUMENTS)


def test_a_program_renamed_to_csv_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("Header.csv", b"MZ\x90\x00\x03\x00\x00\x00"), CSV)
    assert "not a real CSV" in str(error.value)


def test_an_extension_outside_the_list_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("tool.exe", b"MZ"), DOCUMENTS)
    assert "must be one of" in str(error.value)


@override_settings(MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_size_limit_is_refused_with_the_limit_named():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("paper.pdf", PDF + b" " * 200), DOCUMENTS)
    assert "largest allowed is 100" in str(error.value)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("Header.csv", b""), CSV)
    assert "empty" in str(error.value)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
def test_opendocument_text_is_checked_by_its_mimetype_member():
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="Minutes"))
    buffer = io.BytesIO()
    document.save(buffer)
    validate_upload(SimpleUploadedFile("minutes.odt", buffer.getvalue()), PAPERS)
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("minutes.odt", docx_bytes()), PAPERS)
    assert "not a real OpenDocument text" in str(error.value)
    with pytest.raises(ValidationError):  # evidence and other documents take no OpenDocument files
        validate_upload(SimpleUploadedFile("minutes.odt", buffer.getvalue()), DOCUMENTS)
