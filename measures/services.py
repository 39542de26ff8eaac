"""
Changes to the inputs beside the measures: England and statistical-neighbour comparators (typed in or
loaded from CSV), the board's targets, and the child population used for rates.
"""
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from core.uploads import CSV, decode_text, validate_upload

from . import comparators, registry
from .models import ChildPopulation, ComparisonAuthority, Comparator, Target

CSV_COLUMNS = ("measure", "year", "england", "statistical_neighbours", "source")
REQUIRED_COLUMNS = ("measure", "year", "england", "statistical_neighbours")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_VALUE = Decimal("9999999.99")


def save_comparator(*, measure, year, england, statistical_neighbours, source, user):
    registry.get(measure)
    comparator, _created = Comparator.objects.update_or_create(
        measure=measure,
        year=year,
        defaults={
            "england": england,
            "statistical_neighbours": statistical_neighbours,
            "source": source,
            "updated_by": user,
        },
    )
    return comparator


def save_target(*, measure, value, amber_margin, user):
    if registry.get(measure).better is None:
        raise ValidationError("This measure has no better direction, so it cannot have a target.")
    target, _created = Target.objects.update_or_create(
        measure=measure, defaults={"value": value, "amber_margin": amber_margin, "updated_by": user}
    )
    return target


def remove_target(*, measure):
    Target.objects.filter(measure=measure).delete()


def save_population(*, year, population, source):
    record, _created = ChildPopulation.objects.update_or_create(
        year=year, defaults={"population": population, "source": source}
    )
    return record


@dataclass
class ComparatorLoad:
    saved: int = 0
    errors: list = field(default_factory=list)


def _decimal(text, column, row_errors):
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        row_errors.append(f"{column} '{text}' is not a number")
        return None
    if not number.is_finite() or abs(number) > MAX_VALUE:
        row_errors.append(f"{column} '{text}' is out of range")
        return None
    return number.quantize(Decimal("0.01"))


def _read_text(file):
    text = decode_text(file.read())
    if text is None:
        raise ValidationError("The file is not readable text.")
    return text


def load_comparators_csv(file, *, user):
    """
    Load comparators from a CSV with columns measure, year, england, statistical_neighbours, source. Every
    row is checked first; if any row is wrong nothing is saved and every problem is listed by row number.
    """
    validate_upload(file, CSV)
    reader = csv.DictReader(io.StringIO(_read_text(file)))
    headings = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in headings]
    if missing:
        return ComparatorLoad(errors=[f"The file has no column called: {', '.join(missing)}."])
    reader.fieldnames = headings
    result, rows, seen = ComparatorLoad(), [], {}
    for line, row in enumerate(reader, start=2):
        row_errors = []
        identifier = (row.get("measure") or "").strip()
        if identifier not in registry.BY_IDENTIFIER:
            row_errors.append(f"'{identifier}' is not a measure identifier")
        year_text = (row.get("year") or "").strip()
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            row_errors.append(f"year '{year_text}' must be a collection year such as 2025")
        england = _decimal(row.get("england"), "england", row_errors)
        neighbours = _decimal(row.get("statistical_neighbours"), "statistical_neighbours", row_errors)
        if england is None and neighbours is None and not row_errors:
            row_errors.append("give an England or a statistical neighbours value")
        if identifier in registry.BY_IDENTIFIER:
            for column, number in (("england", england), ("statistical_neighbours", neighbours)):
                problem = comparators.range_problem(registry.get(identifier), number) if number is not None else ""
                if problem:
                    row_errors.append(f"{column} {problem}")
        source = (row.get("source") or "").strip()
        if len(source) > 255:
            row_errors.append("source is longer than 255 characters")
        key = (identifier, year)
        if not row_errors and key in seen:
            row_errors.append(f"repeats row {seen[key]} (same measure and year)")
        if row_errors:
            result.errors.append(f"Row {line}: " + "; ".join(row_errors) + ".")
            continue
        seen[key] = line
        rows.append((identifier, year, england, neighbours, source))
    if not rows and not result.errors:
        result.errors.append("The file has no rows under its headings.")
    if result.errors:
        return result
    with transaction.atomic():
        for identifier, year, england, neighbours, source in rows:
            save_comparator(
                measure=identifier, year=year, england=england, statistical_neighbours=neighbours,
                source=source, user=user,
            )
    result.saved = len(rows)
    return result


# --- The DfE's published comparators (Explore Education Statistics data files) -------------------------


def save_authorities(*, council_code, council_name, neighbours):
    """The council's own LA code and its ten statistical neighbours (``[(code, name)]``), replacing any before."""
    with transaction.atomic():
        ComparisonAuthority.objects.all().delete()
        ComparisonAuthority.objects.create(code=council_code, name=council_name, is_council=True)
        ComparisonAuthority.objects.bulk_create(
            ComparisonAuthority(code=code, name=name, position=position)
            for position, (code, name) in enumerate(neighbours, start=1)
        )


def load_ees_file(file, *, measure, indicator, filters, user):
    """
    Load ``measure``'s England, council and statistical-neighbour values from a DfE EES data file. Every value
    is checked first; if anything is wrong nothing is saved and the problems are listed. Returns a
    ``comparators.Reading`` (its ``years`` are what was saved).
    """
    validate_upload(file, CSV)
    chosen = registry.get(measure)
    authorities = list(ComparisonAuthority.objects.all())
    council = next((a.code for a in authorities if a.is_council), settings.COUNCIL_LA_CODE)
    neighbours = [a.code for a in authorities if not a.is_council]
    reading = comparators.read_ees(
        _read_text(file), chosen, indicator=indicator, filters=filters, council=council, neighbours=neighbours
    )
    if reading.problems:
        return reading
    source = f"DfE, Children looked after in England including adoptions (EES): {file.name}, {indicator}"[:255]
    with transaction.atomic():
        for year, values in reading.years.items():
            Comparator.objects.update_or_create(
                measure=measure,
                year=year,
                defaults={
                    "england": values["england"],
                    "statistical_neighbours": values["neighbours"],
                    "neighbours_reporting": values["reporting"],
                    "council_published": values["council"],
                    "source": source,
                    "updated_by": user,
                },
            )
    return reading
