"""The scaling-law lab: plan training runs under a FLOP budget, fit, predict, be scored.

- :mod:`~scalinglaws.course.lab.world` — worlds (hidden law, lr optimum, noise) and run specs.
- :mod:`~scalinglaws.course.lab.ledger` — the budget ledger in SQLite.
- :mod:`~scalinglaws.course.lab.client` — :func:`open_lab`: the same API in the kernel or against the service.
- :mod:`~scalinglaws.course.lab.scoring` — :func:`judge`: a prediction against the world's truth, explained.
- :mod:`~scalinglaws.course.lab.campaign` — IsoFLOP plans and predictions from runs.
- :mod:`~scalinglaws.course.lab.service` — the class service's logic: tokens, runs, predictions, checked answers.
- :mod:`~scalinglaws.course.lab.web`, ``server`` — its Starlette app and uvicorn set-up.
- ``serve``, ``roster``, ``grade``, ``attempts`` — the instructor's commands.

Taught in chapters/08_lab.ipynb; run a class with instructor.md.
"""
