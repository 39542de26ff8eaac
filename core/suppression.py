"""
Small-number suppression for anything shown outside officer-only pages.

Counts from 1 to 4 could identify a child in a council's cohort, so they are replaced by a marker, and so
is any percentage whose numerator or denominator is such a count. Zero is published as it stands, as the
Department for Education does: it tells nobody anything about a particular child.

Where figures add up to a total that is published too (children by placement, by category of need, by legal
status), one withheld figure could be worked out by subtraction, so one more is withheld beside it
(``complementary``), as the Department does in its own tables.
"""
from dataclasses import dataclass

THRESHOLD = 5
MARKER = "[c]"
EXPLANATION = "Suppressed: fewer than 5 children, withheld so no child can be identified."
PROTECTING_EXPLANATION = (
    "Suppressed: withheld because, with the total, it would show a figure of fewer than 5 children."
)


def is_small(count):
    return count is not None and 0 < count < THRESHOLD


@dataclass(frozen=True)
class Shown:
    """A figure as it may be shown to a given audience: either its text, or suppressed."""

    text: str
    suppressed: bool = False
    protects_another: bool = False  # withheld only so that a small figure beside it cannot be worked out

    @property
    def explanation(self):
        return PROTECTING_EXPLANATION if self.protects_another else EXPLANATION

    def __str__(self):
        return MARKER if self.suppressed else self.text


def count(value, *, suppress=True):
    if value is None:
        return Shown("No data")
    if suppress and is_small(value):
        return Shown(MARKER, suppressed=True)
    return Shown(f"{value:,}")


def percentage(numerator, denominator, *, suppress=True, places=0):
    if numerator is None or not denominator:
        return Shown("No data")
    if suppress and (is_small(numerator) or is_small(denominator)):
        return Shown(MARKER, suppressed=True)
    return Shown(f"{100 * numerator / denominator:.{places}f}%")


def complementary(counts):
    """
    Positions in ``counts`` (figures that add up to a published total) to withhold as well as the small ones:
    when exactly one is small, the smallest other figure above zero, so that neither can be worked out from
    the total and the rest. Two or more small figures already protect each other.
    """
    small = [position for position, value in enumerate(counts) if is_small(value)]
    if len(small) != 1:
        return set()
    others = [(value, position) for position, value in enumerate(counts) if value and position not in small]
    return {min(others)[1]} if others else set()
