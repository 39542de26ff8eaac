"""Background jobs for the measures."""
from celery import shared_task

from . import queries


@shared_task(name="measures.warm_figures")
def warm_figures():
    """
    After a change that moves a figure: compute every measure for every year into the cache under the new
    version, once, so that no page waits for it (``queries.compute`` makes concurrent askers wait for it).
    """
    return len(queries.compute(cached=True))
