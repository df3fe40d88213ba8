"""The outbox worker: claim jobs of every channel (Zalo events to answer, notices to send), send them on their channel
(``app.outbound.senders``), retry with back-off, dead-letter.

It runs as a daemon thread of the web process (``start_worker``) and/or as its own process (``tongdai worker``); any
number of them can share one outbox (the SQLite file, or Redis when ``REDIS_URL`` is set), since every claim is atomic.
The retry policy is ``process``, the same for both stores and every channel. A job is finished only when the provider
has accepted it, refused it for good (not a follower, window closed, an invalid number, opted out) or it went to the
dead letters. A notice (``app.outbound.notices``) is checked again before each send: nothing to a recipient who opted
out since, nothing to a Zalo user outside the free consultation window, no SMS in the quiet hours.

Delivery is at least once and at most twice: a send whose outcome is unknown (``app.outbound.delivery``), or that a
crash interrupted, is tried once more after ``unknown_delay`` (a crash: after the lease), and then it is a dead letter
whose reason starts with "outcome unknown", never a third copy.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from flask import Flask

from app.channels.zalo.events import parse_inbound
from app.channels.zalo.messages import apology, build, envelope
from app.message import masked
from app.outbound.consent import record
from app.outbound.delivery import MAX_UNSURE, UNKNOWN, Outcome
from app.outbound.notices import hold
from app.outbound.notices import outbox as app_outbox
from app.outbound.policy import WorkerConfig
from app.outbound.senders import Senders, make_senders
from app.outbox import open_outbox
from app.outbox.base import Job, OutboxStore
from app.services import Services, services

log = logging.getLogger(__name__)
PURGE_EVERY = 3600.0
WORKER = "tongdai.outbox_worker"
KEEP_FINISHED = 2 * 86400.0  # Zalo retries an unanswered webhook for up to 12 h: remember what we answered longer


def _message(job: Job, svc: Services) -> str:
    """The request body for ``job``, built on its first attempt and stored, so retries send the same message; ""
    when nothing is to be said. A notice's was stored with it."""
    if job.message is not None:
        return job.message
    try:
        msg = parse_inbound(json.loads(job.event))
        # When the user last wrote opens Zalo's window for notices; a courtesy, so only logged. A follow's was
        # recorded by the webhook, with the opt-in, before the 200.
        if msg.sender and msg.kind != "follow":
            record(svc.consent, svc.settings.sender_salt, "zalo", msg.sender, seen=msg.received_at.timestamp())
        reply = build(msg, svc)
    except Exception:  # the dispatcher catches handler errors; this is anything around it. The user still hears.
        log.exception("could not build the reply to zalo job %s", job.id)
        reply = apology()
    return "" if reply is None else json.dumps(envelope(job.user_id, reply), ensure_ascii=False)


def process(job: Job, svc: Services, box: OutboxStore, senders: Senders, config: WorkerConfig, now: float) -> str:
    """Build (if need be) and send one claimed job on its channel; returns what became of it: done, failed,
    retry, dead or postponed."""
    message = _message(job, svc)
    if job.message is None:
        box.save_message(job.id, message)
    if not message:  # nothing to say (a STOP from a sender already opted out)
        box.done(job.id)
        return "done"
    if not job.event and (held := hold(job, svc, box, config, now)):
        return held
    if job.unsure >= MAX_UNSURE:  # crashes mid-send: a send now could be the resident's third copy
        return _dead(job, box, message, f"{UNKNOWN}: {job.unsure} attempts may have been delivered")
    try:
        outcome = senders.on(job.channel).send(json.loads(message))
    except Exception as exc:  # a bug in sending must not kill the worker; it may have sent, so it counts as unknown
        log.exception("sending %s job %s crashed", job.channel, job.id)
        outcome = Outcome(False, True, "crash", type(exc).__name__, unknown=True)
    if outcome.ok:
        box.done(job.id)
        return "done"
    svc.metrics.send_failures.labels(job.channel, outcome.reason).inc()
    if not outcome.retry:
        log.error("%s message to %s dropped (%s)", job.channel, masked(job.user_id), outcome)
        if outcome.reason == "opted_out":  # the provider knows of a STOP we did not see (Twilio 21610)
            record(svc.consent, svc.settings.sender_salt, job.channel, job.user_id, True, "twilio-21610")
        box.fail(job.id, str(outcome))
        return "failed"
    if outcome.unknown and job.unsure + 1 >= MAX_UNSURE:
        return _dead(job, box, message, f"{UNKNOWN}: {outcome}")
    if job.attempts >= config.max_attempts:
        return _dead(job, box, message, f"{UNKNOWN}: {outcome}" if outcome.unknown else str(outcome))
    wait = max(config.unknown_delay, config.delay(job.attempts)) if outcome.unknown else config.delay(job.attempts)
    log.warning("%s message to %s failed (%s%s); attempt %d of %d in %.1f s", job.channel, masked(job.user_id),
                outcome, ", may have been delivered" if outcome.unknown else "", job.attempts + 1,
                config.max_attempts, wait)
    box.retry(job.id, str(outcome), max(now, time.time()) + wait, unknown=outcome.unknown)
    return "retry"


