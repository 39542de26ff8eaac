import pytest
from django.template import Context, Template

from core import suppression


@pytest.mark.parametrize("value", [1, 2, 3, 4])
def test_counts_below_five_are_withheld(value):
    shown = suppression.count(value)
    assert shown.suppressed
    assert str(shown) == "[c]"


@pytest.mark.parametrize("value, text", [(0, "0"), (5, "5"), (1234, "1,234")])
def test_zero_and_counts_of_five_or_more_are_shown(value, text):
    shown = suppression.count(value)
    assert not shown.suppressed
    assert str(shown) == text


def test_officer_only_pages_may_show_small_counts():
    assert str(suppression.count(3, suppress=False)) == "3"


def test_a_percentage_built_on_a_small_count_is_withheld():
    assert suppression.percentage(3, 40).suppressed
    assert suppression.percentage(40, 4).suppressed
    assert str(suppression.percentage(12, 48)) == "25%"
    assert str(suppression.percentage(0, 48)) == "0%"


def test_missing_data_says_so():
    assert str(suppression.count(None)) == "No data"
    assert str(suppression.percentage(3, 0)) == "No data"


def test_template_filter_explains_the_marker_to_screen_readers():
    html = Template("{% load board %}{{ n|suppressed_count }}").render(Context({"n": 2}))
    assert "[c]" in html
    assert "protect confidentiality" in html
    assert "2" not in html.replace("[c]", "")


def test_a_percentage_whose_rest_is_small_is_withheld():
    # "95% of 64 care leavers in touch" says 3 are not.
    assert suppression.percentage(61, 64).suppressed
    assert not suppression.percentage(59, 64).suppressed
    assert str(suppression.percentage(64, 64)) == "100%"  # none not in touch: zero identifies nobody


def test_every_withheld_figure_has_the_same_wording():
    small = suppression.count(3)
    share = suppression.percentage(61, 64)
    assert small == share == suppression.withheld()
    assert small.explanation == share.explanation == suppression.EXPLANATION


def test_shown_figures_carry_the_number_as_printed():
    assert suppression.percentage(2, 3 * 7, suppress=False).number == 10.0  # 9.52...% prints as 10%
    assert suppression.count(1234).number == 1234
    assert suppression.count(2).number is None


def _range_of_each_withheld(parts, total, positions):
    """
    What a reader who sees ``total`` and every part not in ``positions`` can say about each withheld part,
    knowing each is at least 1: worked out by trying every split, independently of the module's arithmetic.
    """
    import itertools

    rest = total - sum(parts)
    hidden = [parts[p] for p in sorted(positions)] + ([rest] if rest else [])
    known_sum = sum(hidden)
    ranges = []
    for index in range(len(positions)):
        possible = {
            split[index]
            for split in itertools.product(range(1, known_sum + 1), repeat=len(hidden))
            if sum(split) == known_sum
        }
        ranges.append((min(possible), max(possible)))
    return ranges


@pytest.mark.parametrize(
    "parts, total",
    [
        ([56, 1, 1, 0, 0, 0], 58),  # two withheld that add up to 2 are both 1
        ([20, 2, 3], 25),  # two withheld that add up to 5 are each 1 to 4
        ([9, 0, 3, 0, 0, 0], 12),
        ([20, 7, 3, 9], 39),
        ([140, 9, 18, 23, 3, 13, 6, 4], 216),
        ([97], 100),  # 97% of 100 says 3 are not
        ([3], 100),
        ([12, 30], 45),  # 3 no figure shows
        ([1, 1, 1, 1, 1, 1], 6),
    ],
)
def test_no_withheld_part_of_a_published_whole_can_be_worked_out(parts, total):
    positions, whole_too = suppression.withhold_parts(parts, total)
    assert {p for p, v in enumerate(parts) if suppression.is_small(v)} <= positions
    if whole_too:
        return
    for low, high in _range_of_each_withheld(parts, total, positions):
        assert low != high, (parts, positions)
        assert high >= suppression.THRESHOLD, (parts, positions)


def test_secondary_suppression_withholds_as_few_as_possible():
    assert suppression.withhold_parts([9, 0, 3, 0, 0, 0], 12) == ({0, 2}, False)
    assert suppression.withhold_parts([20, 7, 3, 9], 39) == ({1, 2}, False)  # the smallest other part
    assert suppression.withhold_parts([20, 7, 9], 36) == (set(), False)
    assert suppression.withhold_parts([0, 0, 0], 0) == (set(), False)
    assert suppression.withhold_parts([50], 100) == (set(), False)


def test_a_whole_too_small_to_protect_its_parts_is_withheld_too():
    assert suppression.withhold_parts([2], 5) == ({0}, True)
    assert suppression.withhold_parts([2, 3], 5) == ({0, 1}, True)


def test_a_breakdown_for_new_measures():
    shown = suppression.breakdown({"Under 1": 9, "1 to 4": 3, "5 to 9": 0, "10 and over": 20}, total=32)
    assert str(shown["1 to 4"]) == str(shown["Under 1"]) == "[c]"
    assert str(shown["5 to 9"]) == "0%"
    assert str(shown["10 and over"]) == "62%" and shown["10 and over"].number == 62
    assert str(suppression.breakdown({"a": 3, "b": 9}, total=12, suppress=False)["a"]) == "25%"
