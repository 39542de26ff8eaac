"""Server-drawn SVG charts: accessible, CSP-safe, with their data, and drawable by WeasyPrint."""
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from core import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(str(chart.svg))


def test_line_chart_is_an_image_with_a_text_alternative_and_gaps_for_missing_values():
    chart = charts.line_chart(
        "Children looked after", "Children looked after at 31 March, 2022 to 2025.",
        ["2021-22", "2022-23", "2023-24", "2024-25"],
        [
            charts.Series("Wyvern", [60, None, 70, 75], labels=["60", "[c]", "70", "75"]),
            charts.Series("England", [67, 70, 71, 70]),
        ],
        target=65,
    )
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Children looked after"
    assert root.find(f"{SVG}desc").text.startswith("Children looked after at 31 March")
    assert "style=" not in chart.svg
    # The council's line breaks at the withheld year: two points before the gap cannot be joined across it.
    council_paths = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == charts.COLOURS[0]]
    assert len(council_paths) == 1 and council_paths[0].get("d").count("L") == 1
    # Series differ by more than colour: the England line is dashed and each line is labelled in text.
    england = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == charts.COLOURS[1]]
    assert england[0].get("stroke-dasharray")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Wyvern 75" in texts and "England 70" in texts and "Target 65" in texts
    assert chart.columns == ["Year", "Wyvern", "England", "Target"]
    assert chart.rows[1] == ["2022-23", "[c]", "70", "65"]


def test_bar_chart_writes_each_value_and_draws_no_bar_for_a_withheld_one():
    chart = charts.bar_chart(
        "Category of need", "Why children are looked after.",
        [("Abuse or neglect", 62.0), ("Child's disability", None)],
        suffix="%", labels=["62%", "[c]"],
    )
    root = parse(chart)
    assert len(list(root.iter(f"{SVG}rect"))) == 1
    assert {"62%", "[c]"} <= {t.text for t in root.iter(f"{SVG}text")}
    assert chart.rows == [["Abuse or neglect", "62%"], ["Child's disability", "[c]"]]


def test_stacked_bar_uses_patterns_and_a_legend():
    chart = charts.stacked_bar_chart(
        "Placement mix", "Where children live, by year.", ["2024", "2025"],
        [("Foster", [70, 65]), ("Kinship", [15, 20]), ("Residential", [15, 15])],
    )
    root = parse(chart)
    assert len(list(root.iter(f"{SVG}pattern"))) == 2  # every segment but the first carries a pattern
    legend = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Foster", "Kinship", "Residential", "70%"} <= legend
    assert chart.rows[1] == ["2025", "65%", "20%", "15%"]


def test_titles_are_escaped():
    chart = charts.bar_chart("<script>x</script>", "a & b", [("<b>", 1)])
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
    parse(chart)


def test_include_prints_the_data_table_with_headers_and_caption():
    chart = charts.bar_chart("Missing", "Children who went missing.", [("2025", 12)])
    html = render_to_string("core/chart.html", {"chart": chart})
    assert "<caption" in html and "Data for the chart: Missing" in html
    assert re.search(r'<th scope="row"[^>]*>2025</th>\s*<td[^>]*>12</td>', html)


def test_weasyprint_draws_the_chart_in_a_pdf():
    weasyprint = pytest.importorskip("weasyprint")
    chart = charts.line_chart("Trend", "A trend.", ["2024", "2025"], [charts.Series("Wyvern", [1, 2])])
    pdf = weasyprint.HTML(string=f"<html><body>{chart.svg}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
