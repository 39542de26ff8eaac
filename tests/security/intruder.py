"""
The intruder: a reader who is not an officer, with nothing but what the app shows them, trying to work out
the figures it withholds.

``Intruder(client)`` signs in as it is given, walks every page it can reach under the measure, dashboard,
report and public addresses (following links, and every year the year picker offers), downloads every PDF,
and writes down every figure it sees: each measure's value in each year from the pages' tables, the PDFs'
text, the charts' data tables, and the charts' drawing (SVG on the pages, rectangles in the PDFs), read the
way a person with a ruler would, as an interval. Then ``solve()`` writes down every relation the app states
(a percentage is its count over a base; measures defined over the same children share the base; the base
"children looked after at 31 March" is itself published; the parts of a breakdown add up to the whole; a
gap to England is the value less England's) and asks an integer programme (scipy's ``milp``) for the
smallest and largest value each withheld count, and the rest of its base, can take.

A withheld figure is *narrowed* when it can only be 1 to 4, or only one value. The test fails on any.

The intruder knows the rules the README states (a withheld figure is never a zero that belongs to a
breakdown; a shown percentage is rounded to a whole number), as Kerckhoffs would have it, and nothing about
the data.
"""
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

CRAWL_PREFIXES = ("/dashboard/", "/measures/", "/reports/", "/public/")
CRAWL_LIMIT = 400
MARKER = "[c]"
BIG = 10**6  # no base of children is this large: "unbounded"
SVG_PRECISION = 0.05  # coordinates are written to a tenth of a pixel
PDF_PRECISION = 0.01  # and to about a hundredth of a point in a PDF
YEAR_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


# --- A small HTML tree ------------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)
    parent: "Node | None" = None

    def text(self):
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def find_all(self, tag):
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    yield child
                yield from child.find_all(tag)

    def elements(self):
        return [child for child in self.children if isinstance(child, Node)]


VOID = {"br", "img", "input", "link", "meta", "hr", "col", "source", "wbr", "area", "base", "embed", "param"}


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        if data.strip():
            self.current.children.append(data)


def parse_html(html):
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def _table(node):
    """(caption, header texts, rows of cell texts) of a <table>."""
    captions = list(node.find_all("caption"))
    caption = captions[0].text() if captions else ""
    header, rows = [], []
    for row in node.find_all("tr"):
        cells = [cell.text() for cell in row.elements() if cell.tag in ("th", "td")]
        if not header and all(cell.tag == "th" for cell in row.elements() if cell.tag in ("th", "td")):
            header = cells
        else:
            rows.append(cells)
    return caption, header, rows


# --- What a reader sees -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One figure about one measure in one year, as an interval of its value (or withheld)."""

    measure: str
    year: int
    withheld: bool
    low: float = 0.0
    high: float = 0.0
    where: str = ""


def interval_of(text, unit):
    """The values a printed figure stands for: "66%" is 65.5 to 66.5; "216" is 216; None if not a number."""
    text = text.strip()
    try:
        number = float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return None
    if unit == "count":
        return number, number
    decimals = len(text.rstrip("%").split(".")[1]) if "." in text else 0
    half = 0.5 * 10**-decimals
    return number - half, number + half


class Registry:
    """What the pages say about the measures: titles, units, which share a base, which add up to a whole."""

    def __init__(self):
        from measures import registry as measures

        self.measures = measures
        self.by_title = {m.title.lower(): m for m in measures.MEASURES}
        self.by_identifier = {m.identifier: m for m in measures.MEASURES}
        self.parts_of_the_whole = [list(group) for group in measures.PARTS_OF_THE_WHOLE]
        self.whole = "looked_after_at_31_march"
        self.whole_base = self.by_identifier["placement_foster"].denominator_label
        self.categories = {f"Category of need: {label}".lower(): f"category_of_need_{code.lower()}" for code, label in measures.CATEGORIES_OF_NEED.items()}

    def measure(self, title):
        return self.by_title.get(" ".join(title.split()).lower())

    def segment(self, name):
        """A placement mix segment's name (the measure title without "Placed ") to its measure."""
        name = name.lower()
        for identifier in self.parts_of_the_whole[-1]:
            title = self.by_identifier[identifier].title.lower()
            if title.removeprefix("placed ") == name:
                return identifier
        return None

    def category(self, label):
        return self.categories.get(f"category of need: {label}".lower())

    def year_of(self, text):
        match = YEAR_LABEL.match(text.strip())
        if match:
            return int(match.group(1)) + 1
        return int(text) if text.strip().isdigit() and len(text.strip()) == 4 else None


