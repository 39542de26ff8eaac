"""
Small hand-written 903 returns for the measure tests, loaded through the real import (so the history is
joined as it is after a council's upload). Rows are written as the 903 writes them; columns a test does not
care about are filled with ordinary values.
"""
from children import services

HEADINGS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "uasc": ["CHILD", "DOB", "SEX", "DUC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
}


def ep(child, decom, rne, dec="", rec="", *, ls="C2", cin="N1", place="U4", provider="PR1", home="WR1 1DB", placed="WR5 1AA"):
    """An Episodes row: child, DECOM, RNE, DEC, REC (and the codes when they matter)."""
    return [child, decom, rne, ls, cin, place, provider, dec, rec, "", home, placed, ""]


def ad1(child, born, matched, foster_carers="0", *, decided=""):
    """An AD1 row: the child adopted, the match date and whether the foster carers adopted (FOSTER_CARE)."""
    return [child, born, decided, matched, foster_carers, "2", "MF", "L0"]


def load(year, children, episodes=(), *, oc2=(), oc3=(), missing=(), uasc=(), reviews=(), adoptions=(), user=None):
    """
    Import one year's return. ``children`` is {CHILD: date of birth as DD/MM/YYYY}; the other tables are
    lists of rows (lists of strings in the table's column order). Returns the finished ``CohortImport``.
    """
    tables = {
        "header": [[child, "M", born, "WBRI", "", "", ""] for child, born in children.items()],
        "episodes": list(episodes),
        "oc2": list(oc2),
        "oc3": list(oc3),
        "missing": list(missing),
        "uasc": list(uasc),
        "reviews": list(reviews),
        "ad1": list(adoptions),
    }
    files = []
    for key, rows in tables.items():
        if key not in ("header", "episodes") and not rows:
            continue
        text = "\n".join(",".join(row) for row in [HEADINGS[key], *rows]) + "\n"
        files.append(services.store_upload_copy(f"{key}.csv", text.encode()))
    cohort_import = services.create_import(year=year, files=files, user=user)
    result = services.run_import(cohort_import.pk)
    assert result.status == result.Status.SUCCEEDED, result.errors
    return result
