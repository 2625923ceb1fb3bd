"""Server-side login state: the captcha challenges waiting for an answer."""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column


class LoginChallenge(Model):
    """One captcha image shown to one browser; deleted when answered (single use) or expired.

    The browser's session holds only the random id; the answer is kept here as an HMAC, so
    neither the cookie nor a copy of this table reveals it.
    """

    __tablename__ = "login_challenge"
    __table_args__ = (Index("ix_login_challenge_expires_at", "expires_at"),)

    #: random, URL-safe; the session cookie carries it
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: HMAC-SHA256 (keyed with SECRET_KEY) of the id and the upper-cased answer, hex
    answer_hash: Mapped[str] = mapped_column(String(64))
    #: naive UTC
    expires_at: Mapped[datetime] = mapped_column(DateTime)
