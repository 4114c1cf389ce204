"""What every provider backend takes and returns (dispatch.backends describes the contract)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Outgoing:
    message_id: uuid.UUID
    channel: str
    to: str
    round_id: int
    subject: str = ""
    text: str = ""
    html: str = ""
    # For providers that batch: the variant's texts with merge fields and this recipient's values.
    merge_key: tuple | None = None
    merge_values: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    message_id: uuid.UUID
    ok: bool
    provider_id: str = ""
    error: str = ""
    # The address or number itself was refused: the message fails and the contact is invalid.
    invalid_address: bool = False
    # The number has opted out of SMS at the provider.
    opted_out: bool = False


class Backend(Protocol):
    idempotent: bool

    def groups(self, messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]: ...

    def send(self, messages: list[Outgoing]) -> list[Outcome]: ...


def one_by_one(messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
    for message in messages:
        yield [message]