class Intruder:
    def __init__(self, client, registry=None):
        self.client = client
        self.registry = registry or Registry()
        self.seen = []
        self.gaps = []  # (measure, year, england low, england high, gap low, gap high)
        self.pages = 0
        self.pdfs = 0
        self.chart_marks = 0
        self.measured = []  # chart marks whose drawing says more than their printed label

    # Walking the app ------------------------------------------------------------------------------------

    def walk(self, start="/"):
        queue, visited = [start], set()
        while queue and len(visited) < CRAWL_LIMIT:
            url = queue.pop(0)
            if url in visited or url is None:
                continue
            visited.add(url)
            response = self.client.get(url, follow=True)
            if response.status_code != 200:
                continue
            content_type = response.get("Content-Type", "")
            if content_type.startswith("application/pdf"):
                self.read_pdf(b"".join(response.streaming_content) if response.streaming else response.content, url)
                continue
            if not content_type.startswith("text/html"):
                continue
            html = response.content.decode()
            self.pages += 1
            root = parse_html(html)
            self.read_page(root, url)
            for link in root.find_all("a"):
                href = link.attrs.get("href")
                if href:
                    queue.append(self._local(url, href))
            for select in root.find_all("select"):
                if select.attrs.get("name") == "year":
                    for option in select.find_all("option"):
                        queue.append(f"{urlsplit(url).path}?year={option.attrs.get('value')}")
        return self

    @staticmethod
    def _local(base, href):
        target = urlsplit(urljoin(base, href))
        if target.netloc or not target.path.startswith(CRAWL_PREFIXES):
            return None
        return target.path + (f"?{target.query}" if target.query else "")

    # Pages ----------------------------------------------------------------------------------------------

    def _add(self, identifier, year, text, where):
        measure = self.registry.by_identifier.get(identifier)
        if measure is None or year is None or measure.unit not in ("count", "percentage"):
            return
        if text.strip() == MARKER:
            self.seen.append(Seen(identifier, year, True, where=where))
            return
        interval = interval_of(text, measure.unit)
        if interval is not None:
            self.seen.append(Seen(identifier, year, False, *interval, where=where))

    def read_page(self, root, url):
        page_title = " ".join(node.text() for node in root.find_all("h1"))
        page_year = self._year_in(page_title) or next(
            (self._year_in(p.text()) for p in root.find_all("p") if p.text().startswith("Figures for ")), None
        )
        for table in root.find_all("table"):
            caption, header, rows = _table(table)
            table_year = self.registry.year_of(table.attrs.get("data-year", "") or "")
            if caption.startswith("Data for the chart:"):
                self._chart_table(caption.removeprefix("Data for the chart:").strip(), header, rows, url)
            elif header[:2] == ["Measure", "Council"]:
                year = table_year or self._year_in(caption) or page_year
                for row in rows:
                    measure = self.registry.measure(row[0])
                    if measure is None:
                        continue
                    self._add(measure.identifier, year, row[1], url)
                    if "Gap to England" in header and "England" in header:
                        self._gap(measure.identifier, year, row[header.index("England")], row[header.index("Gap to England")])
            elif header[:2] == ["Year", "Council"]:
                measure = self.registry.measure(page_title)
                if measure is not None:
                    for row in rows:
                        self._add(measure.identifier, self.registry.year_of(row[0]), row[1], url)
                        self._detail_gaps(root, measure, row, header)
        for svg in root.find_all("svg"):
            self._read_svg(svg, url)

    def _detail_gaps(self, root, measure, row, header):
        if "Gap to England" not in header:
            return
        year = self.registry.year_of(row[0])
        england = self._england.get((measure.identifier, year)) if hasattr(self, "_england") else None
        if england:
            self._gap(measure.identifier, year, england, row[header.index("Gap to England")])

    def _gap(self, identifier, year, england_text, gap_text):
        gap_text = gap_text.strip().removesuffix(" points")
        england = interval_of(england_text, "percentage")
        if not gap_text or england is None or self.registry.by_identifier[identifier].unit != "percentage":
            return
        gap = interval_of(gap_text.lstrip("+"), "percentage")
        if gap is not None:
            self.gaps.append((identifier, year, *england, *gap))

    def _chart_table(self, title, header, rows, where):
        measure = self.registry.measure(title)
        if measure is not None and header[:2] == ["Year", "Council"]:
            self._england = getattr(self, "_england", {})
            for row in rows:
                year = self.registry.year_of(row[0])
                self._add(measure.identifier, year, row[1], where)
                if "England" in header:
                    self._england[(measure.identifier, year)] = row[header.index("England")]
            return
        if title.startswith("Placement mix"):
            for row in rows:
                year = self.registry.year_of(row[0])
                for name, text in zip(header[1:], row[1:]):
                    self._add(self.registry.segment(name), year, text, where)
            return
        if title.startswith("Category of need"):
            year = self._year_in(title)
            for row in rows:
                self._add(self.registry.category(row[0]), year, row[1], where)

    def _year_in(self, text):
        match = re.search(r"(\d{4})-(\d{2})", text)
        return int(match.group(1)) + 1 if match else None

    # Chart drawing ------------------------------------------------------------------------------------

    def _read_svg(self, svg, where):
        """Read a chart's marks with a ruler, as intervals, when they say more than their labels."""
        titles = list(svg.find_all("title"))
        title = titles[0].text() if titles else ""
        texts = [
            (float(t.attrs.get("x", 0)), float(t.attrs.get("y", 0)), t.attrs.get("text-anchor", ""), t.text())
            for t in svg.find_all("text")
        ]
        rects = [node.attrs for node in svg.find_all("rect")]
        measure = self.registry.measure(title)
        if measure is not None:
            self._read_line_chart(svg, measure, texts, where)
        elif title.startswith("Category of need"):
            year = self._year_in(title)
            marks = []
            for rect in rects:
                if rect.get("fill") != "#1d70b8" or "width" not in rect:
                    continue
                y, width = float(rect["y"]), float(rect["width"])
                label = min((t for t in texts if t[2] == "end"), key=lambda t: abs(t[1] - (y + 14)), default=None)
                value = min((t for t in texts if t[2] == "" and abs(t[1] - (y + 14)) < 1), key=lambda t: t[0], default=None)
                if label and value:
                    marks.append((self.registry.category(label[3]), year, width, value[3]))
            self._proportional(marks, SVG_PRECISION, where)
        elif title.startswith("Placement mix"):
            legend = {}
            for rect in rects:
                if rect.get("stroke") == "#0b0c0c":
                    name = min((t for t in texts if t[2] == ""), key=lambda t: abs(t[1] - (float(rect["y"]) + 13)) + abs(t[0] - float(rect["x"]) - 22))
                    legend[rect.get("fill")] = name[3]
            marks = []
            for rect in rects:
                if rect.get("stroke") != "#ffffff" or "width" not in rect:
                    continue
                y = float(rect["y"])
                row = min((t for t in texts if t[2] == "end"), key=lambda t: abs(t[1] - (y + 17)))
                inside = [t for t in texts if t[2] == "middle" and float(rect["x"]) < t[0] < float(rect["x"]) + float(rect["width"]) and abs(t[1] - (y + 18)) < 1]
                segment = self.registry.segment(legend.get(rect.get("fill"), ""))
                if inside:
                    marks.append((segment, self.registry.year_of(row[3]), float(rect["width"]), inside[0][3]))
            self._proportional(marks, SVG_PRECISION, where)

    def _read_line_chart(self, svg, measure, texts, where):
        if measure.unit not in ("count", "percentage"):
            return
        ticks = []
        for _x, y, anchor, text in texts:
            if anchor == "end":
                number = interval_of(text.rstrip("%"), "count")
                if number is not None:
                    ticks.append((y - 4, number[0]))
        if len(ticks) < 2:
            return
        (y0, v0), (y1, v1) = ticks[0], ticks[-1]
        per_pixel = (v1 - v0) / (y1 - y0)
        years = [(x, self.registry.year_of(text)) for x, y, anchor, text in texts if anchor == "middle"]
        for circle in svg.find_all("circle"):
            if circle.attrs.get("fill") != "#1d70b8":
                continue
            cx, cy = float(circle.attrs["cx"]), float(circle.attrs["cy"])
            year = min(years, key=lambda item: abs(item[0] - cx))[1] if years else None
            value = v0 + (cy - y0) * per_pixel
            spread = abs(SVG_PRECISION * per_pixel)
            self.chart_marks += 1
            printed = [
                s for s in self.seen
                if s.measure == measure.identifier and s.year == year and not s.withheld and "(chart)" not in s.where
            ]
            if printed and all(abs(value - (s.low + s.high) / 2) <= spread + 1e-9 for s in printed if measure.unit == "percentage"):
                continue  # drawn as printed: the ruler reads the label, nothing more
            if measure.unit == "count" and printed and all(abs(value - s.low) <= spread + 1e-9 for s in printed):
                continue
            reading = Seen(measure.identifier, year, False, value - spread, value + spread, where=f"{where} (chart)")
            self.seen.append(reading)
            self.measured.append(reading)

    def _proportional(self, marks, precision, where):
        """Bars and segments drawn in proportion to their values: value = a * length, ``a`` unknown."""
        marks = [mark for mark in marks if mark[0] and mark[1] and mark[2] > 0]
        self.chart_marks += len(marks)
        numbers = [(identifier, year, length, interval_of(text, "percentage")) for identifier, year, length, text in marks]
        numbers = [mark for mark in numbers if mark[3] is not None]
        if len(numbers) < 2:
            return
        middles = [(low + high) / 2 for *_rest, (low, high) in numbers]
        # Drawn exactly as printed? Then the lengths are the labels' numbers times one scale.
        pairs = [(length, middle) for (_i, _y, length, _b), middle in zip(numbers, middles) if middle]
        low_scale = max(((length - precision) / middle for length, middle in pairs), default=0)
        high_scale = min(((length + precision) / middle for length, middle in pairs), default=0)
        if pairs and low_scale <= high_scale + 1e-9:
            return
        low_a, high_a = 0.0, float("inf")
        for _identifier, _year, length, (low, high) in numbers:
            low_a = max(low_a, low / (length + precision))
            high_a = min(high_a, high / max(length - precision, 1e-9))
        if low_a > high_a:
            return
        for identifier, year, length, _bounds in numbers:
            reading = Seen(identifier, year, False, low_a * (length - precision), high_a * (length + precision), where=f"{where} (chart)")
            self.seen.append(reading)
            self.measured.append(reading)

    # PDFs -----------------------------------------------------------------------------------------------

    def read_pdf(self, data, where):
        import pdfplumber

        self.pdfs += 1
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            words = []
            for page in pdf.pages:
                words.append(page.extract_text() or "")
                self._pdf_bars(page, where)
        text = " ".join(" ".join(words).split())
        self._pdf_text(text, where)

    def _pdf_text(self, text, where):
        registry = self.registry
        titles = sorted(registry.by_title.values(), key=lambda m: -len(m.title))
        for match in re.finditer(r"Data for the chart: ", text):
            rest = text[match.end():]
            measure = next((m for m in titles if rest.startswith(m.title + " ")), None)
            if measure is not None:
                tokens = rest[len(measure.title):].split()
                for position, token in enumerate(tokens):
                    year = registry.year_of(token) if YEAR_LABEL.match(token) else None
                    if year is not None and position + 1 < len(tokens):
                        self._add(measure.identifier, year, tokens[position + 1], f"{where} (PDF)")
                    if token == "Data" or position > 80:
                        break
            elif rest.startswith("Category of need"):
                year = self._year_in(rest[:60])
                segment = rest[:1200]
                for identifier in registry.categories.values():
                    label = registry.by_identifier[identifier].title.split(": ", 1)[1]
                    found = re.search(re.escape(label) + r" (\S+)", segment)
                    if found:
                        self._add(identifier, year, found.group(1), f"{where} (PDF)")
            elif rest.startswith("Placement mix"):
                names = [registry.by_identifier[i].title.removeprefix("Placed ") for i in registry.parts_of_the_whole[-1]]
                names = [name[:1].upper() + name[1:] for name in names]
                body = rest[: 2000]
                after = body.find(names[-1])
                if after < 0:
                    continue
                tokens = body[after + len(names[-1]):].split()
                position = 0
                while position < len(tokens) and YEAR_LABEL.match(tokens[position]):
                    year = registry.year_of(tokens[position])
                    for offset, identifier in enumerate(registry.parts_of_the_whole[-1]):
                        if position + 1 + offset < len(tokens):
                            self._add(identifier, year, tokens[position + 1 + offset], f"{where} (PDF)")
                    position += 1 + len(names)
        for match in re.finditer(r"Summary of measures, (\d{4}-\d{2})", text):
            year = registry.year_of(match.group(1))
            body = text[match.end(): match.end() + 6000]
            for measure in titles:
                found = re.search(re.escape(measure.title) + r" (\S+)", body)
                if found:
                    self._add(measure.identifier, year, found.group(1), f"{where} (PDF summary)")

    def _pdf_bars(self, page, where):
        """Bars of the category-of-need chart: rectangles of the first series' blue, one left edge."""
        blue = (0.114, 0.439, 0.722)
        bars = [
            rect for rect in page.rects
            if isinstance(rect.get("non_stroking_color"), (tuple, list)) and len(rect["non_stroking_color"]) == 3
            and all(isinstance(a, float | int) and abs(a - b) < 0.01 for a, b in zip(rect["non_stroking_color"], blue))
        ]
        groups = {}
        for rect in bars:
            groups.setdefault((round(rect["x0"], 1), round(rect["height"], 1)), []).append(rect)
        text = page.extract_text() or ""
        year = self._year_in(text[text.find("Category of need at 31 March"):][:60]) if "Category of need at 31 March" in text else None
        words = page.extract_words()
        for rects in groups.values():
            if len(rects) < 2 or year is None:
                continue
            marks = []
            for rect in sorted(rects, key=lambda r: r["top"]):
                line = [w for w in words if abs((w["top"] + w["bottom"]) / 2 - (rect["top"] + rect["bottom"]) / 2) < 4]
                label = " ".join(w["text"] for w in line if w["x1"] <= rect["x0"] + 1)
                value = [w["text"] for w in line if w["x0"] >= rect["x1"] - 1]
                identifier = self.registry.category(label)
                if identifier and value:
                    marks.append((identifier, year, rect["width"], value[0]))
            self._proportional(marks, PDF_PRECISION, f"{where} (PDF drawing)")


