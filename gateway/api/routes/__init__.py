"""One module per resource; `app.py` collects their routers. A write is a step of the
catalogue (gateway/steps.py): its method, path, name and article come from there."""

from fastapi import APIRouter

from ...steps import Step
from ...deps import require_reader


def step_route(router: APIRouter, step: Step, **options):
    """Register the decorated function as `step`'s route on `router` (whose prefix the step's path
    starts with), admitting only the step's roles."""
    return router.api_route(step.path.removeprefix(router.prefix), methods=[step.method], name=step.id,
                            status_code=step.status_code, description=f"{step.article}.",
                            dependencies=[require_reader(*step.roles)], **options)


def tx_result(receipt, **extra) -> dict:
    """What a write answers: its transaction, block, and whatever the step produced."""
    return {"tx_hash": receipt.tx_hash, "block": receipt.block_number, **extra}
