"""
Demo inputs beside the measures, so the dashboards show gaps and RAG ratings: the child population for rates
per 10,000, England and statistical-neighbour comparators, and the board's targets.

The comparators are ILLUSTRATIVE values of the size England's published figures have had in recent years,
marked as such in their source; a council loads the real ones from the DfE's tables with the CSV upload.
"""
from decimal import Decimal

from . import services as measure_services

POPULATION = 34_000  # children aged 0-17 in the invented council
SOURCE = "Illustrative demo value (not published statistics)"

# identifier: (England, statistical neighbours), roughly steady over the years
COMPARATORS = {
    "looked_after_rate_per_10000": ("70", "66"),
    "placement_foster": ("68", "70"),
    "placement_kinship": ("17", "15"),
    "placement_residential": ("17", "15"),
    "placed_over_20_miles": ("16", "14"),
    "placed_outside_area": ("42", "38"),
    "three_or_more_placements": ("10", "9"),
    "long_term_stability": ("70", "71"),
    "health_assessment": ("90", "91"),
    "dental_check": ("85", "84"),
    "immunisations": ("87", "88"),
    "mean_sdq_score": ("13.8", "14.1"),
    "went_missing": ("11", "10"),
    "care_leavers_in_eet": ("56", "55"),
    "care_leavers_suitable_accommodation": ("88", "89"),
    "care_leavers_in_touch": ("92", "93"),
}
# identifier: (target, amber margin)
TARGETS = {
    "three_or_more_placements": ("10", "3"),
    "long_term_stability": ("70", "5"),
    "placed_over_20_miles": ("15", "5"),
    "health_assessment": ("95", "5"),
    "dental_check": ("90", "5"),
    "care_leavers_in_eet": ("60", "5"),
    "care_leavers_suitable_accommodation": ("90", "5"),
}


def load(context):
    user = context.get("people", {}).get("officer.adeyemi")
    years = context.get("cohort_years") or []
    for year in years:
        measure_services.save_population(year=year, population=POPULATION, source=SOURCE)
        for identifier, (england, neighbours) in COMPARATORS.items():
            measure_services.save_comparator(
                measure=identifier, year=year, england=Decimal(england),
                statistical_neighbours=Decimal(neighbours), source=SOURCE, user=user,
            )
    for identifier, (value, margin) in TARGETS.items():
        measure_services.save_target(measure=identifier, value=Decimal(value), amber_margin=Decimal(margin), user=user)
    if "stdout" in context:
        context["stdout"].write(f"  Measures: population, comparators for {len(years)} years, {len(TARGETS)} targets")
