"""
Runs the DfE's own 903 rules (``csc-validator-be-903``, package ``lac_validator``, in ``.venv-903``) over CSV
returns for the synthetic-return tests, until the import's own runner (children.dfe_rules_runner) is on main;
then the tests use that one.

    .venv-903/bin/python tests/children/dfe_engine.py request.json answer.json

request: {"local_authority": "E10000034", "jobs": [{"year": 2025, "rule_year": 2025, "folder": ...}, ...]}
(``rule_year``: whose rule pack to run, for the years before the engine's first, 2022-23).
answer: one {"year", "failures": [[code, table, line, child], ...], "failed_rules": [...]} per job, where line
is the line of the CSV file (2 = the first row after the headings) and failed_rules the rules the engine
could not apply at all.
"""
import importlib
import json
import logging
import os
import sys
from pathlib import Path

logging.disable(logging.CRITICAL)
os.environ.setdefault("QLACREF_PC_INSECURE", "True")


def run(job, local_authority):
    from lac_validator.lac_validator import LacValidator

    rule_year = job["rule_year"]
    registry = importlib.import_module(f"lac_validator.rules.lac{rule_year - 1}_{str(rule_year)[2:]}").registry
    files = [
        {"name": path.name, "file_content": path.read_bytes(), "description": "This year"}
        for path in sorted(Path(job["folder"]).glob("*.csv"))
    ]
    # The engine reads collectionYear as the year the collection ends ("2025" for 2024-25).
    metadata = {"collectionYear": str(job["year"]), "localAuthority": local_authority}
    validator = LacValidator(metadata=metadata, files=files, registry=registry)
    failures = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in frame.columns:
            if str(column).startswith("ERR_"):
                for index in frame.index[frame[column].fillna(False).astype(bool)]:
                    failures.append([column[4:], table, int(index) + 2, str(frame.at[index, "CHILD"])])
    return {"year": job["year"], "failures": failures, "failed_rules": [str(code) for code in validator.fails]}


if __name__ == "__main__":
    request = json.loads(Path(sys.argv[1]).read_text())
    answers = [run(job, request["local_authority"]) for job in request["jobs"]]
    Path(sys.argv[2]).write_text(json.dumps(answers))
