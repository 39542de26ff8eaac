"""
The attacks a councillor made with nothing but the councillor's own pages (issue 14), each as a test. The
chart attack reads the demo's pages, in ``test_intruder.py`` beside the intruder (one demo load for both).
"""
import itertools

from django.template.loader import render_to_string

from core import suppression
from measures import queries
from measures import registry as measures

YEAR = 2025


def year_of(numerators, denominators):
    """One year's MeasureValues from counts: ``{identifier: numerator}`` and ``{identifier: denominator}``."""
    whole = numerators["looked_after_at_31_march"]
    values = {}
    for measure in measures.MEASURES:
        if measure.unit == measures.MEAN:
            continue
        numerator = numerators.get(measure.identifier, 0)
        if measure.unit == measures.COUNT:
            denominator = None
        elif measure.unit == measures.RATE:
            denominator = 50_000
        elif measure.denominator_label == measures.BY_IDENTIFIER["placement_foster"].denominator_label:
            denominator = whole
        else:
            denominator = denominators.get(measure.identifier, 100)
        values[measure.identifier] = measures.value_of(measure, YEAR, numerator, denominator)
    queries.disclosure_control(values)
    return values


def what_a_reader_can_work_out(values, group):
    """
    Every split of the withheld parts of ``group`` that fits what the reader sees: the published whole, the
    shown parts, and each withheld part at least 1 (zero is always shown). {identifier: set of values}.
    """
    whole = values["looked_after_at_31_march"].numerator
    withheld = [identifier for identifier in group if values[identifier].withheld]
    left = whole - sum(values[identifier].numerator for identifier in group if not values[identifier].withheld)
    possible = {identifier: set() for identifier in withheld}
    for split in itertools.product(range(1, left + 1), repeat=len(withheld)):
        if sum(split) == left:
            for identifier, value in zip(withheld, split):
                possible[identifier].add(value)
    return possible


PLACEMENTS = [f"placement_{group}" for group in measures.PLACEMENT_PARTS]  # foster, residential, parents, adoption, other


def test_two_withheld_parts_that_add_up_to_2_are_not_left_as_both_1():
    # 58 children: 56 fostered, 1 in residential care, 1 placed with parents.
    counts = dict(zip(PLACEMENTS, [56, 1, 1, 0, 0]))
    values = year_of({"looked_after_at_31_march": 58, **counts}, {})
    for identifier, possible in what_a_reader_can_work_out(values, PLACEMENTS).items():
        assert len(possible) > 1, f"{identifier} is pinned to {possible}"
        assert max(possible) >= suppression.THRESHOLD, f"{identifier} can only be {sorted(possible)}"


def test_a_small_part_and_the_part_withheld_to_protect_it_read_the_same():
    # 12 children: 9 fostered, 3 in residential care. The 3 is small; the 9 is withheld so that it cannot be
    # worked out as 12 - 9. A reader must not be able to tell which is which.
    counts = dict(zip(PLACEMENTS, [9, 3, 0, 0, 0]))
    values = year_of({"looked_after_at_31_march": 12, **counts}, {})
    small, protecting = values["placement_residential"], values["placement_foster"]
    assert small.withheld and protecting.withheld
    html = [
        render_to_string("measures/shown.html", {"shown": value.shown(suppress=True)})
        for value in (small, protecting)
    ]
    assert html[0] == html[1]
    assert "9" not in html[1] and "3" not in html[0]


def test_a_complement_of_1_to_4_is_withheld():
    # 64 care leavers aged 19 to 21, 61 in touch: "95% in touch" would say 3 are not.
    base = {"care_leavers_in_touch": 64, "care_leavers_in_eet": 64, "care_leavers_suitable_accommodation": 64}
    values = year_of(
        {"looked_after_at_31_march": 200, "placement_foster": 200, "care_leavers_in_touch": 61,
         "care_leavers_in_eet": 30, "care_leavers_suitable_accommodation": 50},
        base,
    )
    assert str(values["care_leavers_in_touch"].shown(suppress=True)) == suppression.MARKER
    assert str(values["care_leavers_in_eet"].shown(suppress=True)) == "47%"
    # The same for a share of the children looked after, whose total is published: 197 of 200 placed within
    # 20 miles says 3 are not.
    values = year_of({"looked_after_at_31_march": 200, "placement_foster": 200, "placed_over_20_miles": 197}, {})
    assert values["placed_over_20_miles"].withheld


def test_a_whole_too_small_to_protect_its_parts_is_withheld_with_them():
    counts = dict(zip(PLACEMENTS, [3, 2, 0, 0, 0]))
    values = year_of({"looked_after_at_31_march": 5, **counts}, {})
    assert values["looked_after_at_31_march"].withheld
    assert values["placement_foster"].withheld and values["placement_residential"].withheld
    assert not values["placement_with_parents"].withheld  # 0%: zero identifies nobody
