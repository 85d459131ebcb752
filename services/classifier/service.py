"""Run the classifier: label each received complaint, apply the count rule, publish it classified.

The handler is thin: label (pure), record the complaint in the count store (the classifier's own
table, idempotent on the source id), publish with ``Nats-Msg-Id = classified:<source id>``. A
redelivered message therefore yields the same labels and a publication JetStream drops as a
duplicate. Auto-replies and bounces are labelled but never counted. SIGHUP reloads the rule file.
"""

from __future__ import annotations

import asyncio
import signal

import structlog

from services.classifier.counts import CountStore, identity_of, make_engine
from services.classifier.engine import Classifier, decide
from services.classifier.matcher import load_projects
from services.classifier.ruleset import RuleSource
from shared import bus, subjects
from shared.bus import Runner
from shared.contracts import ComplaintClassified, ComplaintReceived, Labels, ReasonInfo
from shared.settings import Settings

log = structlog.get_logger()


def to_contract(labels, source_ids: dict[str, str] | None = None) -> Labels:
    return Labels(kind=labels.kind, category=labels.category, severity=labels.severity, people=labels.people,
                  project=labels.project, secondary=labels.secondary, warnings=tuple(labels.warnings),
                  reasons=tuple(ReasonInfo(rule=r.rule, detail=r.detail, phrase=r.phrase, start=r.start, end=r.end)
                                for r in labels.reasons),
                  ruleset_version=labels.ruleset_version, raise_source_ids=tuple(labels.raise_ids))


def label_complaint(classifier: Classifier, store: CountStore, c: ComplaintReceived) -> Labels:
    labels = classifier.label(subject=c.subject, body=c.body, channel=c.channel, people=c.people,
                              project=c.project, category_hint=c.category_hint)
    if c.auto is None:
        count = store.record(complaint_id=c.source_id, identity=identity_of(c.sender_email, c.phone),
                             project=labels.project, category=labels.category, kind=labels.kind,
                             at=c.sent_at or c.received_at)
        labels = decide(labels, count)
    return to_contract(labels)


class ReceivedRunner(Runner):
    subject = subjects.RECEIVED
    durable = subjects.CLASSIFIER_CONSUMER
    contract = ComplaintReceived

    def __init__(self, classifier: Classifier, store: CountStore, js) -> None:
        self.classifier, self.store, self.js = classifier, store, js

    async def consume(self, c: ComplaintReceived) -> None:
        labels = await asyncio.to_thread(label_complaint, self.classifier, self.store, c)
        await bus.publish(self.js, subjects.CLASSIFIED, ComplaintClassified(complaint=c, labels=labels),
                          "classified:" + c.source_id)
        log.info("complaint.classified", source_id=c.source_id, kind=labels.kind, category=labels.category,
                 severity=labels.severity, rules=labels.ruleset_version)


def build(settings: Settings) -> tuple[Classifier, CountStore, RuleSource]:
    rules = RuleSource(settings.rules_file or None)
    classifier = Classifier(rules, load_projects(settings.projects_file or None))
    # The count store takes its own locks (BEGIN IMMEDIATE / advisory locks), so it gets a plain engine.
    store = CountStore(make_engine(settings.database_url("classifier")))
    return classifier, store, rules


async def serve(settings: Settings, stop: asyncio.Event, nats_url: str) -> None:
    classifier, store, rules = build(settings)
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, rules.reload)
    except (NotImplementedError, RuntimeError, ValueError):
        pass  # Not the main thread (tests) or no SIGHUP on this platform: the mtime check still reloads.
    nc = await bus.connect(nats_url, "complaintdesk-classifier")
    try:
        js = nc.jetstream()
        await bus.ensure_stream(js)
        log.info("classifier.started", rules=rules.current().version)
        runner = ReceivedRunner(classifier, store, js)
        runner.ack_wait = settings.ack_wait_seconds
        await runner.run(js, stop)
    finally:
        await bus.close(nc)
