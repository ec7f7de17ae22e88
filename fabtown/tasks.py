"""Background tasks (procrastinate, a job queue kept in PostgreSQL; settings: "Background
tasks").

Why procrastinate: retries with backoff, periodic (cron) tasks deferred by the worker itself,
LISTEN/NOTIFY so a job starts at once, jobs deferred in the same database transaction as the
submission (its Django connector uses Django's connection) and its own admin views. The
database backend of django-tasks has no scheduling.

Here: e-mail delivery (every message the site sends, fabtown.mail.QueuedEmailBackend), the
daily purge of finished jobs, and what /readyz asks (queue_is_reachable). The label's daily
jobs are in label/tasks.py.
"""

import dataclasses
import logging

from django.conf import settings
from django.db import Error, connections, transaction
from procrastinate import jobs, manager, retry
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector

from fabtown.mail import DELIVERY_ERRORS, deliver, message_from_payload

logger = logging.getLogger(__name__)

MAIL_QUEUE = "mail"
MAINTENANCE_QUEUE = "maintenance"


class MailNotDelivered(Exception):
    """The mail server could not take the message now; carries only the kind of error (an SMTP
    server's answer may quote the addresses, and failures are logged)."""


@dataclasses.dataclass(frozen=True)
class CappedBackoff(retry.BaseRetryStrategy):
    """Waits that double from `first_wait` up to `longest_wait`, then stay there.

    procrastinate's RetryStrategy grows without bound: after two days of outage its next try
    would be a day and a half away. With the defaults a message is tried 20 times over about
    two days (1, 2, 4 … 128 minutes, then every 4 hours), then its job ends as failed.
    """

    first_wait: int = 60
    longest_wait: int = 4 * 3600
    max_attempts: int = 19
    retry_exceptions: tuple[type[BaseException], ...] = (MailNotDelivered,)

    def wait_after(self, attempts: int) -> int:
        return min(self.first_wait * 2**attempts, self.longest_wait)

    def get_retry_decision(self, *, exception: BaseException, job: jobs.Job):
        if job.attempts >= self.max_attempts or not isinstance(exception, self.retry_exceptions):
            return None
        return retry.RetryDecision(retry_in={"seconds": self.wait_after(job.attempts)})


MAIL_RETRY = CappedBackoff()


@app.task(queue=MAIL_QUEUE, retry=MAIL_RETRY)
def deliver_email(*, message: dict, addresses: list[str]) -> None:
    """Send one queued message. `addresses` is unused here: it is what erasing a person looks
    for in the queue (fabtown.erasure), kept apart from the message in a normalised form."""
    try:
        deliver(message_from_payload(message))
    except DELIVERY_ERRORS as error:
        raise MailNotDelivered(type(error).__name__) from None


def defer_in_transaction(task, **task_kwargs) -> int:
    """Defer through Django's connection, in its current transaction, wherever this runs.

    In a web process the app's connector is Django's already; in the worker it is a pool of
    its own, and a job deferred by a task (the daily jobs' e-mails) would commit on its own.
    """
    job_manager = manager.JobManager(DjangoConnector(alias=_alias()))
    return jobs.JobDeferrer(job_manager=job_manager, job=task.configure().job).defer(**task_kwargs)


def defer_email(*, message: dict, addresses: list[str]) -> int:
    return defer_in_transaction(deliver_email, message=message, addresses=addresses)


@app.periodic(cron="30 2 * * *", periodic_id="daily")  # UTC, like every cron of the worker
@app.task(queue=MAINTENANCE_QUEUE, pass_context=True)
async def purge_finished_jobs(context, timestamp: int) -> None:
    """Delete jobs that ended without success (an e-mail given up after its retries still
    holds its recipients and text) once QUEUE_RETENTION_DAYS have passed; staff can look at
    and retry them in the admin until then. Successful jobs are deleted by the worker at once
    (PROCRASTINATE_WORKER_DEFAULTS)."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=settings.QUEUE_RETENTION_DAYS * 24,
        include_failed=True,
        include_cancelled=True,
        include_aborted=True,
    )


@app.periodic(cron="*/5 * * * *", periodic_id="stalled")
@app.task(queue=MAINTENANCE_QUEUE, pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """Jobs whose worker died mid-way (killed, machine lost) are taken up again: a worker
    that sent no heartbeat for a minute is gone. Every task here may run again: an import run
    goes on after its last committed chunk; an e-mail whose worker died right after sending
    it goes out twice rather than never."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=60):
        await manager.retry_job(job)
    await manager.prune_stalled_workers(seconds_since_heartbeat=60)


