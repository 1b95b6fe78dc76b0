"""Reusable test helpers: a real SMTP server, a real task-queue worker process, bounded waiting.

The pytest fixtures that wrap them live in `src/samrad/conftest.py` (`smtp_server`, `task_worker`,
`rq_task_queue`). Nothing here is imported by the application itself.
"""
