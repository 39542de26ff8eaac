"""The measures' charts, the same on pages, dashboards and board packs (drawn by ``core.charts``)."""
from core import charts
from core.collection_year import label as year_label

from .registry import BY_IDENTIFIER, CATEGORIES_OF_NEED, PERCENTAGE, PLACEMENT_PARTS, format_value

COUNCIL_SERIES = "Council"


def trend_chart(measure, values, comparators, target, *, suppress):
    """
    A measure's line over the years (``values``: MeasureValues, oldest first) beside England and statistical
    neighbours where entered, and the board's target. Withheld values are gaps in the line, [c] in the table.
    """
    years = [value.year for value in values]
    series = [
        charts.Series(
            COUNCIL_SERIES,
            [value.visible_value(suppress=suppress) for value in values],
            labels=[str(value.shown(suppress=suppress)) for value in values],
        )
    ]
    for name, attribute in (("England", "england"), ("Statistical neighbours", "statistical_neighbours")):
        numbers = [getattr(comparators.get((measure.identifier, year)), attribute, None) for year in years]
        if any(number is not None for number in numbers):
            numbers = [float(number) if number is not None else None for number in numbers]
            texts = [format_value(measure, number) if number is not None else "Not entered" for number in numbers]
            series.append(charts.Series(name, numbers, labels=texts))
    if values:
        description = (
            f"{measure.title}, {year_label(years[0])} to {year_label(years[-1])}. "
            f"Latest: {values[-1].shown(suppress=suppress)}."
            + (f" Target {format_value(measure, float(target.value))}." if target else "")
            + (f" {measure.better.capitalize()} is better." if measure.better else "")
        )
    else:
        description = f"{measure.title}: no years with data yet."
    return charts.line_chart(
        measure.title,
        description,
        [year_label(year) for year in years],
        series,
        suffix="%" if measure.unit == PERCENTAGE else "",
        target=float(target.value) if target else None,
        y_label=measure.unit_label,
    )


def placement_mix_chart(results, *, suppress):
    """Placement mix at 31 March for each year in ``results`` (from ``compute``), as 100% stacked bars."""
    years = sorted(results)
    segments, labels = [], {}
    for group in PLACEMENT_PARTS:
        measure = BY_IDENTIFIER[f"placement_{group}"]
        values = [results[year][measure.identifier] for year in years]
        name = measure.title.removeprefix("Placed ")
        name = name[:1].upper() + name[1:]
        segments.append((name, [value.visible_value(suppress=suppress) for value in values]))
        labels[name] = [str(value.shown(suppress=suppress)) for value in values]
    return charts.stacked_bar_chart(
        "Placement mix at 31 March",
        "Where children looked after lived at the end of each year, as a percentage of all children looked "
        "after. The table below gives every value; withheld values [c] are not drawn, and the segments after "
        "one close up.",
        [year_label(year) for year in years],
        segments,
        labels=labels,
    )


def category_of_need_chart(values, *, suppress):
    """Why children were looked after at 31 March (``values``: one year's ``{identifier: MeasureValue}``)."""
    figures = [values[f"category_of_need_{code.lower()}"] for code in CATEGORIES_OF_NEED]
    return charts.bar_chart(
        f"Category of need at 31 March ({year_label(figures[0].year)})",
        "The main reason each child looked after at 31 March needed care, as a percentage of all children "
        "looked after. The table below gives every value; withheld values [c] are not drawn.",
        [(label, figure.visible_value(suppress=suppress)) for label, figure in zip(CATEGORIES_OF_NEED.values(), figures)],
        suffix="%",
        value_heading="Percentage of children",
        labels=[str(figure.shown(suppress=suppress)) for figure in figures],
    )

