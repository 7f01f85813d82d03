"""E-mail over SMTP (standard library ``smtplib``), one message per recipient (addresses
are never shown to each other). The ``Message-ID`` is derived from the batch key, so a
message re-sent after a crash carries the same id and mail systems that deduplicate by
Message-ID show it once.

SMTP has no idempotency key: a server takes responsibility for a message when it answers
250 to the end of ``DATA``, and a client that dies between that answer and recording it
cannot know the message went. The worker narrows that window to one answer and one commit:
``handover`` (called just before ``DATA``) records on the delivery that it is being handed
over, and refuses when the batch's lease was lost (then nothing is sent); the answer is
recorded right after it arrives (:mod:`paknam.core.notify.worker`). A message whose
handover was recorded but not its answer is sent again (at least once), and its record
says it may have arrived twice."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate

from paknam.core.notify.channels import Batch, Outcome


class EmailChannel:
    name = "email"
    batch_size = 1
    idempotent = False

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

    def send(self, batch: Batch, handover: Callable[[int], bool] | None = None) -> Outcome:
        """Send to each recipient; ``handover(delivery id)`` is asked just before ``DATA``
        (False: the batch is no longer ours, stop without sending)."""
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.ehlo_or_helo_if_needed()
                failed = set()
                for did, address in batch.recipients:
                    msg = self._message(batch, address)
                    code, answer = smtp.mail(self.sender)
                    if code != 250:
                        raise smtplib.SMTPSenderRefused(code, answer, self.sender)
                    code, answer = smtp.rcpt(address)
                    if code not in (250, 251):
                        smtp.rset()
                        if 500 <= code < 600:
                            failed.add(did)
                            continue
                        return Outcome("retry", f"SMTP recipient refused: codes {[code]}")
                    if handover is not None and not handover(did):
                        smtp.rset()
                        return Outcome("retry", "lease lost before DATA: not sent by this worker")
                    code, answer = smtp.data(_wire(msg))
                    if code != 250:
                        raise smtplib.SMTPDataError(code, answer)
        except smtplib.SMTPResponseException as exc:
            kind = "failed" if 500 <= exc.smtp_code < 600 else "retry"
            return Outcome(kind, f"SMTP {exc.smtp_code}: {exc.smtp_error!r}")
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}")
        return Outcome("sent", "SMTP 250", failed_ids=frozenset(failed))

    def close(self) -> None:
        pass


def _wire(msg: EmailMessage) -> bytes:
    """The message as SMTP carries it (CRLF line ends), as ``send_message`` makes it."""
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
