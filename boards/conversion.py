"""
Word and OpenDocument papers turned into PDF for the board pack, by LibreOffice running headless (Debian's
``libreoffice-writer-nogui``, installed by ``bin/install`` and the Dockerfile): the pack merges the PDF page
for page like a paper sent as a PDF (``reports.merging``).

LibreOffice runs on the worker (``boards.tasks.convert_paper``, queued when the paper is stored; a pack build
converts any paper still waiting), as a process of its own with a time limit (``PAPER_CONVERSION_TIMEOUT``),
killed with everything it started if it runs over. Each worker process keeps its own LibreOffice profile
(two LibreOffices sharing one refuse to start), made on its first conversion. Macros are never run: LibreOffice
headless does not run a document's macros at its default security level, and nothing here asks it to.
A server without LibreOffice refuses Word and OpenDocument papers at upload, with the reason (``Paper.clean``).
"""
import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

CONVERTED = ("docx", "doc", "odt")  # Word (2007 on, and 97-2003) and OpenDocument text


class ConversionFailed(Exception):
    """Why a paper could not be turned into PDF, in words for the clerk."""


def extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def is_converted(name):
    """Whether a paper of this file name is turned into PDF for the pack."""
    return extension(name) in CONVERTED


def available():
    """Whether LibreOffice can be started here (``settings.LIBREOFFICE``, a name on the PATH or a path)."""
    return bool(settings.LIBREOFFICE) and shutil.which(settings.LIBREOFFICE) is not None


def _profile():
    return Path(tempfile.gettempdir()) / f"cpb-libreoffice-{os.getuid()}-{os.getpid()}"


def to_pdf(field_files, *, timeout=None):
    """
    The PDFs of stored Word or OpenDocument papers, turned by one LibreOffice run (it starts slowly, so a pack's
    papers go together): a list in the same order, each the PDF's bytes or the ``ConversionFailed`` saying why
    not. The run is stopped after ``timeout`` seconds a paper (``PAPER_CONVERSION_TIMEOUT``).
    """
    timeout = (timeout or settings.PAPER_CONVERSION_TIMEOUT) * max(len(field_files), 1)
    if not available():
        failed = ConversionFailed("LibreOffice is not installed on this server, so the paper cannot be turned into PDF.")
        return [failed for _ in field_files]
    with tempfile.TemporaryDirectory(prefix="cpb-convert-") as folder:
        sources, output = [], Path(folder) / "pdf"
        for number, field_file in enumerate(field_files):
            kind = extension(field_file.name)
            source = Path(folder) / f"paper-{number}.{kind}"
            with field_file.open("rb") as handle:
                source.write_bytes(handle.read())
            sources.append(source if kind in CONVERTED else None)
        command = [
            shutil.which(settings.LIBREOFFICE), "--headless", "--norestore", "--nolockcheck", "--nodefault",
            f"-env:UserInstallation={_profile().as_uri()}", "--convert-to", "pdf", "--outdir", str(output),
            *(str(source) for source in sources if source is not None),
        ]
        # A session of its own, so that a conversion running over its time is killed with all it started.
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=folder,
        )
        try:
            _out, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            stopped = ConversionFailed(
                f"LibreOffice took longer than {timeout} seconds to turn the paper into PDF and was stopped."
            )
            return [stopped for _ in field_files]
        detail = (errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reason given"])[0][:200]
        return [_read(source, output, detail) for source in sources]


def _read(source, output, detail):
    from pypdf import PdfReader  # about 25 MB with what it brings: loaded by the workers that convert, not by all
    from pypdf.errors import PdfReadError

    if source is None:
        return ConversionFailed("Only Word and OpenDocument papers are turned into PDF.")
    converted = output / f"{source.stem}.pdf"
    if not converted.exists():
        return ConversionFailed(f"LibreOffice could not read the paper ({detail}).")
    pdf = converted.read_bytes()
    try:
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    except (PdfReadError, ValueError) as error:
        return ConversionFailed(f"LibreOffice's PDF of the paper cannot be read ({error}).")
    if not pdf.startswith(b"%PDF-") or pages == 0:
        return ConversionFailed("LibreOffice's PDF of the paper has no pages.")
    return pdf
