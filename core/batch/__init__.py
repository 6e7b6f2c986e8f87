"""Batch generation as a real job system: jobs of items claimed atomically under a lease by any number of
worker processes, rate-limited calls with adaptive backoff, and a Message Batches mode.

Modules: ``claims`` (claim / finish / recount, the only SQL), ``ratelimit`` (token buckets and backoff),
``processor`` (what one item does), ``runner`` (threads that work a job), ``message_batches`` (the API's
batch mode), ``estimate`` (count, tokens, cost and time before a job starts), ``service`` (create, pause,
resume, cancel, status), ``joblog`` (the lines the Jobs page shows).
"""
