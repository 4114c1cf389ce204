"""Sending tasks. Each takes ids and calls a service; they are enqueued on commit."""

from __future__ import annotations

from celery import shared_task

from dispatch.services.dispatches import dispatches_release_due
from dispatch.services.outbox import outbox_process_chunk, outbox_sweep


@shared_task
def send_chunk(dispatch_id: int) -> int:
    """Claims and sends one chunk of the dispatch's waiting messages. Messages put back after
    a transient error are picked up by a task enqueued for when they may go (never further
    ahead than the broker's visibility timeout) and, failing that, by the sweeper."""
    result = outbox_process_chunk(dispatch_id)
    if result.retry_in is not None:
        send_chunk.apply_async((dispatch_id,), countdown=result.retry_in)
    return result.sent


@shared_task
def release_due_dispatches() -> list[int]:
    return dispatches_release_due()


@shared_task
def sweep_outbox() -> dict:
    result = outbox_sweep()
    return {
        "released": result.released,
        "rehanded": result.rehanded,
        "uncertain": result.uncertain,
        "enqueued": result.enqueued,
        "finished": result.finished,
    }
