"""E-mail through the SMTP server the installation names: settings, the reminder message, sending.

Off unless `CARECOORD_SMTP_HOST` is set. The other settings, all from the environment:

- `CARECOORD_SMTP_PORT`: default 587 with STARTTLS, else 25 (465 means TLS from the first byte)
- `CARECOORD_SMTP_STARTTLS`: 1 to upgrade the connection with STARTTLS (the server's certificate is checked)
- `CARECOORD_SMTP_USER`, `CARECOORD_SMTP_PASSWORD`: to sign in to the server, when it asks for it
- `CARECOORD_SMTP_FROM`: the sender's address (default carecoord@ this machine's name)
- `CARECOORD_PUBLIC_URL`: the app's address (https://carecoord.example.org), to put links in the mail

A message holds counts and kinds of work only, never anything a person wrote: it leaves the app.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import PurePosixPath

from carecoord import public

TIMEOUT_S = 20.0
SUBJECT = "What waits for you in carecoord"


class MailError(Exception):
    """The message could not be sent; `unreachable` when the server itself could not be used."""

    def __init__(self, message: str, unreachable: bool) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class ConfigurationError(Exception):
    """A mail setting has a value that cannot be used; the message says which."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str = ""
    password: str = ""
    public_url: str = ""

    def describe(self) -> str:
        return f"{self.host}:{self.port}" + (" with STARTTLS" if self.starttls else "")


def _flag(name: str) -> bool:
    return public.env_flag(name, ConfigurationError)


def settings() -> Settings | None:
    """The mail settings from the environment; None when mail is off (no CARECOORD_SMTP_HOST)."""
    host = (os.environ.get("CARECOORD_SMTP_HOST") or "").strip()
    if not host:
        return None
    starttls = _flag("CARECOORD_SMTP_STARTTLS")
    port_text = (os.environ.get("CARECOORD_SMTP_PORT") or "").strip()
    try:
        port = int(port_text) if port_text else (587 if starttls else 25)
    except ValueError:
        raise ConfigurationError(f"CARECOORD_SMTP_PORT must be a number, not {port_text[:20]!r}") from None
    if not 0 < port < 65536:
        raise ConfigurationError(f"CARECOORD_SMTP_PORT must be a port number, not {port}")
    sender = (os.environ.get("CARECOORD_SMTP_FROM") or "").strip() or f"carecoord@{socket.getfqdn()}"
    try:
        Address(addr_spec=sender)
    except (ValueError, IndexError) as error:
        raise ConfigurationError(f"CARECOORD_SMTP_FROM is not an address: {error}") from None
    return Settings(host=host, port=port, sender=sender, starttls=starttls,
                    user=os.environ.get("CARECOORD_SMTP_USER") or "",
                    password=os.environ.get("CARECOORD_SMTP_PASSWORD") or "",
                    public_url=(os.environ.get("CARECOORD_PUBLIC_URL") or "").strip().rstrip("/"))


def page_link(public_url: str, page: str) -> str:
    """The address of a page of the app (its url path is the page file's name), or "" without a public URL."""
    return f"{public_url}/{PurePosixPath(page).stem}" if public_url else ""


def recipient(display_name: str, email: str) -> Address:
    """The To address; a name's line breaks and other control characters become spaces, so no name can add
    a header. Raises ValueError for an address that cannot be used."""
    name = " ".join("".join(c if c.isprintable() else " " for c in display_name).split())
    try:
        return Address(display_name=name, addr_spec=email.strip())
    except (ValueError, IndexError, MessageError) as error:  # the parser's errors for a malformed address
        raise ValueError(_said(error)) from None


def reminder_message(settings: Settings, to: Address, lines: Sequence[tuple[str, str]]) -> EmailMessage:
    """One plain-text message listing what waits: `lines` are (text, page path) pairs."""
    body = ["Hello,", "", "This is what waits for you in carecoord:", ""]
    for text, page in lines:
        body.append(f"- {text}")
        if link := page_link(settings.public_url, page):
            body.append(f"  {link}")
    body += ["", "Sign in to carecoord to see the details." if not settings.public_url
             else f"Sign in at {settings.public_url} to see the details.", "",
             "-- ",
             "You get these reminders because you have an account with an e-mail address in carecoord.",
             "To stop them, turn off \"E-mail me reminders\" on My account."]
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = Address(display_name="carecoord", addr_spec=settings.sender)
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office answers
    message.set_content("\n".join(body) + "\n")
    return message


class Connection:
    """One connection to the server for a run: `send` each message, then `close`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        try:
            if settings.port == 465:
                self.smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S,
                                                           context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
                if settings.starttls:
                    self.smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                self.smtp.login(settings.user, settings.password)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"cannot use the mail server {settings.describe()}: {_said(error)}", True) from None

    def send(self, message: EmailMessage) -> None:
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPServerDisconnected as error:
            raise MailError(f"lost the mail server {self.settings.describe()}: {_said(error)}", True) from None
        except (smtplib.SMTPException, ValueError) as error:  # this message refused (an address, its size)
            raise MailError(f"the mail server refused the message: {_said(error)}", False) from None
        except OSError as error:  # the connection broke or timed out
            raise MailError(f"lost the mail server {self.settings.describe()}: {_said(error)}", True) from None

    def close(self) -> None:
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()


def _said(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]
