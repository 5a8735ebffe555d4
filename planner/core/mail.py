"""Outgoing mail over real SMTP (PLANNER_MAIL_URL) or, without it, into instance/mail/.

PLANNER_MAIL_URL examples:
    smtp://mail.example.org:25                   plain SMTP
    smtp://user:secret@mail.example.org:587?starttls=1
    smtps://user:secret@mail.example.org:465     SMTP over TLS
"""

from __future__ import annotations

import smtplib
import ssl
from email import encoders, policy
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import idna
from flask import current_app

SMTP_TIMEOUT = 20


class MailError(Exception):
    """Sending one message failed; the message text is shown to admins. ``permanent``: trying
    again cannot help (the server refuses the address for good)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class MailConnectionError(MailError):
    """The mail server cannot be reached: nothing else will go out in this run."""


def transport_address(address: str) -> str:
    """An address as it goes over the wire: an internationalised domain in its ASCII form
    (IDNA, ``tëst.example`` -> ``xn--tst-jma.example``), so every server accepts it. A local
    part with non-ASCII letters stays as it is and needs a server that offers SMTPUTF8."""
    local, _at, domain = address.strip().rpartition("@")
    if not local or domain.isascii():
        return address.strip()
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise MailError(
            f"Ungültige Domain in der Adresse {address}: {exc}", permanent=True
        ) from exc
    return f"{local}@{domain}"


def build_message(
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> Message:
    """A German plain-text mail with an optional HTML alternative (UTF-8, quoted-printable).

    For an address that is ASCII (after IDNA) the classic MIME classes are used: the modern
    e-mail API parses every header it is given and cost a Land-wide sweep half its time. An
    address with a UTF-8 local part gets a modern ``EmailMessage``, which smtplib sends with
    SMTPUTF8 where the server offers it (the classic one raised a TypeError there)."""
    address = transport_address(to)
    sender = current_app.config["MAIL_FROM"]
    if address.isascii():
        body = MIMEText(text, "plain", "utf-8")
        if html:
            msg: Message = MIMEMultipart("alternative")
            msg.attach(body)
            msg.attach(MIMEText(html, "html", "utf-8"))
        else:
            msg = body
        if attachments:
            mixed = MIMEMultipart("mixed")
            mixed.attach(msg)
            for filename, content, mimetype in attachments:
                maintype, subtype = mimetype.split("/", 1)
                part = MIMEBase(maintype, subtype.split(";")[0].strip())
                part.set_payload(content)
                encoders.encode_base64(part)
                for param in subtype.split(";")[1:]:
                    key, _sep, value = param.strip().partition("=")
                    part.set_param(key, value)
                part.add_header("Content-Disposition", "attachment", filename=filename)
                mixed.attach(part)
            msg = mixed
        msg["Subject"] = Header(subject, "utf-8")
    else:
        msg = EmailMessage(policy=policy.SMTP)
        msg["Subject"] = subject
        msg.set_content(text, charset="utf-8", cte="quoted-printable")
        if html:
            msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        for filename, content, mimetype in attachments or []:
            maintype, subtype = mimetype.split("/", 1)
            msg.add_attachment(content, maintype=maintype, subtype=subtype.split(";")[0].strip(),
                               filename=filename)  # fmt: skip
    msg["From"] = sender
    msg["To"] = address
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">"))
    msg["Auto-Submitted"] = "auto-generated"
    return msg


class Mailer:
    """One connection for many messages: ``with Mailer() as m: m.send(msg)``."""

    def __init__(self, url: str | None = None, folder: str | None = None) -> None:
        self.url = url if url is not None else current_app.config.get("MAIL_URL")
        self.folder = Path(folder or current_app.config["MAIL_DIR"])
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        query = parse_qs(parts.query)
        host = parts.hostname or "localhost"
        try:
            if parts.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, parts.port or 465, timeout=SMTP_TIMEOUT,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            elif parts.scheme == "smtp":
                smtp = smtplib.SMTP(host, parts.port or 25, timeout=SMTP_TIMEOUT)
                if query.get("starttls", ["0"])[0] in ("1", "true", "yes"):
                    smtp.starttls(context=ssl.create_default_context())
            else:
                raise MailError(f"Unbekanntes Mail-Schema „{parts.scheme}“ in PLANNER_MAIL_URL")
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
        except (smtplib.SMTPException, OSError) as exc:
            raise MailConnectionError(f"SMTP-Verbindung zu {host} fehlgeschlagen: {exc}") from exc
        return smtp

    def send(self, msg: Message) -> None:
        if not self.url:
            self._to_folder(msg)
            return
        if self._smtp is None:
            self._smtp = self._connect()
        # smtplib's exceptions are OSErrors: the specific ones first, the broken connection last
        try:
            self._smtp.send_message(msg)
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise MailConnectionError(f"Verbindung zum Mailserver abgebrochen: {exc}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise MailError(
                f"Der Mailserver nimmt keine internationalisierten Adressen an (SMTPUTF8 fehlt): "
                f"{msg['To']}",
                permanent=True,
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            raise MailError(
                f"Der Mailserver lehnt die Adresse {msg['To']} ab: {exc.recipients}",
                permanent=all(500 <= code < 600 for code in codes),
            ) from exc
        except smtplib.SMTPException as exc:
            # refused sender or message: this one fails, the connection stays usable
            raise MailError(f"Versand an {msg['To']} fehlgeschlagen: {exc}") from exc
        except OSError as exc:
            self.close()
            raise MailConnectionError(f"Verbindung zum Mailserver abgebrochen: {exc}") from exc

    def _to_folder(self, msg: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = msg["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
        data = (
            msg.as_bytes(policy=msg.policy.clone(utf8=True))
            if isinstance(msg, EmailMessage)
            else bytes(msg)
        )
        (self.folder / f"{name}.eml").write_bytes(data)
