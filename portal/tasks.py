from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> str:
    """Answers from whichever worker takes it; used to prove a worker is consuming the queue."""
    return "pong"
