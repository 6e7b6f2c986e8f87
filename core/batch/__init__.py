"""Batch generation as a real job system: jobs of items claimed atomically under a lease by any number of
worker processes, rate-limited calls with adaptive backoff, and a Message Batches mode.

Modules: ``claims`` (claim under a lease / finish / release, over the ``JobQueue`` port), ``budget``
(the spend cap), ``ratelimit`` (token buckets and backoff), ``admission`` (a job's rate limits across all its
workers), ``processor`` and ``generation_processor`` (what one item does), ``scaffolding_view`` (scaffolding as
a batch reads it), ``runner`` (threads that work a job), ``message_batches`` (the API's batch mode), ``estimate`` (count, tokens, cost
and time before a job starts), ``service`` (create, status) and ``control`` (pause, resume, cancel,
resubmit), ``joblog`` (the lines the Jobs page shows), ``worker``, ``helpers`` and ``launch`` (processes).
No SQL here: the job queue and the call log are ports (``core.storage.ports``: ``JobQueue``,
``GenerationLogPort``) implemented in ``core.storage.jobqueue`` and ``core.storage.calllog``.
"""
