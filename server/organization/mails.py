"""The organization's e-mails (an invitation to join): wording in one place."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import quote

from server.kit.mail import Mailer


def invitation_mail(
    mailer: Mailer,
    to: str,
    public_url: str,
    token: str,
    days: int,
    organization: str,
    inviter: str,
) -> EmailMessage:
    """The token goes in the fragment, which browsers never send (out of access logs)."""
    link = f"{public_url.rstrip('/')}/invitation#token={quote(token)}"
    text = (
        f"{inviter} invites you to join {organization} on Onsite.\n\n"
        f"Open your account here (the link works once, for {days} days):\n{link}\n\n"
        "If you did not expect this, ignore this message.\n"
    )
    return mailer.compose(to, f"Join {organization} on Onsite", text)
