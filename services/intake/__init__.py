"""Intake service: turns service-mailbox mails and phone logs into normalized complaint messages."""
