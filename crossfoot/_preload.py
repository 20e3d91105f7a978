"""Imported once by the fork server that starts ``crossfoot review``'s workers (``review._context``).

Importing it loads everything checking a document needs, so that the workers forked from the
server start warm.  A failure here must not stop a review: the workers then load on first use.
"""

import logging

try:
    import gc

    from crossfoot.review import warm_up

    warm_up()
    # What the server has loaded stays out of every collection in the workers forked from it
    # (each worker's own start-up collection then has almost nothing to walk).
    gc.collect()
    gc.freeze()
except Exception:  # pragma: no cover - warming is an optimisation only
    logging.getLogger("crossfoot").warning("warm-up failed; the workers load on first use", exc_info=True)
