"""
Reading cohort records for officers' pages, exports and other apps' dashboards. Every function runs a fixed
number of queries, whatever the size of the cohort.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from .models import (
    Adoption,
    CareLeaverOutcome,
    Child,
    Code,
    CohortImport,
    CohortReturn,
    DfeRuleCheck,
    DfeRuleFailure,
    Episode,
    HealthOutcome,
    MissingEpisode,
    PlacementForAdoptionDecision,
    PreviousPermanence,
    Review,
    UnaccompaniedAsylumSeeker,
)


def return_years():
    return list(CohortReturn.objects.order_by("-year").values_list("year", flat=True))


def code_choices(code_list):
    return [(c.code, f"{c.code}: {c.description}") for c in Code.objects.filter(code_list=code_list, active=True)]


def code_descriptions(*code_lists):
    """{code_list: {code: description}} in one query, for showing codes with their meaning."""
    result = defaultdict(dict)
    for code_list, code, description in Code.objects.filter(code_list__in=code_lists).values_list(
        "code_list", "code", "description"
    ):
        result[code_list][code] = description
    return result


def children_for_year(*, year=None, search="", legal_status="", placement_type="", looked_after_at_year_end=None):
    """
    Children in a year's return (looked after during the year, or a care leaver with an OC3 row), with the
    legal status and placement type of their latest episode that year. Without a year: every child.
    """
    children = Child.objects.all()
    if search:
        children = children.filter(child_id__icontains=search.strip())
    if year is None:
        return children.order_by("child_id")
    in_year = Episode.objects.filter(cohort_return__year=year, child=OuterRef("pk"))
    latest = in_year.order_by("-start_date")
    children = children.filter(
        Exists(in_year) | Exists(CareLeaverOutcome.objects.filter(cohort_return__year=year, child=OuterRef("pk")))
    ).annotate(
        latest_legal_status=Subquery(latest.values("legal_status")[:1]),
        latest_placement_type=Subquery(latest.values("placement_type")[:1]),
        looked_after_at_year_end=Exists(in_year.filter(end_date__isnull=True)),
        episodes_in_year=Subquery(
            in_year.order_by().values("child").annotate(n=Count("pk")).values("n")[:1]
        ),
    )
    if legal_status:
        children = children.filter(latest_legal_status=legal_status)
    if placement_type:
        children = children.filter(latest_placement_type=placement_type)
    if looked_after_at_year_end is not None:
        children = children.filter(looked_after_at_year_end=looked_after_at_year_end)
    return children.order_by("child_id")


@dataclass
class YearRecord:
    cohort_return: CohortReturn
    episodes: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    health: list = field(default_factory=list)
    care_leaver: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    uasc: list = field(default_factory=list)
    adoption: list = field(default_factory=list)
    adoption_decisions: list = field(default_factory=list)
    previous_permanence: list = field(default_factory=list)


def child_record(child):
    """A child's records in every return, newest year first: a list of ``YearRecord`` (nine queries)."""
    years = {}

    def year_of(row):
        if row.cohort_return_id not in years:
            years[row.cohort_return_id] = YearRecord(row.cohort_return)
        return years[row.cohort_return_id]

    sources = [
        ("episodes", Episode.objects.filter(child=child).order_by("start_date")),
        ("reviews", Review.objects.filter(child=child)),
        ("health", HealthOutcome.objects.filter(child=child)),
        ("care_leaver", CareLeaverOutcome.objects.filter(child=child)),
        ("missing", MissingEpisode.objects.filter(child=child)),
        ("uasc", UnaccompaniedAsylumSeeker.objects.filter(child=child)),
        ("adoption", Adoption.objects.filter(child=child)),
        ("adoption_decisions", PlacementForAdoptionDecision.objects.filter(child=child)),
        ("previous_permanence", PreviousPermanence.objects.filter(child=child)),
    ]
    for attribute, rows in sources:
        for row in rows.select_related("cohort_return"):
            getattr(year_of(row), attribute).append(row)
    return sorted(years.values(), key=lambda record: -record.cohort_return.year)


