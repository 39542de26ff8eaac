"""
England's SSDA903 return as a kind of return (``children.returns``): read and checked by
``children.ssda903`` against each collection year's specification, its rules run by the DfE's own engine
(``children.dfe_rules``), its rows stored in the cohort tables (``children.models``).
"""
import csv
import datetime
import io

from django.db import connection

from . import dfe_rules, returns, ssda903
from .staging import quote as q
from .models import (
    Adoption,
    CareLeaverOutcome,
    Child,
    CohortReturn,
    Episode,
    HealthOutcome,
    MissingEpisode,
    PlacementForAdoptionDecision,
    PreviousPermanence,
    Review,
    UnaccompaniedAsylumSeeker,
)

# Where each stored table's columns are kept: table key -> (model, {field: the 903 column}). ``store`` writes
# the staged columns to the fields; ``return_as_csv`` writes them back for the DfE's rules on the next year's return.
RETURN_COLUMNS = {
    "episodes": (Episode, {
        "start_date": "DECOM", "reason_new_episode": "RNE", "legal_status": "LS", "category_of_need": "CIN",
        "placement_type": "PLACE", "placement_provider": "PLACE_PROVIDER", "end_date": "DEC", "reason_ceased": "REC",
        "reason_place_change": "REASON_PLACE_CHANGE", "home_postcode": "HOME_POST", "placement_postcode": "PL_POST",
        "urn": "URN",
    }),
    "reviews": (Review, {"review_date": "REVIEW", "participation": "REVIEW_CODE"}),
    "oc2": (HealthOutcome, {
        "sdq_score": "SDQ_SCORE", "sdq_reason": "SDQ_REASON", "convicted": "CONVICTED", "health_check": "HEALTH_CHECK",
        "immunisations": "IMMUNISATIONS", "teeth_check": "TEETH_CHECK", "health_assessment": "HEALTH_ASSESSMENT",
        "substance_misuse": "SUBSTANCE_MISUSE", "intervention_received": "INTERVENTION_RECEIVED",
        "intervention_offered": "INTERVENTION_OFFERED",
    }),
    "oc3": (CareLeaverOutcome, {"in_touch": "IN_TOUCH", "activity": "ACTIV", "accommodation": "ACCOM"}),
    "missing": (MissingEpisode, {"kind": "MISSING", "start_date": "MIS_START", "end_date": "MIS_END"}),
    "uasc": (UnaccompaniedAsylumSeeker, {"date_ceased_uasc": "DUC"}),
    "ad1": (Adoption, {
        "date_should_be_placed": "DATE_INT", "date_matched": "DATE_MATCH", "foster_carer_adoption": "FOSTER_CARE",
        "number_of_adopters": "NB_ADOPTR", "adopters_sex": "SEX_ADOPTR", "adopters_legal_status": "LS_ADOPTR",
    }),
    "placed_adoption": (PlacementForAdoptionDecision, {
        "decision_date": "DATE_PLACED", "ceased_date": "DATE_PLACED_CEASED", "reason_ceased": "REASON_PLACED_CEASED",
    }),
    "prev_perm": (PreviousPermanence, {"kind": "PREV_PERM", "local_authority": "LA_PERM", "date": "DATE_PERM"}),
}
# Worked out from an episode's postcodes as it is read, and staged after its own columns.
EPISODE_PLACE_FIELDS = [name for name, _kind in ssda903.PLACE_COLUMNS]


