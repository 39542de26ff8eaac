"""
Choose the real postcodes the synthetic 903 returns use: a sample of one council's own postcodes, of its
neighbours' (within 30 miles of the middle of its area) and of the rest of England (over 60 miles away),
all from the ONS postcode directory (districts the DfE validator's council lookup knows). Writes children/data/synthetic_postcodes.csv; run again after a
directory upgrade or to change the demo's council.
"""

import math
import random

from django.conf import settings
from django.core.management.base import BaseCommand

from children import postcodes, synthetic
from core import csv_files

SAMPLE = {"area": 1200, "near": 400, "far": 200}


class Command(BaseCommand):
    help = "Sample real postcodes of the demo council's area, its neighbours and the rest of England."

    def add_arguments(self, parser):
        parser.add_argument("--council", default=settings.COUNCIL_LA_CODE, help="Upper-tier local authority code.")

    def handle(self, *args, council, **options):
        area, others = [], []
        known = postcodes.councils_of_districts()
        for place in postcodes.all_places():
            if place.district in known:  # the DfE's validator places only districts in the ONS lookup it carries
                (area if place.council == council else others).append(place)
        if not area:
            raise SystemExit(f"No postcodes found for {council}.")
        east = sum(p.easting for p in area) / len(area)
        north = sum(p.northing for p in area) / len(area)

        def miles(place):
            return math.hypot(place.easting - east, place.northing - north) / postcodes.METRES_PER_MILE

        rings = {
            "area": area,
            "near": [p for p in others if miles(p) <= 30],
            "far": [p for p in others if miles(p) > 60 and p.council.startswith("E")],
        }
        rng = random.Random(903)
        with open(synthetic.POSTCODES_FILE, "w", newline="") as handle:
            writer = csv_files.writer(handle)
            writer.writerow(["council", "ring", "postcode"])
            for ring, places in rings.items():
                chosen = rng.sample(sorted(places, key=lambda p: p.postcode), min(SAMPLE[ring], len(places)))
                for place in sorted(chosen, key=lambda p: p.postcode):
                    writer.writerow([council, ring, place.postcode])
                self.stdout.write(f"{ring}: {len(chosen)} of {len(places)} postcodes")
