"""Notifications of alerts to an office's channels (e-mail, signed webhooks), and the SMTP delivery
of the outbox's e-mail messages."""
