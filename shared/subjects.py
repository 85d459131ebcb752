"""Name every NATS stream, subject and durable consumer ComplaintDesk uses, in this one module.

Subjects carry the contract version, so a v2 contract can run beside v1 during an upgrade.
"""

from datetime import timedelta

STREAM = "COMPLAINTS"
STREAM_SUBJECTS = ["complaints.>"]

# Intake publishes every normalized mail and phone log here.
RECEIVED = "complaints.received.v1"
# Intake reports a mail it could not parse (the mail itself stays in the failed folder).
INTAKE_FAILED = "complaints.intake-failed.v1"
# The classifier publishes each complaint with its labels here.
CLASSIFIED = "complaints.classified.v1"
# Poison messages are kept here, one subject per consumer, so they can be counted and replayed.
DEAD_LETTER_PREFIX = "complaints.dead"

CLASSIFIER_CONSUMER = "classifier"
TRACKER_CONSUMER = "tracker"
TRACKER_FAILURES_CONSUMER = "tracker-intake-failures"

# The duplicate window must outlast any retry of a publisher (IMAP reconnects, agents retrying a
# phone log), so a re-published message with the same Nats-Msg-Id is dropped by the server.
DUPLICATE_WINDOW = timedelta(hours=24)
MAX_DELIVER = 8
# Redelivery back-off in seconds for attempt 1, 2, 3, …; the last value repeats.
BACKOFF_SECONDS = (1, 2, 5, 15, 30, 60)


def dead_letter_subject(consumer: str) -> str:
    return f"{DEAD_LETTER_PREFIX}.{consumer}"
