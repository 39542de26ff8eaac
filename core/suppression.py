"""
Small-number suppression for anything shown outside officer-only pages.

Counts from 1 to 4 could identify a child in a council's cohort, so they are replaced by a marker, and so
is any percentage whose numerator or denominator is such a count. Zero is published as it stands, as the
Department for Education does: it tells nobody anything about a particular child.
"""
from dataclasses import dataclass

THRESHOLD = 5
MARKER = "[c]"
EXPLANATION = "Suppressed: fewer than 5 children, withheld so no child can be identified."


def is_small(count):
    return count is not None and 0 < count < THRESHOLD


@dataclass(frozen=True)
class Shown:
    """A figure as it may be shown to a given audience: either its text, or suppressed."""

    text: str
    suppressed: bool = False

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
