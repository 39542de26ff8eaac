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
    assert "fewer than 5 children" in html
    assert "2" not in html.replace("[c]", "")


def test_a_lone_small_figure_of_a_total_takes_the_next_smallest_with_it():
    # Placements of 12 children: foster 9, residential 3, the rest none. Withholding only the 3 would leave
    # it as 12 - 9; the 9 is withheld too.
    assert suppression.complementary([9, 0, 3, 0, 0, 0]) == {0}
    assert suppression.complementary([20, 7, 3, 9]) == {1}


def test_figures_need_no_more_withheld_when_none_or_several_are_small():
    assert suppression.complementary([20, 7, 9]) == set()
    assert suppression.complementary([20, 2, 3]) == set()  # the two protect each other
    assert suppression.complementary([0, 0, 0]) == set()
