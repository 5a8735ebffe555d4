"""Secrets never reach a log: the personal calendar feed carries its token in the path, and
access logs (gunicorn's and the development server's) show it masked."""

from __future__ import annotations

import logging
import re

FEED_TOKEN = re.compile(r"(/(?:kalender|calendar)/)[A-Za-z0-9_\-]{8,}(\.ics)")
PASSWORD_LINK = re.compile(r"(/passwort-neu/)[^\s\"?]+")


def mask(text: str) -> str:
    return PASSWORD_LINK.sub(r"\1***", FEED_TOKEN.sub(r"\1***\2", text))


class MaskSecrets(logging.Filter):
    """A logging filter: the formatted message with feed tokens and reset links masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(app_logger: logging.Logger | None = None) -> None:
    """Mask the development server's access log (werkzeug) and the app's own log (an error
    logged on a feed request names its path)."""
    for logger in (logging.getLogger("werkzeug"), app_logger):
        if logger is not None and not any(isinstance(f, MaskSecrets) for f in logger.filters):
            logger.addFilter(MaskSecrets())
