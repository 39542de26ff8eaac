"""
Checks on uploaded files: type by content (not just by name) and size.

Browsers and people rename files; a ``.pdf`` that does not start with ``%PDF`` is refused, as is anything
over ``settings.MAX_UPLOAD_BYTES`` (or the setting a field names: the 903 import's files are limited by
``settings.COHORT_UPLOAD_MAX_BYTES``, sized for a council's whole return). Used by evidence, meeting papers
and the 903 import.
"""
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Word and Excel


def _zip_has(file, member_prefix):
    try:
        with zipfile.ZipFile(file) as archive:
            return any(name.startswith(member_prefix) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        file.seek(0)


TEXT_ENCODINGS = ("utf-8-sig", "cp1252")  # what council systems and spreadsheets save CSV files as


def decode_text(raw):
    """``raw`` bytes as text in the first of ``TEXT_ENCODINGS`` that fits, or None if none does."""
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _is_text(head):
    return b"\x00" not in head and decode_text(head) is not None


# extension -> (description, check on the first bytes and the file)
KINDS = {
    "pdf": ("PDF", lambda head, f: head.startswith(b"%PDF-")),
    "docx": ("Word document", lambda head, f: head.startswith(b"PK\x03\x04") and _zip_has(f, "word/")),
    "doc": ("Word 97-2003 document", lambda head, f: head.startswith(OLE)),
    # OpenDocument: a ZIP whose first member, stored uncompressed, is "mimetype" holding the document's type.
    "odt": ("OpenDocument text", lambda head, f: head.startswith(b"PK\x03\x04") and head[30:38] == b"mimetype"
            and head[38:77] == b"application/vnd.oasis.opendocument.text"),
    "xlsx": ("Excel workbook", lambda head, f: head.startswith(b"PK\x03\x04") and _zip_has(f, "xl/")),
    "xls": ("Excel 97-2003 workbook", lambda head, f: head.startswith(OLE)),
    "png": ("PNG image", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("JPEG image", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("JPEG image", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "csv": ("CSV file", lambda head, f: _is_text(head)),
    "xml": ("XML file", lambda head, f: _is_text(head) and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")),
}
DOCUMENTS = ("pdf", "docx", "doc", "xlsx", "xls", "png", "jpg", "jpeg")
PAPERS = (*DOCUMENTS, "odt")  # a board paper may also be OpenDocument text, turned into PDF for the pack
CSV = ("csv",)
RETURN_903 = ("csv", "xml")  # the 903's CSV tables, or the DfE's XML submission file


@deconstructible
class UploadValidator:
    """Field validator: ``FileField(validators=[UploadValidator(DOCUMENTS)])``."""

    def __init__(self, extensions, max_bytes=None, limit_setting="MAX_UPLOAD_BYTES"):
        self.extensions = tuple(extensions)
        self.max_bytes = max_bytes
        self.limit_setting = limit_setting

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.extensions, self.max_bytes, self.limit_setting) == (
            other.extensions,
            other.max_bytes,
            other.limit_setting,
        )

    def __call__(self, file):
        validate_upload(file, self.extensions, self.max_bytes, self.limit_setting)


def validate_upload(file, extensions, max_bytes=None, limit_setting="MAX_UPLOAD_BYTES"):
    limit = max_bytes or getattr(settings, limit_setting)
    name = getattr(file, "name", "") or ""
    allowed = ", ".join(sorted({KINDS[e][0] for e in extensions}))
    if file.size is not None and file.size > limit:
        raise ValidationError(
            "The file %(name)s is %(size)s; the largest allowed is %(limit)s.",
            code="file_too_large",
            params={"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    if file.size == 0:
        raise ValidationError("The file %(name)s is empty.", code="empty_file", params={"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in extensions:
        raise ValidationError(
            "The file %(name)s must be one of: %(allowed)s.",
            code="file_type",
            params={"name": name, "allowed": allowed},
        )
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    if not KINDS[extension][1](head, file):
        raise ValidationError(
            "The file %(name)s is not a real %(kind)s (its contents do not match its name).",
            code="file_content",
            params={"name": name, "kind": KINDS[extension][0]},
        )
