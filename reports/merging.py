"""
Papers merged into a board pack, page for page, with pypdf.

The pack's HTML holds one empty placeholder page for each page of each PDF paper, after the paper's cover sheet
(``<div class="merged-paper__page" id="paper-<pk>-page-<n>">``). WeasyPrint lays the pack out with those pages,
so its contents page, page numbers ("Page 9 of 40") and running headers count them; then each paper page is
drawn underneath its placeholder, scaled into the page's content area so the pack's header and page number
stay clear of it. Each paper's first page carries a bookmark (CSS ``bookmark-label``). Word and OpenDocument
papers are merged from their PDF version (``boards.conversion``, LibreOffice); Excel and image papers are listed
in the pack, not merged.

pypdf is imported by the functions that use it: with the fontTools and Pillow it brings, it is about 25 MB of
every process's memory, and only the processes that count or merge a paper's pages need it.
"""
import io
import re

PLACEHOLDER = re.compile(r"paper-(\d+)-page-(\d+)")
MM = 72 / 25.4
# The pack's page (A4) and margins, as reports/static/reports/pdf.css sets them: top, right, bottom, left.
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
MARGINS = (22 * MM, 18 * MM, 24 * MM, 18 * MM)


def _reader(field_file):
    from pypdf import PdfReader  # only when a paper is read (see above)

    with field_file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def page_count(field_file):
    """How many pages a paper has if it is a PDF that can be read, else None (it is listed, not merged)."""
    if not field_file or not field_file.name.lower().endswith(".pdf"):
        return None
    from pypdf.errors import PdfReadError  # only when a paper is read (see above)

    try:
        return len(_reader(field_file).pages) or None
    except (PdfReadError, OSError, ValueError):
        return None


def placeholders(document):
    """``{page index: (paper pk, page number in the paper)}`` from a rendered WeasyPrint document's anchors."""
    found = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            match = PLACEHOLDER.fullmatch(anchor)
            if match:
                found[index] = (int(match[1]), int(match[2]))
    return found


def _fit(source):
    """The transformation that scales a paper page into the pack page's content area, centred."""
    from pypdf import Transformation  # only when a pack is merged (see above)

    top, right, bottom, left = MARGINS
    box = source.mediabox
    width, height = float(box.width), float(box.height)
    if source.get("/Rotate", 0) % 180:
        width, height = height, width
    room_width, room_height = PAGE_WIDTH - left - right, PAGE_HEIGHT - top - bottom
    scale = min(room_width / width, room_height / height)
    x = left + (room_width - width * scale) / 2 - float(box.left) * scale
    y = bottom + (room_height - height * scale) / 2 - float(box.bottom) * scale
    return Transformation().scale(scale).translate(x, y)


def merge(pack_pdf, pages, files):
    """
    The pack with each placeholder page's paper page drawn beneath it. ``pages`` from ``placeholders``;
    ``files`` maps each paper's pk to its stored file. Returns the PDF's bytes.
    """
    if not pages:
        return pack_pdf
    from pypdf import PdfWriter  # only when a pack is merged (see above)

    readers = {pk: _reader(files[pk]) for pk in {pk for pk, _number in pages.values()}}
    writer = PdfWriter(clone_from=io.BytesIO(pack_pdf))
    for index, (pk, number) in pages.items():
        source = readers[pk].pages[number]
        if source.get("/Rotate", 0):
            source.transfer_rotation_to_content()
        writer.pages[index].merge_transformed_page(source, _fit(source), over=False)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
