"""The Mailer through a real SMTP server, and the outbox when none is configured."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.kit.mail import Mailer, MailError, attach_calendar
from server.settings import MailSettings
from tests.support.mail import read_outbox
from tests.support.net import free_port
from tests.support.smtp import SmtpServer
from tests.support.tls import loopback_tls

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
    # a message may carry a live sign-in, reset or join link: nobody else may read the file
    [path] = (tmp_path / "outbox").glob("*.eml")
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def tls_smtp_server(tmp_path: Path) -> Iterator[tuple[SmtpServer, Path]]:
    context, ca_file = loopback_tls(tmp_path / "tls")
    server = SmtpServer(tls_context=context)
    server.start()
    try:
        yield server, ca_file
    finally:
        server.stop()


async def test_starttls_is_used_whenever_the_server_offers_it(
    tls_smtp_server: tuple[SmtpServer, Path], tmp_path: Path
) -> None:
    server, ca_file = tls_smtp_server
    mailer = Mailer(
        MailSettings(smtp_host=server.host, smtp_port=server.port, smtp_ca_file=str(ca_file)),
        tmp_path / "outbox",
    )
    await mailer.send(mailer.compose("a@example.com", "Reset", "https://onsite/reset#token"))
    [received] = server.messages
    assert received.over_tls


async def test_required_starttls_refuses_a_server_without_it(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = MailSettings(
        smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_security="starttls"
    )
    mailer = Mailer(settings, tmp_path / "outbox")
    with pytest.raises(MailError):
        await mailer.send(mailer.compose("a@example.com", "x", "y"))
    assert smtp_server.messages == []


async def test_a_server_certificate_nobody_vouches_for_is_refused(
    tls_smtp_server: tuple[SmtpServer, Path], tmp_path: Path
) -> None:
    server, _ca_file = tls_smtp_server
    mailer = Mailer(MailSettings(smtp_host=server.host, smtp_port=server.port), tmp_path / "o")
    with pytest.raises(MailError):
        await mailer.send(mailer.compose("a@example.com", "x", "y"))
    assert server.messages == []
