"""The cadastre's daily job, deferred by the task queue's worker (fabtown/tasks.py): the digest
of overdue records and open reports to the office. `manage.py send_verification_digest` does
the same by hand (or from cron)."""

import logging

from procrastinate.contrib.django import app

from vacancies.services.verification import verification_digest_send

logger = logging.getLogger(__name__)

DAILY_QUEUE = "daily"


# 04:45 UTC (05:45 / 06:45 in Bochum), after the label's jobs: in the office's inbox when the
# working day begins. Deferred once per day however many workers run (procrastinate).
@app.periodic(cron="45 4 * * *", periodic_id="daily")
@app.task(queue=DAILY_QUEUE)
def verification_digest_daily(timestamp: int) -> None:
    sent = verification_digest_send()
    logger.info("Verification digest: %s message(s) sent.", sent)
