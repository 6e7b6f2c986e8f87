"""Batch generation as a real job system: jobs of items claimed atomically under a lease by any number of
worker processes, rate-limited calls with adaptive backoff, and a Message Batches mode.

Modules: ``claims`` (claim under a lease / finish / recount), ``budget`` (the spend cap), ``ratelimit``
(token buckets and backoff), ``processor`` and ``generation_processor`` (what one item does), ``runner``
(threads that work a job), ``message_batches`` (the API's batch mode), ``estimate`` (count, tokens, cost
and time before a job starts), ``service`` (create, status) and ``control`` (pause, resume, cancel,
resubmit), ``joblog`` (the lines the Jobs page shows), ``worker``, ``helpers`` and ``launch`` (processes).
SQL is in ``claims``, ``budget``, ``control``, ``joblog`` and ``message_batches``: moving it behind the
storage ports is open work (see docs/architecture.md).
"""
