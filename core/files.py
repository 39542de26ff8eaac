"""Streaming stored files to permitted users. There is no public media URL; views call this."""
import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404


def private_file_response(field_file, download_name=None):
    if not field_file:
        raise Http404("No file is stored.")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The stored file is missing.") from error
    name = download_name or PurePath(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
