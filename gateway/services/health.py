"""Whether the gateway is alive and whether it can take work, for a load balancer or
an operator: /healthz and /readyz."""

from __future__ import annotations

import time

from sqlalchemy import text

from ..runtime.wiring import Gateway
from . import transparency


def readiness(gw: Gateway) -> dict:
    """Ready while its database answers, its chain reads and its chain takes writes (the
    block producer runs and its disk has room; once it has failed or found the chain file
    damaged, only a restart brings it back; a full disk, freed space). The head's
    age and the index's lag are reported, not judged: an idle chain mines nothing, and
    the index follows within a block."""
    problems = []
    try:
        with gw.db.sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to answer is the finding
        problems.append(f"database: {exc}")
    if (producer := gw.node.producer_problem()) is not None:
        problems.append(producer)
    problems += [f"transparency log: block {alarm['block']} is not the block the log signed; the history was "
                 "rewritten (an old backup restored?)" for alarm in transparency.alarms(gw) if alarm["kind"] == "rewritten"]
    head = head_age_s = index_lag = None
    try:
        head, timestamp = gw.node.reader.head(), gw.node.reader.timestamp()
        head_age_s = round(time.time() - timestamp, 1)
        index_lag = max(head - gw.follower.indexed_block, 0)
    except Exception as exc:  # noqa: BLE001
        problems.append(f"chain: {exc}")
    return {"ready": not problems, "problems": problems, "head": head, "head_age_s": head_age_s,
            "index_lag_blocks": index_lag, "log_size": gw.log.tree.size}


def chain_progress(gw: Gateway, after_block: int | None, most: int) -> tuple[int, int, list[int]]:
    """For /metrics: the chain's head, how many blocks the event index lags it, and the number of
    transactions in each block mined after `after_block` (the last `most` of them; none the first time)."""
    chain = gw.registry.chain
    head = chain.head()
    lag = max(head - (gw.index.cursor() or 0), 0)
    if after_block is None:
        return head, lag, []
    blocks = range(max(after_block + 1, head - most + 1), head + 1)
    return head, lag, [chain.w3.eth.get_block_transaction_count(number) for number in blocks]