# --- The solver -------------------------------------------------------------------------------------------


@dataclass
class Finding:
    measure: str
    year: int
    figure: str  # "count" or "rest of its base"
    low: float
    high: float

    @property
    def narrowed(self):
        return self.low == self.high or (self.low >= 1 and self.high <= 4)

    def __str__(self):
        return f"{self.measure} {self.year} {self.figure}: {self.low:g} to {self.high:g}"


def solve(intruder):
    """Smallest and largest value of each withheld figure, per year; returns [Finding]."""
    registry = intruder.registry
    findings = []
    for year in sorted({s.year for s in intruder.seen}):
        findings += _solve_year(intruder, registry, year)
    return findings


def _solve_year(intruder, registry, year):
    seen = [s for s in intruder.seen if s.year == year]
    measures = sorted({s.measure for s in seen} | {registry.whole})
    bases = sorted({registry.by_identifier[m].denominator_label for m in measures if registry.by_identifier[m].unit == "percentage"})
    variables = {("n", m): i for i, m in enumerate(measures)}
    for base in bases:
        variables[("d", base)] = len(variables)

    def base_of(identifier):
        label = registry.by_identifier[identifier].denominator_label
        if label == registry.whole_base:
            return variables[("n", registry.whole)]
        return variables[("d", label)]

    size = len(variables)
    rows, lows, highs = [], [], []

    def constrain(coefficients, low, high):
        row = np.zeros(size)
        for index, value in coefficients:
            row[index] += value
        rows.append(row)
        lows.append(low)
        highs.append(high)

    lower = np.zeros(size)
    upper = np.full(size, float(BIG))
    withheld = set()
    in_a_whole = {identifier for group in registry.parts_of_the_whole for identifier in group}
    for s in seen:
        measure = registry.by_identifier[s.measure]
        n = variables[("n", s.measure)]
        if s.withheld:
            withheld.add(s.measure)
            if measure.unit == "count" or s.measure in in_a_whole:
                lower[n] = max(lower[n], 1)
            continue
        if measure.unit == "count":
            constrain([(n, 1)], np.ceil(s.low - 1e-9), np.floor(s.high + 1e-9))
        else:
            d = base_of(s.measure)
            # low <= 100 n / d <= high, for d >= 1
            constrain([(n, 100), (d, -s.low)], -1e-9, np.inf)
            constrain([(n, 100), (d, -s.high)], -np.inf, 1e-9)
            constrain([(d, 1)], 1, np.inf)
    for identifier in measures:
        if registry.by_identifier[identifier].unit == "percentage":
            constrain([(variables[("n", identifier)], 1), (base_of(identifier), -1)], -np.inf, 0)
    for group in registry.parts_of_the_whole:
        present = [identifier for identifier in group if ("n", identifier) in variables]
        if len(present) == len(group):
            constrain([(variables[("n", i)], 1) for i in group] + [(variables[("n", registry.whole)], -1)], 0, 0)
    printed = {
        (s.measure, s.year): (s.low + s.high) / 2 for s in seen if not s.withheld and "(chart)" not in s.where
    }
    for identifier, gap_year, e_low, e_high, g_low, g_high in intruder.gaps:
        if gap_year != year or ("n", identifier) not in variables:
            continue
        label = printed.get((identifier, gap_year))
        england, gap = (e_low + e_high) / 2, (g_low + g_high) / 2
        if label is not None and abs(label - (england + gap)) <= 0.5 + 1e-9:
            continue  # worked out from the printed figure: it says nothing more
        n, d = variables[("n", identifier)], base_of(identifier)
        constrain([(n, 100), (d, -(e_low + g_low))], -1e-9, np.inf)
        constrain([(n, 100), (d, -(e_high + g_high))], -np.inf, 1e-9)

    constraints = LinearConstraint(np.array(rows), lows, highs) if rows else ()
    bounds = Bounds(lower, upper)
    integrality = np.ones(size)
    findings = []

    def extreme(objective):
        result = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds)
        if result.status != 0:
            raise AssertionError(
                f"{year}: the figures the app shows do not fit the relations it states ({result.message})"
            )
        return round(objective @ result.x)

    for identifier in sorted(withheld):
        n = variables[("n", identifier)]
        targets = [("count", {n: 1})]
        if registry.by_identifier[identifier].unit == "percentage":
            targets.append(("rest of its base", {base_of(identifier): 1, n: -1}))
        for name, coefficients in targets:
            objective = np.zeros(size)
            for index, value in coefficients.items():
                objective[index] += value
            low = extreme(objective)
            high = -extreme(-objective)
            findings.append(Finding(identifier, year, name, low, high))
    return findings
