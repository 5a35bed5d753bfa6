"""The gateway's logs: plain text by default, or one JSON object per line
(TANQUAN_LOG_FORMAT=json) for a log collector, uvicorn's access and error logs included."""

from __future__ import annotations

import datetime as dt
import json
import logging

# uvicorn's access log passes (client, method, path, HTTP version, status) as its arguments.
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            entry.update(zip(ACCESS_FIELDS, record.args))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def config(log_format: str, level: str = "INFO") -> dict:
    """A logging.config.dictConfig for the gateway's process, uvicorn's loggers included
    (uvicorn.run(log_config=…) applies it)."""
    formatter = {"()": f"{__name__}.JsonFormatter"} if log_format == "json" else {
        "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {name: {"handlers": ["default"], "level": level, "propagate": False}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }
