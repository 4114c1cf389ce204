import pytest

from portal.tasks import ping


@pytest.mark.celery
def test_a_real_worker_takes_tasks_from_redis(celery_worker_thread):
    result = ping.apply_async()
    # The worker thread consumes from Redis and answers through the broker's reply queue.
    assert result.get(timeout=20) == "pong"
