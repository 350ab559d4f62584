"""A whole shoot with one look: ``pertouch batch IN_DIR -o OUT_DIR``, resumable, local or on Ray.

Modules: ``look`` (what every photo gets, and where it comes from), ``photo`` (one photo: the
pure per-photo function the engines share), ``plan`` (which files, which output names),
``manifest`` (JSON lines of what is done, for resuming), ``progress`` (a line per photo with the
time left, and the summary), ``workers`` (the worker that holds the models, and the local pool),
``ray_runner`` (the same on a Ray cluster) and ``run`` (:func:`run_batch`, which ties them).
Nothing is imported here, so the command's ``--help`` stays fast.
"""
