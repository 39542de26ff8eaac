"""
The ONS postcode directory's letter files, read in a short-lived process of its own: ``postcodes.lookup``
starts it, and it imports only brotli and msgpack (no Django), so it starts in a few hundredths of a second.

Each letter's file is a brotli-compressed msgpack map whose ``data`` holds one array per column (``pcd``,
``laua``, ``oseast1m``, ``osnrth1m``), rows in ``pcd`` order. Unpacking a column makes hundreds of thousands of
small Python objects (London's "S" has 360,000 postcodes); freed, their memory stays with the process (the
allocator keeps it), so an importing process that had read a return's 19 letters itself stayed 42 MB larger for
good. Read here, that memory goes when this process ends, and the importing process is sent only the rows it
asked for. This process's own peak (about 60 MB, reading the largest letters) is part of an import's footprint
for the half second it runs.

    python -I postcodes_reader.py

reads {"folder": the directory's folder, "letters": {letter: [normalised postcode, ...]}} as JSON on stdin and
writes {normalised postcode: [pcd, laua, oseast1m, osnrth1m]} for those found as JSON on stdout. A letter it
cannot read stops it, with the file and the reason on stderr.
"""
import bisect
import json
import sys
from pathlib import Path

COLUMNS = ("pcd", "laua", "oseast1m", "osnrth1m")
CHUNK = 64 * 1024  # compressed bytes decompressed at a time: about 650 KB of msgpack


def letter_file(folder, letter):
    """The directory's file for postcodes starting with ``letter``, or None if it has none."""
    path = Path(folder) / f"postcodes_{letter}.msgpack.br"
    return path if letter.isalpha() and path.is_file() else None


class Decompressed:
    """A brotli-compressed file read as its decompressed bytes, a piece at a time (as msgpack.Unpacker reads
    it): the whole letter decompressed at once would be 13 MB more at the peak."""

    def __init__(self, handle):
        import brotli

        self.handle, self.decompressor, self.pending = handle, brotli.Decompressor(), bytearray()

    def read(self, size):
        while len(self.pending) < size and (chunk := self.handle.read(CHUNK)):
            self.pending += self.decompressor.process(chunk)
        piece = bytes(self.pending[:size])
        del self.pending[:size]
        return piece


def directory_form(key):
    """'B11AA' -> 'B1  1AA': the directory's 7-character form of a normalised postcode."""
    return key[:-3].ljust(4) + key[-3:]


def picked(path, keys):
    """
    {key: [pcd, laua, oseast1m, osnrth1m]} for the normalised ``keys`` found in the letter file at ``path``.
    Unpacked a column at a time, each let go once the wanted rows are taken from it (each key found in ``pcd``,
    which is sorted, by bisection): a whole letter unpacked at once holds a million Python objects.
    """
    import msgpack

    positions, found = {}, {}
    with open(path, "rb") as handle:
        unpacker = msgpack.Unpacker(Decompressed(handle), raw=False, read_size=CHUNK)
        for _entry in range(unpacker.read_map_header()):
            if unpacker.unpack() != "data":
                unpacker.skip()
                continue
            for _column in range(unpacker.read_map_header()):
                name, values = unpacker.unpack(), unpacker.unpack()
                if name == "pcd":
                    for key in keys:
                        wanted = directory_form(key)
                        position = bisect.bisect_left(values, wanted)
                        if position < len(values) and values[position] == wanted:
                            positions[key] = position
                if name in COLUMNS:
                    found[name] = {key: values[position] for key, position in positions.items()}
                del values
    return {key: [found[name][key] for name in COLUMNS] for key in positions}


def columns(path):
    """(pcd, laua, oseast1m, osnrth1m): every row of the letter file at ``path``, in this process."""
    import brotli
    import msgpack

    data = msgpack.unpackb(brotli.decompress(Path(path).read_bytes()), raw=False)["data"]
    return tuple(data[name] for name in COLUMNS)


def main():
    request = json.load(sys.stdin)
    found = {}
    for letter, keys in request["letters"].items():
        path = letter_file(request["folder"], letter)
        if path is None:
            continue
        try:
            found.update(picked(path, keys))
        except Exception as error:  # a damaged or changed file: say which, for the importing process to report
            sys.exit(f"{path.name}: {type(error).__name__}: {error}")
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main()
