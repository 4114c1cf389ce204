"""The session engine: Django's database sessions, with the table holding a keyed hash of each
session key instead of the key itself.

The cookie keeps the raw key; the row's session_key is keyed_hash("session", key) cut to the
column's 40 characters (160 bits). Someone with a copy of the table (a dump, a backup, a replica)
has only hashes, and a hash sent as the cookie is hashed again and finds nothing. Rows written
under a secret key now in SECRET_KEY_FALLBACKS are still found, and moved to the current one."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from portal.lib.keyed import keyed_hashes

STORED_LENGTH = 40  # django_session.session_key is a CharField(max_length=40)


def stored_keys(session_key: str) -> list[str]:
    """What the table may hold for `session_key`: under the current secret key first."""
    return [digest[:STORED_LENGTH] for digest in keyed_hashes("session", session_key)]


def stored_key(session_key: str) -> str:
    return stored_keys(session_key)[0]


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        candidates = stored_keys(self.session_key)
        row = (
            self.model.objects.filter(session_key__in=candidates, expire_date__gt=timezone.now())
            .order_by("-expire_date")
            .first()
        )
        if row is None:
            self._session_key = None
            return None
        if row.session_key != candidates[0]:
            # Found under an earlier secret key: the save after this request updates the row
            # under the current one, so it must be there.
            self.model.objects.filter(session_key=row.session_key).update(session_key=candidates[0])
        return row

    async def _aget_session_from_db(self) -> Any:
        return await sync_to_async(self._get_session_from_db)()

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(session_key__in=stored_keys(session_key)).exists()

    async def aexists(self, session_key: str) -> bool:
        return await sync_to_async(self.exists)(session_key)

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row = super().create_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        row = await super().acreate_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is None:
            return
        self.model.objects.filter(session_key__in=stored_keys(session_key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)