class SSDA903:
    name = "ssda903"
    label = "SSDA903 return"
    year_end = (3, 31)  # the 903's collection year ends on 31 March

    def read(self, year, files, progress=None):
        return ssda903.read_return(year, files, lookups=ssda903.Lookups.from_settings(), progress=progress)

    def start_rules(self, year, files):
        # With last year's return if it is loaded, so the DfE's rules comparing two years run.
        return dfe_rules.start(year, files, last_year=return_as_csv(year - 1, codes_of=year))

    def store(self, parsed, cohort_return):
        """
        The staged rows (``children.staging``) written to the cohort tables by ``INSERT ... SELECT``, each table in
        the file's order, with no row passing through Python: the children first (new ones added, changed details
        updated), then each table's rows with their child's key.
        """
        staging = parsed.staging
        header = staging.table("header")
        children = returns.save_children_from(
            f"SELECT {q('CHILD')} AS child_id, COALESCE(NULLIF({q('SEX')}, ''), 'U') AS sex, {q('DOB')} AS date_of_birth, "
            f"{q('ETHNIC')} AS ethnicity, {_or_blank('UPN', staging.columns['header'])} AS upn FROM {header} WHERE kept"
        )
        counts = {"header": len(children)}
        child_table = q(Child._meta.db_table)
        with connection.cursor() as cursor:
            for key, (model, columns) in RETURN_COLUMNS.items():
                if key not in staging:
                    counts[key] = 0
                    continue
                held = staging.columns[key]
                fields = [*columns, *(EPISODE_PLACE_FIELDS if key == "episodes" else ())]
                values = [
                    f"s.{q(column)}" if column in held else ("NULL" if model._meta.get_field(name).null else "''")
                    for name, column in columns.items()
                ] + [f"s.{q(name)}" for name in fields[len(columns):]]
                names = ", ".join(q(model._meta.get_field(name).column) for name in ["cohort_return", "child", *fields])
                cursor.execute(
                    f"INSERT INTO {q(model._meta.db_table)} ({names}) "
                    f"SELECT %s, c.{q('id')}, {', '.join(values)} FROM {staging.table(key)} AS s JOIN {child_table} AS c "
                    f"ON c.{q('child_id')} = s.{q('CHILD')} ORDER BY s.row",
                    [cohort_return.pk],
                )
                counts[key] = cursor.rowcount
        return children, counts


def _or_blank(column, held):
    """A staged column, or blank where the year's table has no such column (UPN, say)."""
    return q(column) if column in held else "''"


def return_as_csv(year, codes_of=None):
    """
    A loaded year's return rebuilt from what is stored, as the CSV tables of its year's specification: [(name,
    CSV text)], or [] if the year has not been loaded. The DfE's rules read it as last year's return beside the
    next year's (their rules comparing the two years). The uploaded files are not used: they are deleted
    ``COHORT_FILE_RETENTION_DAYS`` after their import, long before the next year's return is complete.
    Its Episodes hold every episode held up to that year (see below). What the app does not store is written
    blank or left out: Header's MOTHER and MC_DOB, and the tables it
    does not keep (SWEpisodes, DoLo); a child's SEX, DOB, ETHNIC and UPN are those held now (``Child``).
    SEX is written in the codes of year ``codes_of`` (the year whose rules read it): a boy is M in a 2024-25
    return and 1 in 2023-24's, and the rule comparing the two years (202) compares the codes as written.
    """
    cohort_return = CohortReturn.objects.filter(year=year).first()
    if cohort_return is None or cohort_return.imported_at is None:
        return []
    spec = ssda903.specification(year)
    sex_codes = ssda903.specification(codes_of or year).codes.get("SEX", ())

    def text(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return str(value)

    def about(child):
        sex = child["sex"] if child["sex"] in sex_codes else {"M": "1", "F": "2"}.get(child["sex"], child["sex"])
        return {"CHILD": child["child_id"], "SEX": sex, "DOB": text(child["date_of_birth"]),
                "ETHNIC": child["ethnicity"], "UPN": child["upn"]}

    child_fields = ["child_id", "sex", "date_of_birth", "ethnicity", "upn"]
    children, tables = {}, {}
    for key, (model, columns) in RETURN_COLUMNS.items():
        if key not in spec.tables:
            continue
        held = model.objects.filter(cohort_return=cohort_return).order_by("child__child_id", "pk")
        if key == "episodes":
            # Every episode held up to that year, each as the latest return holding it has it: the engine's
            # rules on care leavers (1001, 1002) look for a child's episodes of care in last year's Episodes
            # only, and flag every care leaver who left care before it (its own note says so); the DfE's
            # portal, like the app, holds the whole history.
            held = model.objects.filter(cohort_return__year__lte=year).order_by("cohort_return__year")
        rows = {}
        for record in held.values("cohort_return_id", *columns, *(f"child__{name}" for name in child_fields)):
            child = {name: record[f"child__{name}"] for name in child_fields}
            if record["cohort_return_id"] == cohort_return.pk:
                children.setdefault(child["child_id"], child)
            row = {**about(child), **{column: text(record[name]) for name, column in columns.items()}}
            rows[(row["CHILD"], record["start_date"]) if key == "episodes" else len(rows)] = row
        tables[key] = [rows[k] for k in sorted(rows)] if key == "episodes" else list(rows.values())
    tables["header"] = [about(child) for _id, child in sorted(children.items())]
    written = []
    for key, table in spec.tables.items():
        if key not in tables:
            continue  # not stored by the app
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(table.columns)
        writer.writerows([row.get(column, "") for column in table.columns] for row in tables[key])
        written.append((table.name, out.getvalue()))
    return written
