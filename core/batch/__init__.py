"""Batch generation as a real job system: jobs of items claimed atomically under a lease by any number of
worker processes, rate-limited calls with adaptive backoff, and a Message Batches mode.

Modules: ``processor`` (what working one item means: the protocol the runner drives, and the outcome it acts
on) and ``generation_processor`` (real generation, each result fenced by the item's claim), ``ratelimit``
(token buckets and backoff), ``admission`` (a job's rate limits across all its workers), ``scaffolding_view``
(scaffolding as a batch reads it), ``runner`` (threads that work a job), ``message_batches`` (the API's
batch mode), ``estimate`` (count, tokens, cost and time before a job starts), ``service`` (create, status)
and ``control`` (pause, resume, cancel, resubmit), ``joblog`` (the lines the Jobs page shows), ``worker``,
``helpers`` and ``launch`` (processes). No SQL here: claims, the call log and the rows are ports
(``core.storage.ports``: ``JobQueue``, ``GenerationLogPort``) implemented in ``core.storage``.
"""
