"""The accounts e-mails (reset link, deletion confirmation): wording in one place."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

from server.kit.mail import Mailer


def _link(public_url: str, path: str, token: str) -> str:
    """The token goes in the fragment: browsers never send it, so it stays out of access and
    proxy logs (the page reads it and posts it)."""
    return f"{public_url.rstrip('/')}{path}#token={quote(token)}"


def password_reset_mail(
    mailer: Mailer, to: str, public_url: str, token: str, minutes: int
) -> EmailMessage:
    link = _link(public_url, "/reset-password", token)
    text = (
        "Someone (hopefully you) asked to reset the password of your Onsite account.\n\n"
        f"Choose a new password here (the link works once, for {minutes} minutes):\n{link}\n\n"
        "If it was not you, ignore this message; your password stays as it is.\n"
    )
    return mailer.compose(to, "Reset your Onsite password", text)


def account_delete_mail(
    mailer: Mailer, to: str, public_url: str, token: str, minutes: int
) -> EmailMessage:
    link = _link(public_url, "/account/delete", token)
    text = (
        "You asked to delete your Onsite account. This removes the account and all its "
        "interview records, schedules and rooms, for good.\n\n"
        f"To confirm, open this link (it works once, for {minutes} minutes):\n{link}\n\n"
        "If you changed your mind, ignore this message.\n"
    )
    return mailer.compose(to, "Confirm deleting your Onsite account", text)


def verify_email_mail(
    mailer: Mailer, to: str, public_url: str, token: str, minutes: int
) -> EmailMessage:
    link = _link(public_url, "/verify-email", token)
    text = (
        "Someone (hopefully you) opened an Onsite account with this address.\n\n"
        f"Confirm the address here (the link works once, for {minutes} minutes; you will be "
        f"asked for the password you chose):\n{link}\n\n"
        "If it was not you, ignore this message: without the confirmation the account cannot "
        "be used.\n"
    )
    return mailer.compose(to, "Confirm your e-mail address for Onsite", text)


def already_registered_mail(
    mailer: Mailer, to: str, public_url: str, token: str, minutes: int
) -> EmailMessage:
    link = _link(public_url, "/reset-password", token)
    text = (
        "Someone (hopefully you) tried to open an Onsite account with this address, which "
        "already has one.\n\n"
        "Sign in with your password, or choose a new one here (the link works once, for "
        f"{minutes} minutes):\n{link}\n\n"
        "If it was not you, ignore this message; nothing has changed.\n"
    )
    return mailer.compose(to, "You already have an Onsite account", text)
