"""
Runs the DfE's own 903 validation rules (Data to Insight's ``csc-validator-be-903``, package ``lac_validator``)
over returns on disk. It runs in the engine's own environment, not the app's (the engine pins pandas<2):

    .venv-903/bin/python children/dfe_rules_runner.py request.json answer.json

``children.dfe_rules`` starts it beside the import's own reading. It imports nothing from the app.

request: {"local_authority": "E10000034", "limit": 1000, "parent": the starting process's id or null,
          "returns": [{"year": 2025, "folder": "...", "files": ["Header.csv", ...], "rule_year": null,
                       "last_year_files": ["last-00-Header.csv", ...]}, ...]}
``year`` is the year the collection ends (2025 is 2024-25); ``rule_year`` (tests only) runs another year's
rule pack; ``last_year_files``, the previous year's return as CSV tables, are given to the engine as its
"Prev year" files (its tables ``Header_last``, ``Episodes_last``...), so its rules comparing the two years run
(a table of them the engine does not know is left out). answer: one entry per return, in order:
    {"year", "rule_year", "pack": "lac2024_25" or "" when the engine has none for the year, "error": "" or why
     the engine could not read the files, "rules": [{"code", "message", "fields", "count",
     "findings": [[table, row, child], ...]}], "not_run": [codes the engine could not apply],
     "files_not_checked": [[name, why], ...], "seconds"}
``row`` is the row a spreadsheet shows (the headings are row 1); ``findings`` holds each rule's first
``limit`` rows, ``count`` all of them. It deletes each file once read, and, if the process that started it has
gone by the end (a worker killed at its hard time limit), its whole folder instead of answering.
"""
import csv
import importlib
import importlib.util
import io
import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path

logging.disable(logging.CRITICAL)
os.environ.setdefault("QLACREF_PC_INSECURE", "True")  # the postcode directory ships signed; read it offline


def pack_name(year):
    return f"lac{year - 1}_{str(year)[2:]}"


def has_pack(year):
    """Whether the engine holds a rule pack for the year, found without importing the engine."""
    spec = importlib.util.find_spec("lac_validator")
    return any((Path(place) / "rules" / pack_name(year)).is_dir() for place in spec.submodule_search_locations)


def _csv_rows(content):
    """The spreadsheet row of each record pandas reads (it skips empty lines; the app's rows count them)."""
    text = content.decode("utf-8-sig", errors="replace")
    return [number for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1) if record][1:]


def run(job, local_authority, limit):
    from lac_validator.config import column_names
    from lac_validator.lac_validator import LacValidator
    from lac_validator.types import UploadError

    started = time.perf_counter()
    rule_year = job.get("rule_year") or job["year"]
    answer = {"year": job["year"], "rule_year": rule_year, "pack": "", "error": "", "rules": [], "not_run": [],
              "files_not_checked": [], "seconds": 0.0}
    if not has_pack(rule_year):
        return answer
    answer["pack"] = pack_name(rule_year)
    registry = importlib.import_module(f"lac_validator.rules.{answer['pack']}").registry
    folder = Path(job["folder"])
    files, rows = [], {}
    known = {frozenset(columns): table for table, columns in column_names.items()}
    for name in job["files"]:
        content = (folder / name).read_bytes()
        (folder / name).unlink()  # children's records: no copy stays on disk longer than needed
        if name.lower().endswith(".csv"):
            heading = next(csv.reader(io.StringIO(content.decode("utf-8-sig", errors="replace"))), [])
            table = known.get(frozenset(column.strip().upper() for column in heading))
            if table is None:  # the engine refuses every file if one is not a table it knows
                answer["files_not_checked"].append([name, "its columns are not those of a table the DfE's rules know"])
                continue
            rows[table] = _csv_rows(content)
        files.append({"name": name, "file_content": content, "description": "This year"})
    for name in job.get("last_year_files", ()):  # the previous year's return: the rules comparing two years
        content = (folder / name).read_bytes()
        (folder / name).unlink()
        heading = next(csv.reader(io.StringIO(content.decode("utf-8-sig", errors="replace"))), [])
        if frozenset(column.strip().upper() for column in heading) in known:
            files.append({"name": name, "file_content": content, "description": "Prev year"})
    # The engine reads collectionYear as the year the collection ends ("2025" for 2024-25).
    metadata = {"collectionYear": str(job["year"]), "localAuthority": local_authority}
    try:
        validator = LacValidator(metadata=metadata, files=files, registry=registry)
    except UploadError as error:
        answer["error"] = str(error)
        return answer
    found = {}
    for table, frame in validator.ds_results.items():
        if table == "metadata" or not hasattr(frame, "columns"):
            continue
        lines = rows.get(table)
        for column in frame.columns:
            if not str(column).startswith("ERR_"):
                continue
            flagged = frame.index[frame[column].fillna(False).astype(bool)]
            rule = found.setdefault(column[4:], {"count": 0, "findings": []})
            rule["count"] += len(flagged)
            for index in flagged[: max(0, limit - len(rule["findings"]))]:
                position = int(index)
                row = lines[position] if lines is not None and position < len(lines) else position + 2
                child = frame.at[index, "CHILD"] if "CHILD" in frame.columns else ""
                rule["findings"].append([table, row, "" if child != child or child is None else str(child)])
    for code, rule in found.items():
        definition = registry.get(code)
        answer["rules"].append({
            "code": code, "message": getattr(definition, "message", "") or "",
            "fields": list(getattr(definition, "affected_fields", None) or []), **rule,
        })
    answer["not_run"] = [str(code) for code in validator.fails]
    answer["seconds"] = round(time.perf_counter() - started, 2)
    return answer


def main(request_path, answer_path):
    request = json.loads(Path(request_path).read_text())
    limit = int(request.get("limit", 1000))
    answers = [run(job, request["local_authority"], limit) for job in request["returns"]]
    if request.get("parent") and os.getppid() != request["parent"]:
        # The import that started it has gone (its worker was killed): nobody will read or remove the answer.
        shutil.rmtree(Path(answer_path).parent, ignore_errors=True)
        return
    Path(answer_path).write_text(json.dumps(answers))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
