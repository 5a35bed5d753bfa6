"""One module per resource; `app.py` collects their routers. A write is a step of the
catalogue (gateway/catalogue/steps.py): its method, path, name and article come from there."""

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from ...catalogue.steps import VERIFIED_ONLY, Step
from ...edge.deps import require_reader, verified_account


def step_route(router: APIRouter, step: Step, **options):
    """Register the decorated function as `step`'s route on `router` (whose prefix the step's path
    starts with), admitting only the step's roles, and for the steps of VERIFIED_ONLY only verified
    accounts (附件1 三(一))."""
    gates = [require_reader(*step.roles)] + ([Depends(verified_account)] if step.id in VERIFIED_ONLY else [])
    return router.api_route(step.path.removeprefix(router.prefix), methods=[step.method], name=step.id,
                            status_code=step.status_code, description=f"{step.article}.",
                            dependencies=gates, **options)


def tx_result(receipt, **extra) -> dict:
    """What a write answers: its transaction, block, and whatever the step produced."""
    return {"tx_hash": receipt.tx_hash, "block": receipt.block_number, **extra}


def file_answer(media_type: str, description: str) -> dict:
    """A route's options when it answers a file, not JSON: /docs shows the file's type."""
    return {"response_class": Response, "responses": {200: {"description": description, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}}}}}
