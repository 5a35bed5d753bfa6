"""One module per resource; `app.py` collects their routers."""


def tx_result(receipt, **extra) -> dict:
    """What a write answers: its transaction, block, and whatever the step produced."""
    return {"tx_hash": receipt.tx_hash, "block": receipt.block_number, **extra}
