"""
Disclosure control: the one place that decides which figures about children a reader who is not an officer
may see. Every page, chart, PDF and download that such a reader (chief executive, councillor, Children in
Care Council representative, partner, the public) can reach shows figures through this module.

The rules follow the Government Statistical Service's guidance on disclosure control for tables and the
Department for Education's own practice in its children looked after statistics (local authority figures
unrounded, small counts shown as ``c``, zeros shown as zero, percentages rounded to whole numbers,
secondary suppression where a withheld figure could be worked out from the others):

1. **Primary**: a count of 1 to 4 children is withheld. So is a percentage (or rate) built on such a count,
   on a base of 1 to 4, or whose complement is 1 to 4 ("95% of 64 care leavers in touch" says 3 are not),
   and a mean of 1 to 4 children's scores. Zero is shown as it stands: it identifies nobody.
2. **Secondary**: where figures are parts of a published whole (children by category of need, legal status,
   placement, age, sex, ethnicity... of all children looked after at 31 March), a reader knows the withheld
   parts add up to the whole less the shown parts. Each withheld part is at least 1, so with ``k`` parts
   withheld that add up to ``S``, any one of them is somewhere from 1 to ``S - (k - 1)``. That range must
   reach 5 (else each is known to be a small number) and one part alone is pinned, so ``withhold_parts``
   withholds more, the smallest shown part above zero each time (fewest children hidden), until ``k >= 2``
   and ``S >= k + 4``. One more part always suffices. If there is none to add, the whole is withheld too.
   A part a reader cannot see at all (the whole less every part listed, e.g. children with no category
   recorded) counts as a withheld part.
3. **The reader is assumed to know every shown figure exactly**, even where the page rounds it, and every
   shared base even where the page does not show it. Rounding and unpublished bases only widen what the
   reader can work out, so figures safe under this assumption are safe as published. The intruder test
   (``tests/security/test_intruder.py``) checks the published pages, charts and PDFs with a solver.
4. **One wording** for every withheld figure, ``[c]`` with ``EXPLANATION``: a reader cannot tell a figure
   withheld for being small from one withheld to protect another.
5. **Charts** draw a value no more precisely than its printed label (``core.charts`` draws the number the
   label prints), and draw nothing for a withheld value.

Using it (for a new breakdown, say children looked after by age group)::

    from core import suppression

    shown = suppression.breakdown({"Under 1": 9, "1 to 4": 3, ...}, total=216)   # {label: Shown}
    shown["1 to 4"].suppressed   # True; str(shown["1 to 4"]) == "[c]"
    shown["Under 1"].number      # the number as printed, for a chart; None when withheld

Lower level: ``count(n)``, ``percentage(n, d)``, ``mean(value, d)`` for one figure; ``share_is_small(n, d)``
and ``withhold_parts(parts, total)`` to decide, then ``withheld()`` to show the marker. Officer-only pages
pass ``suppress=False``.
"""
from dataclasses import dataclass

THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are withheld
MARKER = "[c]"
EXPLANATION = (
    "Withheld to protect confidentiality: a small number of children, or a figure from which one could be "
    "worked out."
)
NO_DATA = "No data"


def is_small(count):
    """True for a count of 1 to 4 children."""
    return count is not None and 0 < count < THRESHOLD


def share_is_small(numerator, denominator):
    """
    True when a percentage ``numerator`` of ``denominator`` must be withheld on its own: the count, the
    base, or the rest of the base (``denominator - numerator``) is 1 to 4.
    """
    if numerator is None or not denominator:
        return False
    return is_small(numerator) or is_small(denominator) or is_small(denominator - numerator)


@dataclass(frozen=True)
class Shown:
    """
    A figure as it may be shown to a given audience: its text, and ``number``, the value as the text prints
    it (what a chart may draw), or the marker when ``suppressed``.
    """

    text: str
    suppressed: bool = False
    number: float | None = None

    @property
    def explanation(self):
        return EXPLANATION if self.suppressed else ""

    def __str__(self):
        return MARKER if self.suppressed else self.text


WITHHELD = Shown(MARKER, suppressed=True)
MISSING = Shown(NO_DATA)


def withheld():
    """The one way every withheld figure is shown."""
    return WITHHELD


def as_printed(text):
    """The number a label prints ("1,234", "66%", "12.5") or None."""
    try:
        return float(str(text).replace(",", "").rstrip("%"))
    except ValueError:
        return None


def shown(text):
    """A figure shown as ``text`` (already formatted)."""
    return Shown(text, number=as_printed(text))


def count(value, *, suppress=True):
    if value is None:
        return MISSING
    if suppress and is_small(value):
        return WITHHELD
    return shown(f"{value:,}")


def percentage(numerator, denominator, *, suppress=True, places=0):
    if numerator is None or not denominator:
        return MISSING
    if suppress and share_is_small(numerator, denominator):
        return WITHHELD
    return shown(f"{100 * numerator / denominator:.{places}f}%")


def mean(value, denominator, *, suppress=True, places=1):
    """A mean of ``denominator`` children's scores: withheld when 1 to 4 children have one."""
    if value is None or not denominator:
        return MISSING
    if suppress and is_small(denominator):
        return WITHHELD
    return shown(f"{value:.{places}f}")


def _safe(hidden):
    """True when the withheld parts ``hidden`` of a published whole leave each one unknown beyond 1 to 4."""
    if not hidden:
        return True
    return len(hidden) >= 2 and sum(hidden) >= len(hidden) + THRESHOLD - 1


def withhold_parts(parts, total):
    """
    Which of ``parts`` (disjoint counts, ``None`` for none, that are parts of ``total``, which the reader
    sees) to withhold: ``(positions, whole_too)``. ``positions`` holds the small parts and as few others as
    leave no withheld part known to be 1 to 4 or pinned to one value (rule 2 above); ``whole_too`` is True
    when that cannot be done without withholding ``total`` as well, in which case every part above zero is
    withheld. Parts that add up to more than ``total`` are not parts of it: only the small ones are withheld.
    """
    values = [value or 0 for value in parts]
    withheld_positions = {position for position, value in enumerate(values) if is_small(value)}
    if total is None or sum(values) > total:
        return withheld_positions, False
    hidden = [values[position] for position in withheld_positions]
    rest = total - sum(values)  # the part no figure shows: known exactly while nothing else is withheld
    if is_small(rest) or (hidden and rest):
        hidden.append(rest)
    while not _safe(hidden):
        candidates = [
            (value, position) for position, value in enumerate(values) if value and position not in withheld_positions
        ]
        if not candidates:
            return {position for position, value in enumerate(values) if value}, True
        value, position = min(candidates)
        withheld_positions.add(position)
        hidden.append(value)
    return withheld_positions, False


def breakdown(counts, total, *, suppress=True, as_percentage=True, places=0):
    """
    A published ``total`` broken down by ``counts`` ({label: count}, disjoint parts), as {label: Shown}:
    percentages of ``total`` (or the counts), with small parts and as few others as needed withheld.
    """
    labels = list(counts)
    withheld_positions, whole_too = withhold_parts([counts[label] for label in labels], total) if suppress else (set(), False)
    result = {}
    for position, label in enumerate(labels):
        value = counts[label]
        if value is None:
            result[label] = MISSING
        elif position in withheld_positions or (whole_too and value):
            result[label] = WITHHELD
        elif as_percentage:
            result[label] = percentage(value, total, suppress=False, places=places)
        else:
            result[label] = count(value, suppress=False)
    return result
