"""Production settings plus one trivial signed-in page (bench/load_urls.py), for bench/load.py's gunicorn."""
from corporate_parenting.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
