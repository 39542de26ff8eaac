"""
England's SSDA903 return as a kind of return (``children.returns``): read and checked by
``children.ssda903`` against each collection year's specification, its rules run by the DfE's own engine
(``children.dfe_rules``), its rows stored in the cohort tables (``children.models``).
"""
from core.bulk import insert_rows

from . import dfe_rules, returns, ssda903
from .models import (
    Adoption,
    CareLeaverOutcome,
    Episode,
    HealthOutcome,
    MissingEpisode,
    PlacementForAdoptionDecision,
    PreviousPermanence,
    Review,
    UnaccompaniedAsylumSeeker,
)

# Each table's rows as columns of its model: (model, field names after cohort_return and child, row -> values).
ROW_WRITERS = {
    "episodes": (
        Episode,
        ["start_date", "reason_new_episode", "legal_status", "category_of_need", "placement_type",
         "placement_provider", "end_date", "reason_ceased", "reason_place_change", "home_postcode",
         "placement_postcode", "urn", "distance_miles", "placement_la", "placed_outside_area"],
        None,  # built in ``store``: needs the return's postcodes
    ),
    "reviews": (Review, ["review_date", "participation"], lambda r: (r["REVIEW"], r["REVIEW_CODE"])),
    "oc2": (
        HealthOutcome,
        ["sdq_score", "sdq_reason", "convicted", "health_check", "immunisations", "teeth_check",
         "health_assessment", "substance_misuse", "intervention_received", "intervention_offered"],
        lambda r: (r["SDQ_SCORE"], r["SDQ_REASON"], r["CONVICTED"], r["HEALTH_CHECK"], r["IMMUNISATIONS"],
                   r["TEETH_CHECK"], r["HEALTH_ASSESSMENT"], r["SUBSTANCE_MISUSE"], r["INTERVENTION_RECEIVED"],
                   r["INTERVENTION_OFFERED"]),
    ),
    "oc3": (CareLeaverOutcome, ["in_touch", "activity", "accommodation"], lambda r: (r["IN_TOUCH"], r["ACTIV"], r["ACCOM"])),
    "missing": (MissingEpisode, ["kind", "start_date", "end_date"], lambda r: (r["MISSING"], r["MIS_START"], r["MIS_END"])),
    "uasc": (UnaccompaniedAsylumSeeker, ["date_ceased_uasc"], lambda r: (r["DUC"],)),
    "ad1": (
        Adoption,
        ["date_should_be_placed", "date_matched", "foster_carer_adoption", "number_of_adopters", "adopters_sex",
         "adopters_legal_status"],
        lambda r: (r["DATE_INT"], r["DATE_MATCH"], r["FOSTER_CARE"], r["NB_ADOPTR"], r["SEX_ADOPTR"], r["LS_ADOPTR"]),
    ),
    "placed_adoption": (
        PlacementForAdoptionDecision, ["decision_date", "ceased_date", "reason_ceased"],
        lambda r: (r["DATE_PLACED"], r["DATE_PLACED_CEASED"], r["REASON_PLACED_CEASED"]),
    ),
    "prev_perm": (
        PreviousPermanence, ["kind", "local_authority", "date"], lambda r: (r["PREV_PERM"], r["LA_PERM"], r["DATE_PERM"]),
    ),
}


class SSDA903:
    name = "ssda903"
    label = "SSDA903 return"
    year_end = (3, 31)  # the 903's collection year ends on 31 March

    def read(self, year, files, progress=None):
        return ssda903.read_return(year, files, lookups=ssda903.Lookups.from_settings(), progress=progress)

    def start_rules(self, year, files):
        return dfe_rules.start(year, files)

    def store(self, parsed, cohort_return):
        children = returns.save_children({
            r["CHILD"]: {"sex": r["SEX"] or "U", "date_of_birth": r["DOB"], "ethnicity": r["ETHNIC"],
                         "upn": r.get("UPN") or ""}
            for r in parsed.rows["header"]
        })
        locations = {}

        def episode(r):
            pair = (r["HOME_POST"], r["PL_POST"])
            if pair not in locations:
                locations[pair] = ssda903.placement_location(*pair, parsed.lookups)
            return (r["DECOM"], r["RNE"], r["LS"], r["CIN"], r["PLACE"], r["PLACE_PROVIDER"], r["DEC"], r["REC"],
                    r["REASON_PLACE_CHANGE"], r["HOME_POST"], r["PL_POST"], r["URN"], *locations[pair])

        counts = {"header": len(parsed.rows["header"])}
        for key, (model, fields, values) in ROW_WRITERS.items():
            values = values or episode
            rows = ((cohort_return.pk, children[r["CHILD"]], *values(r)) for r in parsed.rows.get(key, ()))
            counts[key] = insert_rows(model, ["cohort_return", "child", *fields], rows)
        return children, counts