# --- Erasure (fabtown.erasure) ----------------------------------------------------------------


def queued_emails_to(*, address: str) -> list[int]:
    """Jobs of e-mails that name the address and are not being sent this moment (waiting,
    retrying, or given up on)."""
    with connections[_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT id FROM procrastinate_jobs WHERE queue_name = %s AND status <> 'doing'"
            " AND args -> 'addresses' ? %s ORDER BY id",
            [MAIL_QUEUE, address.strip().lower()],
        )
        return [row[0] for row in cursor.fetchall()]


def queued_emails_delete(*, job_ids: list[int]) -> int:
    """Delete those jobs (their events go with them); a job a worker took meanwhile stays."""
    if not job_ids:
        return 0
    with connections[_alias()].cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE id = ANY(%s) AND queue_name = %s"
            " AND status <> 'doing'",
            [list(job_ids), MAIL_QUEUE],
        )
        return cursor.rowcount


# --- For health checks and monitoring -------------------------------------------------------


def _alias() -> str:
    return getattr(settings, "PROCRASTINATE_DATABASE_ALIAS", "default")


def queue_is_reachable() -> bool:
    """The jobs table answers (database up, procrastinate's migrations applied): one index
    lookup, no rows read."""
    try:
        with transaction.atomic(using=_alias()), connections[_alias()].cursor() as cursor:
            cursor.execute("SELECT 1 FROM procrastinate_jobs LIMIT 1")
        return True
    except Error as error:
        logger.warning("The task queue is not reachable: %s", type(error).__name__)
        return False


def queue_stats() -> dict[str, int]:
    """Jobs by state. Cheap: the table holds only unfinished and failed jobs (successful ones
    are deleted at once, failed ones after QUEUE_RETENTION_DAYS)."""
    with connections[_alias()].cursor() as cursor:
        cursor.execute(
            """
            SELECT
                count(*) FILTER (WHERE status = 'todo'
                                 AND (scheduled_at IS NULL OR scheduled_at <= now())),
                count(*) FILTER (WHERE status = 'todo' AND scheduled_at > now()),
                count(*) FILTER (WHERE status = 'doing'),
                count(*) FILTER (WHERE status = 'failed')
            FROM procrastinate_jobs
            WHERE status IN ('todo', 'doing', 'failed')
            """
        )
        waiting, scheduled, running, failed = cursor.fetchone()
    return {"waiting": waiting, "scheduled": scheduled, "running": running, "failed": failed}


# --- Long spreadsheet imports (fabtown.import_runs) ---------------------------------------------

IMPORT_QUEUE = "imports"
# A run that stopped (the database went away, the worker was stopped) goes on after its last
# committed chunk; after the third try it ends as failed and its file is deleted.
IMPORT_RETRY = retry.RetryStrategy(max_attempts=3, wait=60)


@app.task(queue=IMPORT_QUEUE, retry=IMPORT_RETRY, pass_context=True)
def process_import_run(context, *, run_id: int) -> None:
    from fabtown.import_runs import import_run_process

    last_try = context.job.attempts >= IMPORT_RETRY.max_attempts
    import_run_process(run_id=run_id, give_up_on_error=last_try)


def defer_import_run(*, run_id: int) -> int:
    return defer_in_transaction(process_import_run, run_id=run_id)


# --- Match e-mails (issue 11: vacancies.services.matching) --------------------------------------


@app.task(queue=MAIL_QUEUE)
def send_match_notifications(*, site_id: int) -> None:
    """Tell the requesters who opted in of a site that was just published (once per pair)."""
    from vacancies.models import Site
    from vacancies.services.matching import match_notifications_send

    match_notifications_send(site=Site(pk=site_id))