def _dead(job: Job, box: OutboxStore, message: str, reason: str) -> str:
    letter = box.dead_letter(job, message, reason)
    log.error("%s message to %s given up after %d attempts (%s): dead letter %d", job.channel, masked(job.user_id),
              job.attempts, reason, letter)
    return "dead"


def drain_once(svc: Services, box: OutboxStore, senders: Senders, config: WorkerConfig | None = None,
               now: float | None = None, limit: int = 1000) -> dict[str, int]:
    """Process the jobs due at ``now`` (default: when called), at most ``limit``; counts by outcome. A job put off
    by a failure here waits for the next drain, so one drain tries each job once."""
    config = config or WorkerConfig()
    at = time.time() if now is None else now
    counts: dict[str, int] = {}
    for _ in range(limit):
        job = box.claim(at)
        if job is None:
            break
        result = process(job, svc, box, senders, config, at)
        counts[result] = counts.get(result, 0) + 1
    return counts


def run_forever(svc: Services, stop_event: threading.Event, box: OutboxStore | None = None,
                senders: Senders | None = None, config: WorkerConfig | None = None) -> None:
    """Drain until ``stop_event`` is set; a job left mid-send is claimed again once its lease runs out."""
    config = config or WorkerConfig.from_settings(svc.settings)
    box = box or open_outbox(svc.settings)
    senders = senders if senders is not None else _senders(svc, box, config, stop_event)
    if senders is None:
        return
    svc.metrics.dead_letters.set_function(box.dead_letter_count)
    box.lease = max(box.lease, 4 * sum(config.timeout) + 10)  # a send, a refresh and the re-send fit in a lease
    channels = ", ".join(senders)
    log.info("outbox worker started on %s (sending on %s)", box.where, channels or "no channel")
    box.check()
    purged_at, failing = 0.0, False
    while not stop_event.is_set():
        try:
            done = drain_once(svc, box, senders, config)
            if box.exists() and time.time() - purged_at > PURGE_EVERY:
                purged_at = time.time()
                box.purge(purged_at - KEEP_FINISHED)
            if failing:
                log.warning("outbox worker: draining works again")
            failing = False
        except Exception:  # the database locked for too long, a full disk, Redis down: log once, wait, try again
            if not failing:
                log.exception("outbox worker: draining failed; retrying every %.1f s", config.poll)
            failing, done = True, {}
        if not done:
            box.wait(config.poll)
    log.info("outbox worker stopped")


def _senders(svc: Services, box: OutboxStore, config: WorkerConfig, stop_event: threading.Event) -> Senders | None:
    """``make_senders``, which reads Zalo's token store: tried again until the store answers (Redis may be starting
    too), so that a worker thread does not die with the process still serving webhooks. None if stopped first."""
    level = logging.ERROR  # said once, then quietly until it works
    while not stop_event.is_set():
        try:
            return make_senders(svc.settings, box, config.timeout)
        except Exception as exc:
            log.log(level, "outbox worker cannot read its token store %s yet (%s); trying again", box.where, exc)
            level = logging.DEBUG
            stop_event.wait(config.poll)
    return None


def start_worker(app: Flask) -> None:
    """Start the worker as a daemon thread of this web process, unless no enabled channel sends from the outbox or
    ``TONGDAI_WORKER_THREAD=0`` (a separate ``tongdai worker`` process does the sending)."""
    svc = services(app)
    if not svc.settings.outbound_channels():
        return
    if not svc.settings.worker_thread:
        log.info("outbox worker thread disabled (TONGDAI_WORKER_THREAD); run `tongdai worker` to send messages")
        return
    if WORKER in app.extensions:  # already running
        return
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(svc, stop, app_outbox(app)), name="outbox-worker",
                              daemon=True)
    app.extensions[WORKER] = (thread, stop)
    thread.start()


def stop_worker(app: Flask, timeout: float = 5.0) -> None:
    """Stop the thread ``start_worker`` started, letting it finish the job in hand."""
    thread, stop = app.extensions.pop(WORKER, (None, None))
    if thread is None:
        return
    stop.set()
    app_outbox(app).wake()
    thread.join(timeout)
