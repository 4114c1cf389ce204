from dispatch.models.account_mails import AccountMail, FailureRetry
from dispatch.models.dispatches import (
    REFUSED,
    Channel,
    Dispatch,
    DispatchState,
    Message,
    MessageState,
    Purpose,
    SkipReason,
)
from dispatch.models.own_words import OwnWords
from dispatch.models.quotas import SmsQuota
from dispatch.models.records import InboundSms, RecordedMessage, SmsOptOut

__all__ = [
    "REFUSED",
    "AccountMail",
    "Channel",
    "Dispatch",
    "DispatchState",
    "FailureRetry",
    "InboundSms",
    "Message",
    "MessageState",
    "OwnWords",
    "Purpose",
    "RecordedMessage",
    "SkipReason",
    "SmsOptOut",
    "SmsQuota",
]
