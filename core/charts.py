"""
Charts drawn on the server as SVG, so the same chart appears on a page and in a WeasyPrint PDF board pack.

Hand-written rather than a plotting library: the three shapes the board needs (bars, trend lines with
comparator lines, placement mix) are a few dozen lines each; the output is small, needs no JavaScript (the
content security policy allows none inline), uses SVG presentation attributes rather than ``style`` (also
forbidden by the policy), and WeasyPrint renders it as vectors. Each chart is an image with a text
alternative (``role="img"``, ``<title>``, ``<desc>``); series differ by line pattern and marker shape and
carry text labels, never colour alone; and each ``Chart`` carries its data table, which
``core/chart.html`` prints right below it.

Disclosure control (``core.suppression``): a chart draws each value exactly as its printed label gives it
(``suppression.as_printed`` of the table's text), never the unrounded number behind it, so the geometry can
be measured to no more than the label says. A withheld value (``[c]``) or one with no data is not drawn at
all: a gap in a line, no bar, no segment in a stacked bar (the segments after it close up, so its width
cannot be measured between its neighbours).
"""
import itertools
import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.suppression import as_printed

TEXT = "#0b0c0c"
GRID = "#b1b4b6"
MUTED = "#505a5f"
# GOV.UK palette, chosen for contrast with white and with each other.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#505a5f", "#912b88")
DASHES = (None, "8 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")
FONT = "Arial, Helvetica, sans-serif"

_ids = itertools.count(1)


@dataclass
class Series:
    name: str
    values: list  # numbers, or None for a gap
    labels: list | None = None  # text for the data table (e.g. "[c]"); defaults to the formatted value


@dataclass
class Chart:
    """An SVG and the table of the same data (caption, column headings, rows of [row heading, cells...])."""

    svg: str
    title: str
    description: str
    columns: list
    rows: list = field(default_factory=list)

    def __str__(self):
        return self.svg

    @property
    def labelled_rows(self):
        """Each row as (row heading, [(column heading, cell)]): a phone shows each cell under its heading."""
        return [(row[0], list(zip(self.columns[1:], row[1:]))) for row in self.rows]


def _new_id(prefix):
    return f"{prefix}-{next(_ids)}"


def _number(value, places=1):
    if value is None:
        return "No data"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{places}f}"


def _nice_max(value):
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.4, 4, 6, 8, 10):  # each splits into four round ticks
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _open_svg(chart_id, width, height, title, description):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="13" fill="{TEXT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _marker(shape, x, y, colour):
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def _table_cell(series, index, suffix):
    if series.labels is not None:
        return series.labels[index]
    value = series.values[index]
    return "No data" if value is None else f"{_number(value)}{suffix}"


def line_chart(title, description, x_labels, series, *, suffix="", target=None, y_label=""):
    # x_labels are years in every chart the board uses; the data table heads its first column "Year".
    """
    A trend: one line per series over ``x_labels`` (e.g. the council, England, statistical neighbours),
    with an optional horizontal target line. Each series has its own dash pattern, marker and end label.
    """
    chart_id = _new_id("chart")
    width, height = 680, 320
    left, right, top, bottom = 60, 190, 20, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    texts = [[_table_cell(s, i, suffix) for i in range(len(s.values))] for s in series]
    series = [Series(s.name, [as_printed(text) for text in cells], cells) for s, cells in zip(series, texts)]
    known = [v for s in series for v in s.values if v is not None] + ([target] if target is not None else [])
    y_max = _nice_max(max(known) if known else 1)
    step_x = plot_w / max(len(x_labels) - 1, 1)

    def x_at(i):
        return left + (i * step_x if len(x_labels) > 1 else plot_w / 2)

    def y_at(v):
        return top + plot_h - (float(v) / y_max) * plot_h

    parts = _open_svg(chart_id, width, height, title, description)
    for tick in range(5):
        value = y_max * tick / 4
        y = y_at(value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(_number(value))}{escape(suffix)}</text>')
    for i, label in enumerate(x_labels):
        parts.append(f'<text x="{x_at(i):.1f}" y="{top + plot_h + 20}" text-anchor="middle">{escape(label)}</text>')
    if y_label:
        parts.append(f'<text x="{left}" y="{height - 8}" fill="{MUTED}">{escape(y_label)}</text>')
    end_labels = []
    if target is not None:
        y = y_at(target)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{TEXT}" '
            f'stroke-width="2" stroke-dasharray="12 4 2 4"/>'
        )
        end_labels.append([y, f"Target {_number(target)}{suffix}", TEXT])
    for index, item in enumerate(series):
        colour, dash, shape = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment = []
        for i, value in enumerate(list(item.values) + [None]):
            if value is not None:
                segment.append((x_at(i), y_at(value)))
                continue
            if len(segment) > 1:
                path = " ".join(f"{'M' if n == 0 else 'L'}{x:.1f} {y:.1f}" for n, (x, y) in enumerate(segment))
                parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="3"{dash_attr}/>')
            segment = []
        last = None
        for i, value in enumerate(item.values):
            if value is not None:
                parts.append(_marker(shape, x_at(i), y_at(value), colour))
                last = (i, value)
        if last is not None:
            shown = item.labels[last[0]] if item.labels is not None else f"{_number(last[1])}{suffix}"
            end_labels.append([y_at(last[1]), f"{item.name} {shown}", colour])
    # Keep end labels from overlapping: push each at least 16px below the one above.
    end_labels.sort(key=lambda label: label[0])
    for n in range(1, len(end_labels)):
        end_labels[n][0] = max(end_labels[n][0], end_labels[n - 1][0] + 16)
    for y, text, colour in end_labels:
        parts.append(f'<text x="{left + plot_w + 10}" y="{y + 4:.1f}" fill="{colour}" font-weight="bold">{escape(text)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{TEXT}"/>')
    parts.append("</svg>")
    columns = ["Year", *(s.name for s in series)] + (["Target"] if target is not None else [])
    rows = [
        [label, *(_table_cell(s, i, suffix) for s in series)]
        + ([f"{_number(target)}{suffix}"] if target is not None else [])
        for i, label in enumerate(x_labels)
    ]
    return Chart(mark_safe("".join(parts)), title, description, columns, rows)


