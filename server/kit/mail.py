"""Outgoing mail: SMTP when a host is configured, otherwise ``.eml`` files in the outbox.

The outbox keeps the default setup working with no mail server at all (an operator can open the
files), and gives tests a second, server-free way to read what was sent. Build messages with
``compose`` so every slice sets From, Date and Message-ID the same way; attach an iCalendar
invite with ``attach_calendar``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import aiosmtplib

from server.settings import MailSettings

log = logging.getLogger(__name__)


class MailError(Exception):
    """The message could not be handed to the SMTP server; the message says which and why."""


class Mailer:
    def __init__(self, settings: MailSettings, outbox_dir: Path) -> None:
        self.settings = settings
        self.outbox_dir = outbox_dir

    @property
    def uses_outbox(self) -> bool:
        return not self.settings.smtp_host

    async def start(self) -> None:
        if self.uses_outbox:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
            log.info("no SMTP host configured: mail goes to %s", self.outbox_dir)

    async def close(self) -> None:
        """Nothing held open: one SMTP connection per message keeps failures independent."""

    def compose(
        self,
        to: str | list[str],
        subject: str,
        text: str,
        html: str | None = None,
    ) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.from_address
        message["To"] = to if isinstance(to, str) else ", ".join(to)
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        domain = self.settings.from_address.rsplit("@", 1)[-1].strip(" >") or "localhost"
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        return message

    async def send(self, message: EmailMessage) -> None:
        if self.uses_outbox:
            await asyncio.to_thread(self._write_outbox, message)
            return
        s = self.settings
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username or None,
                password=s.smtp_password or None,
                use_tls=s.smtp_security == "tls",
                start_tls={"auto": None, "starttls": True}.get(s.smtp_security, False),
                cert_bundle=s.smtp_ca_file or None,
                timeout=s.smtp_timeout_seconds,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(
                f"could not send mail through {s.smtp_host}:{s.smtp_port}: {exc}"
            ) from exc
        log.info("sent mail %r to %s", message["Subject"], message["To"])

    def _write_outbox(self, message: EmailMessage) -> None:
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        path = self.outbox_dir / f"{uuid.uuid4().hex}.eml"
        # Written under another name and renamed, so whoever reads *.eml (a developer, a test
        # polling the directory) never sees a half-written message.
        # Mode 0600: a message may carry a live sign-in, reset or join link.
        partial = path.with_suffix(".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(bytes(message))
        partial.replace(path)
        log.info("mail %r to %s written to %s", message["Subject"], message["To"], path)


def attach_calendar(message: EmailMessage, ics: bytes, method: str = "REQUEST") -> None:
    """Attach an iCalendar body so mail clients show accept/decline buttons."""
    message.add_attachment(
        ics,
        maintype="text",
        subtype="calendar",
        filename="invite.ics",
        params={"method": method},
    )
