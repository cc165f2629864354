"""The Mailer through a real SMTP server, and the outbox when none is configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.kit.mail import Mailer, MailError, attach_calendar
from server.settings import MailSettings
from tests.support.mail import read_outbox
from tests.support.net import free_port
from tests.support.smtp import SmtpServer

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


async def test_smtp_delivery_with_a_calendar_attachment(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    mailer = Mailer(
        MailSettings(smtp_host=smtp_server.host, smtp_port=smtp_server.port), tmp_path / "outbox"
    )
    await mailer.start()
    message = mailer.compose(["a@example.com", "b@example.com"], "Invite", "Join us")
    attach_calendar(message, ICS)
    await mailer.send(message)
    [received] = smtp_server.messages
    assert sorted(received.envelope_to) == ["a@example.com", "b@example.com"]
    assert received.message["Subject"] == "Invite"
    calendar = next(
        p for p in received.message.iter_attachments() if p.get_content_type() == "text/calendar"
    )
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content().encode().replace(b"\n", b"\r\n").startswith(b"BEGIN:VCALENDAR")
    assert not (tmp_path / "outbox").exists()


async def test_unreachable_smtp_is_a_mail_error(tmp_path: Path) -> None:
    mailer = Mailer(
        MailSettings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout_seconds=2),
        tmp_path / "outbox",
    )
    with pytest.raises(MailError, match=r"could not send mail through 127\.0\.0\.1"):
        await mailer.send(mailer.compose("a@example.com", "x", "y"))


async def test_outbox_when_no_host(tmp_path: Path) -> None:
    mailer = Mailer(MailSettings(smtp_host=""), tmp_path / "outbox")
    await mailer.start()
    await mailer.send(mailer.compose("a@example.com", "Hello", "Body text"))
    [message] = read_outbox(tmp_path)
    assert message["To"] == "a@example.com" and message["Subject"] == "Hello"
    assert message["Message-ID"] and message["Date"]
