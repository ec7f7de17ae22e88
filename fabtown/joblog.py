"""procrastinate's log records without the jobs' arguments.

procrastinate writes each job's call into its messages ("Starting job
fabtown.tasks.deliver_email[12](message={...})") and into the records' `job`/`jobs` extras. An
e-mail's job carries its recipients, subject and text: personal data, which never goes to the
logs. A filter on procrastinate's loggers takes the arguments out of each record where it is
made; a handler standing in for the "procrastinate" logger's propagation does the same for any
other, then hands the record to the root logger's handlers (console, structured logs, whatever
the site configures), so nothing else needs to know about it.
"""

import logging

ARGUMENTS_LEFT_OUT = "(…)"


def _without_arguments(job: dict) -> dict:
    return {key: value for key, value in job.items() if key not in {"task_kwargs", "call_string"}}


def _short_call(job: dict) -> str:
    return f"{job.get('task_name')}[{job.get('id')}]{ARGUMENTS_LEFT_OUT}"


def leave_out_arguments(record: logging.LogRecord) -> None:
    """Take the jobs' arguments out of the record's message and extras (idempotent)."""
    jobs = [record.job] if isinstance(getattr(record, "job", None), dict) else []
    jobs += [job for job in getattr(record, "jobs", None) or [] if isinstance(job, dict)]
    message = record.getMessage()
    for job in jobs:
        if call := job.get("call_string"):
            message = message.replace(call, _short_call(job))
    record.msg, record.args = message, None
    if jobs:
        if hasattr(record, "job"):
            record.job = _without_arguments(record.job)
        if hasattr(record, "jobs"):
            record.jobs = [_without_arguments(job) for job in record.jobs]
    for extra in ("kwargs", "task_kwargs"):  # periodic deferrals' description
        if isinstance(getattr(record, extra, None), dict):
            setattr(record, extra, ARGUMENTS_LEFT_OUT)


class WithoutJobArgumentsFilter(logging.Filter):
    """On the loggers procrastinate writes to (with the worker's default name): the record is
    cleaned where it is made, before anything that hooks into the logging calls themselves (an
    error tracker's logging integration) sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        leave_out_arguments(record)
        return True


class WithoutJobArguments(logging.Handler):
    """The "procrastinate" logger's only handler, which does not propagate: catches what a
    logger without the filter (a worker started with another --name) writes."""

    def emit(self, record: logging.LogRecord) -> None:
        leave_out_arguments(record)
        logging.getLogger().handle(record)
