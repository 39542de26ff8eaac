"""Reading what sits beside the measures: which years have a return, the comparators and the targets."""
from children.models import CohortReturn

from .models import ChildPopulation, Comparator, ReturnDifference, Target


def returns_checked(year=None):
    """
    Each return's year (or just ``year``'s), newest first, with how many of the DfE's validation rule failures it
    carries: ``errors`` is None when it was not checked against the DfE's rules, and ``note`` says why.
    """
    returns = CohortReturn.objects.order_by("-year")
    if year is not None:
        returns = returns.filter(year=year)
    return [
        {"year": year, "label": CohortReturn(year=year).label, "errors": errors, "note": note}
        for year, errors, note in returns.values_list("year", "validation_error_count", "validation_note")
    ]


def available_years():
    """Collection years with a return, newest first."""
    return list(CohortReturn.objects.order_by("-year").values_list("year", flat=True))


def comparators_and_targets(years=None):
    """({(measure, year): Comparator}, {measure: Target}) in two queries."""
    comparators = Comparator.objects.all() if years is None else Comparator.objects.filter(year__in=years)
    return (
        {(c.measure, c.year): c for c in comparators},
        {t.measure: t for t in Target.objects.all()},
    )


def populations(years):
    """{year: children aged 0 to 17} for the years that have a population entered."""
    return dict(ChildPopulation.objects.filter(year__in=years).values_list("year", "population"))


def return_differences():
    """Where consecutive returns disagree about a child (rules 502, 503), newest year first."""
    return ReturnDifference.objects.select_related("child").order_by("-year", "child__child_id", "rule")
