"""The cadastre's daily jobs, deferred by the task queue's worker beside the label's
(label/tasks.py; crons in UTC). All are safe to run again: a request is reminded once per term,
erased contact data are not erased twice, and the digest only reports what is due.
`manage.py send_verification_digest` sends the digest by hand (or from cron)."""

import logging

from procrastinate.contrib.django import app

from vacancies.services.space_requests import (
    space_requests_erase_expired,
    space_requests_send_reminders,
)
from vacancies.services.verification import verification_digest_send

logger = logging.getLogger(__name__)

DAILY_QUEUE = "daily"


@app.periodic(cron="25 4 * * *", periodic_id="daily")  # 05:25 / 06:25 in Bochum
@app.task(queue=DAILY_QUEUE)
def space_request_reminders(timestamp: int) -> None:
    count = space_requests_send_reminders()
    logger.info("%s space request reminder(s) sent.", count)


@app.periodic(cron="30 4 * * *", periodic_id="daily")
@app.task(queue=DAILY_QUEUE)
def space_request_retention(timestamp: int) -> None:
    count = space_requests_erase_expired()
    logger.info("Contact data of %s space request(s) erased after the retention period.", count)


# 04:45 UTC (05:45 / 06:45 in Bochum), after the label's jobs: in the office's inbox when the
# working day begins. Deferred once per day however many workers run (procrastinate).
@app.periodic(cron="45 4 * * *", periodic_id="daily")
@app.task(queue=DAILY_QUEUE)
def verification_digest_daily(timestamp: int) -> None:
    sent = verification_digest_send()
    logger.info("Verification digest: %s message(s) sent.", sent)