def audit_trail(child):
    """Audit entries about a child's record (views, exports, changes to the child and their episodes)."""
    return (
        LogEntry.objects.filter(
            Q(additional_data__child_pk=child.pk)
            | Q(content_type=ContentType.objects.get_for_model(Child), object_pk=str(child.pk))
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def cohort_imports():
    return CohortImport.objects.select_related("created_by").defer("errors", "warnings", "problem_counts")


def problems_not_listed(cohort_import):
    """The kinds of problem with more found than listed (each kind lists its first ``ssda903.PROBLEMS_KEPT``)."""
    return sorted(
        ({**kind, "not_listed": kind["count"] - kind["listed"]} for kind in cohort_import.problem_counts
         if kind["count"] > kind["listed"]),
        key=lambda kind: (not kind["blocks"], -kind["count"]),
    )


def warning_count(cohort_import):
    """How many warnings the import found, listed or not (an import from before counting kept only its list)."""
    counted = [kind["count"] for kind in cohort_import.problem_counts if not kind["blocks"]]
    return sum(counted) if counted else len(cohort_import.warnings)


def unresolved_failed_imports(limit=5):
    """
    Imports that failed or found errors, newest first, unless a later import of the same year succeeded (a
    good re-import answers the older failures). One query.
    """
    answered = CohortImport.objects.filter(
        year=OuterRef("year"), status=CohortImport.Status.SUCCEEDED, created_at__gt=OuterRef("created_at")
    )
    return list(
        cohort_imports()
        .filter(Q(status=CohortImport.Status.FAILED) | Q(error_count__gt=0))
        .exclude(Exists(answered))[:limit]
    )


def latest_imports(limit=5):
    """The most recent imports, newest first, with status, error count and who ran them (one query)."""
    return list(cohort_imports()[:limit])


RULE_ROWS_SHOWN = 50  # rows shown per DfE rule on the import page; the problems download has all kept


def dfe_rule_check(cohort_import):
    """
    The DfE's rules' outcome for an import (None before they ran), its rules in code order, each with its first
    rows as {table, row, child, child_pk}: the child's record is linked when the import loaded it. Two queries.
    """
    check = DfeRuleCheck.objects.filter(cohort_import=cohort_import).first()
    if check is None:
        return None
    check.rules = list(check.failures.all())
    children = {child for rule in check.rules for _table, _row, child in rule.findings[:RULE_ROWS_SHOWN] if child}
    pks = {}
    if children and cohort_import.status == CohortImport.Status.SUCCEEDED:
        pks = dict(Child.objects.filter(child_id__in=children).values_list("child_id", "pk"))
    for rule in check.rules:
        rule.tables = sorted({table for table, _row, _child in rule.findings})
        rule.shown = [
            {"table": table, "row": row, "child": child, "child_pk": pks.get(child)}
            for table, row, child in rule.findings[:RULE_ROWS_SHOWN]
        ]
    return check


def dfe_rule_rows(cohort_import):
    """The DfE's rules' findings as rows of the problems download (kind, table, row, field, value, message, rule,
    child): every row kept for each rule, and a line saying so where a rule flagged more than were kept."""
    check = DfeRuleCheck.objects.filter(cohort_import=cohort_import).first()
    if check is None:
        return
    if check.status != DfeRuleCheck.Status.RAN:
        yield ["DfE rules not run", "", "", "", "", check.message, "", ""]
        return
    for rule in check.failures.all():
        fields = ", ".join(rule.fields)
        for table, row, child in rule.findings:
            yield ["DfE rule", table, row, fields, "", rule.message, rule.code, child]
        if rule.count > len(rule.findings):
            yield ["DfE rule", "", "", fields, "", f"{rule.count - len(rule.findings):,} more rows fail this rule; "
                   f"the first {len(rule.findings):,} are listed.", rule.code, ""]


def data_freshness():
    """Each imported collection year, newest first: {year, label, imported_at, imported_by} (one query)."""
    return [
        {"year": r.year, "label": r.label, "imported_at": r.imported_at, "imported_by": r.imported_by}
        for r in CohortReturn.objects.select_related("imported_by").order_by("-year")
    ]


def everything_held_about(child):
    """
    ``{table name: (header, rows)}``: every row held about the child, whatever the year. Found from the tables
    that point at a child (so a new table is included without a change here), plus the DfE rule findings that
    name them and their audit trail (``audit_trail``, oldest first).
    """
    from audit.services import TRAIL_COLUMNS, trail_row

    def table(queryset):
        fields = [field.attname for field in queryset.model._meta.concrete_fields]
        return fields, [list(row) for row in queryset.order_by("pk").values_list(*fields)]

    tables = {"child": table(Child.objects.filter(pk=child.pk))}
    for relation in Child._meta.related_objects:
        model = relation.related_model
        tables[model._meta.db_table] = table(model._base_manager.filter(**{relation.field.name: child}))
    findings = [
        [failure.rule_check.cohort_import_id, failure.code, failure.message, *finding]
        for failure in DfeRuleFailure.objects.filter(findings__icontains=child.child_id).select_related("rule_check")
        for finding in failure.findings
        if str(finding[-1]) == child.child_id
    ]
    tables["dfe_rule_findings"] = (["import", "rule", "message", "table", "row", "child"], findings)
    trail = audit_trail(child).order_by("timestamp", "pk")
    tables["audit_trail"] = (TRAIL_COLUMNS, [trail_row(entry) for entry in trail])
    return tables
