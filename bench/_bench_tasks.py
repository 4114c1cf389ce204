"""The baseline task of bench/dispatch.py, imported by its workers with --include: as close to
an empty task as can be counted (one Redis INCR, so the bench knows when all have run)."""

from __future__ import annotations

import os

import redis
from celery import shared_task

_redis = redis.Redis.from_url(os.environ["REDIS_URL"])


@shared_task(ignore_result=True)
def noop(key: str) -> None:
    _redis.incr(key)
