"""An administrator's "try again" of a dispatch's failed messages. Only failures where a retry
is safe go again: the provider could not be reached, timed out or answered a temporary error
on every try, or bounced softly (a full mailbox). Never a message the provider refused or could
not deliver for good (a hard bounce, a number that does not exist), nor an uncertain one, which
may have arrived. One form, one retry: the form's one-time key is stored with the retry under a
unique constraint, so a double click or a resubmitted page puts nothing in the queue twice."""

from __future__ import annotations

import uuid
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from dispatch.models import REFUSED, Dispatch, DispatchState, FailureRetry, Message, MessageState
from dispatch.tasks import dispatch_enqueue
from portal.audit.record import audit_record
from portal.models import AuditAction, User


def retryable_failures(dispatch: Dispatch) -> QuerySet[Message]:
    """The dispatch's failed messages a retry may send again (none once it is cancelled or its
    round has closed)."""
    if dispatch.state == DispatchState.CANCELLED or dispatch.round.closes_at <= timezone.now():
        return Message.objects.none()
    return dispatch.messages.filter(state=MessageState.FAILED).exclude(error__startswith=REFUSED)


def failures_retry(
    dispatch: Dispatch,
    *,
    key: uuid.UUID,
    user: User | None,
    http_request: HttpRequest | None = None,
) -> tuple[int, bool]:
    """Puts the dispatch's safely retryable failures back in the queue. Returns how many and
    whether this call did it (False: the form's key was used already, and that retry's count
    is returned)."""
    earlier = FailureRetry.objects.filter(key=key).first()
    if earlier is not None:
        return earlier.messages, False
    try:
        with transaction.atomic():
            # One retry at a time per dispatch; the key's constraint settles a double post.
            Dispatch.objects.select_for_update().filter(pk=dispatch.pk).first()
            retry = FailureRetry.objects.create(key=key, dispatch=dispatch, created_by=user)
            count = retryable_failures(dispatch).update(
                state=MessageState.PENDING, claim=None, attempts=0, not_before=None, error=""
            )
            retry.messages = count
            retry.save(update_fields=["messages"])
            if count:
                Dispatch.objects.filter(pk=dispatch.pk, state=DispatchState.DONE).update(
                    state=DispatchState.SENDING, finished_at=None
                )
                transaction.on_commit(partial(dispatch_enqueue, dispatch.pk, count))
            audit_record(
                AuditAction.FAILURES_RETRIED,
                request=http_request,
                user=user,
                county=dispatch.county,
                office=dispatch.training_office,
                target=f"{dispatch.round}: {dispatch.get_purpose_display()} ({dispatch.pk})",
                detail={"dispatch": dispatch.pk, "messages": count, "retry": str(key)},
            )
    except IntegrityError:
        earlier = FailureRetry.objects.get(key=key)
        return earlier.messages, False
    return count, True
