"""The ONS postcode directory, read in a process of its own (children/postcodes_reader.py): what it finds, and
an import that fails, saying why, when it cannot be read."""
import pytest

from children import postcodes
from children.models import Child, CohortImport

from .conftest import file_set

pytestmark = pytest.mark.django_db


def test_the_reader_finds_what_the_directory_holds_and_leaves_out_the_unknown(monkeypatch):
    monkeypatch.setattr(postcodes, "_places", {})  # read now, not remembered from another test
    found = postcodes.lookup(["wr1 1db", "HR12AB", "ZZ9 9ZZ", "9Q9 9QQ"])  # no "9" file: nothing is read for it
    assert set(found) == {"WR11DB", "HR12AB"}
    # ONS grid references of WR1 1DB; HR1 2AB is in Herefordshire (E06000019), a unitary council
    assert (found["WR11DB"].easting, found["WR11DB"].northing, found["WR11DB"].council) == (384967.0, 255197.0, "E10000034")
    assert (found["HR12AB"].postcode, found["HR12AB"].district, found["HR12AB"].council) == ("HR1 2AB", "E06000019", "E06000019")
    assert postcodes._places["ZZ99ZZ"] is None and postcodes._places["9Q99QQ"] is None  # not asked again


def test_a_postcode_directory_that_cannot_be_read_fails_the_import_and_says_which_file(run_files, monkeypatch, tmp_path):
    (tmp_path / "postcodes_W.msgpack.br").write_bytes(b"not brotli")  # the valid files' WR postcodes are read here
    monkeypatch.setattr(postcodes, "_data_folder", lambda: tmp_path)
    monkeypatch.setattr(postcodes, "_places", {})  # nothing already known from the real directory
    result = run_files(file_set("valid"))
    assert result.status == CohortImport.Status.FAILED
    assert "The ONS postcode directory could not be read: postcodes_W.msgpack.br" in result.errors[0]["message"]
    assert not Child.objects.exists()