def bar_chart(title, description, bars, *, suffix="", value_heading="Value", labels=None, maximum=None):
    """
    Horizontal bars, one per (label, value), each with its value written at its end. ``labels`` gives the
    table's text per bar (e.g. "[c]" for a withheld value, drawn as no bar with that text).
    """
    chart_id = _new_id("chart")
    label_w, bar_w, row_h, top = 250, 330, 30, 10
    width, height = label_w + bar_w + 90, top + row_h * max(len(bars), 1) + 10
    texts = labels or [("No data" if v is None else f"{_number(v)}{suffix}") for _label, v in bars]
    bars = [(label, as_printed(text)) for (label, _value), text in zip(bars, texts)]
    known = [v for _label, v in bars if v is not None]
    x_max = maximum or _nice_max(max(known) if known else 1)
    parts = _open_svg(chart_id, width, height, title, description)
    for i, ((label, value), text) in enumerate(zip(bars, texts)):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{escape(label)}</text>')
        length = 0 if value is None else bar_w * float(value) / x_max
        if length:
            parts.append(
                f'<rect x="{label_w}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}" fill="{COLOURS[0]}"/>'
            )
        parts.append(f'<text x="{label_w + length + 6:.1f}" y="{y + 19}">{escape(text)}</text>')
    parts.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - 10}" stroke="{TEXT}"/>')
    parts.append("</svg>")
    rows = [[label, text] for (label, _v), text in zip(bars, texts)]
    return Chart(mark_safe("".join(parts)), title, description, ["", value_heading], rows)


PATTERNS = (
    None,
    '<path d="M0 8 L8 0" stroke="#ffffff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
    '<path d="M0 4 L8 4" stroke="#ffffff" stroke-width="2"/>',
    '<path d="M0 0 L8 8" stroke="#ffffff" stroke-width="2"/>',
    '<path d="M4 0 L4 8" stroke="#ffffff" stroke-width="2"/>',
    None,
    '<path d="M0 8 L8 0 M0 0 L8 8" stroke="#ffffff" stroke-width="1.5"/>',
)


def stacked_bar_chart(title, description, x_labels, segments, *, suffix="%", labels=None):
    """
    One 100% bar per ``x_labels`` entry (e.g. per year), split into ``segments`` [(name, [values])] such as
    the placement mix. Each segment has a colour and a pattern, its value written inside when it fits, and a
    legend entry. ``labels`` ({name: [text]}) gives the table's text (e.g. "[c]").
    """
    texts = {
        name: [
            labels[name][i] if labels and name in labels else ("No data" if v is None else f"{_number(v, 0)}{suffix}")
            for i, v in enumerate(values)
        ]
        for name, values in segments
    }
    segments = [(name, [as_printed(text) for text in texts[name]]) for name, _values in segments]
    chart_id = _new_id("chart")
    label_w, bar_w, row_h, top = 80, 520, 34, 10
    width = label_w + bar_w + 20
    # Legend columns as wide as the longest name (about 7px a character at 13px), as many as fit.
    column_w = 30 + 7 * max((len(name) for name, _values in segments), default=1)
    per_row = max(1, (width - label_w) // column_w)
    legend_rows = math.ceil(len(segments) / per_row)
    height = top + row_h * len(x_labels) + 20 + legend_rows * 24
    parts = _open_svg(chart_id, width, height, title, description)
    parts.append("<defs>")
    for n, pattern in enumerate(PATTERNS[: len(segments)]):
        if pattern:
            parts.append(
                f'<pattern id="{chart_id}-p{n}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="{COLOURS[n % len(COLOURS)]}"/>{pattern}</pattern>'
            )
    parts.append("</defs>")

    def fill(n):
        return f"url(#{chart_id}-p{n})" if PATTERNS[n % len(PATTERNS)] else COLOURS[n % len(COLOURS)]

    for i, x_label in enumerate(x_labels):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 21}" text-anchor="end">{escape(x_label)}</text>')
        x = label_w
        for n, (_name, values) in enumerate(segments):
            value = values[i]
            if not value:
                continue
            length = bar_w * float(value) / 100
            parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="{row_h - 8}" fill="{fill(n)}" stroke="#ffffff"/>')
            if length >= 34:
                parts.append(
                    f'<rect x="{x + length / 2 - 16:.1f}" y="{y + 10}" width="32" height="15" fill="#ffffff"/>'
                    f'<text x="{x + length / 2:.1f}" y="{y + 22}" text-anchor="middle" font-size="12">'
                    f"{escape(_number(value, 0))}{escape(suffix)}</text>"
                )
            x += length
    legend_top = top + row_h * len(x_labels) + 14
    for n, (name, _values) in enumerate(segments):
        lx, ly = label_w + (n % per_row) * column_w, legend_top + (n // per_row) * 24
        parts.append(f'<rect x="{lx}" y="{ly}" width="16" height="16" fill="{fill(n)}" stroke="{TEXT}"/>')
        parts.append(f'<text x="{lx + 22}" y="{ly + 13}">{escape(name)}</text>')
    parts.append("</svg>")
    columns = ["Year", *(name for name, _v in segments)]
    rows = [[x_label, *(texts[name][i] for name, _values in segments)] for i, x_label in enumerate(x_labels)]
    return Chart(mark_safe("".join(parts)), title, description, columns, rows)
