"""E-mail over SMTP (standard library ``smtplib``), one message per recipient (addresses
are never shown to each other). The ``Message-ID`` is derived from the batch key, so a
message re-sent after a crash carries the same id and mail systems that deduplicate by
Message-ID show it once."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from paknam.core.notify.channels import Batch, Outcome


class EmailChannel:
    name = "email"
    batch_size = 1

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 15,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls = username, password, starttls
        self.timeout = timeout

    def _message(self, batch: Batch, to: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = batch.texts["email_subject"]
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = f"<{batch.key}@paknam>"
        msg["Content-Language"] = "th" if batch.language == "th" else "en"
        msg.set_content(batch.texts["email_body"])
        return msg

    def send(self, batch: Batch) -> Outcome:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                failed = set()
                for did, address in batch.recipients:
                    try:
                        smtp.send_message(self._message(batch, address))
                    except smtplib.SMTPRecipientsRefused as exc:
                        codes = [c for c, _ in exc.recipients.values()]
                        if all(500 <= c < 600 for c in codes):
                            failed.add(did)
                        else:
                            return Outcome("retry", f"SMTP recipient refused: codes {codes}")
        except smtplib.SMTPResponseException as exc:
            kind = "failed" if 500 <= exc.smtp_code < 600 else "retry"
            return Outcome(kind, f"SMTP {exc.smtp_code}: {exc.smtp_error!r}")
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}")
        return Outcome("sent", "SMTP 250", failed_ids=frozenset(failed))

    def close(self) -> None:
        pass
