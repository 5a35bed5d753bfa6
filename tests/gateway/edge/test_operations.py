"""Operations: Prometheus metrics at /metrics, JSON logs, and `tanquan verify` where
there is no data directory."""

from __future__ import annotations

import json
import logging
import logging.config
import os
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

from gateway.core import logs
from support.http import API, ok


def _samples(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def test_metrics__after_requests_and_a_block__latency_by_route_head_lag_blocks_and_queues(
        client, gateway, new_holder, mint):
    before = _samples(client)  # the first scrape finds where block counting starts
    holder = new_holder()
    number = mint(holder, claimed_t="5")
    ok(client.get(f"{API}/public/coupons/{number}"))
    samples = _samples(client)

    route = ("method", "GET"), ("route", "/api/v1/public/coupons/{number}"), ("status", "200")
    assert samples[("tanquan_request_seconds_count", route)] >= 1
    assert not any(number in dict(labels).get("route", "") for _, labels in samples)  # templates, never raw paths
    assert samples[("tanquan_chain_head", ())] == gateway.registry.chain.head()
    assert samples[("tanquan_index_lag_blocks", ())] == 0
    assert samples[("tanquan_blocks_mined_total", ())] >= 7  # the walk to mint: a block per step here
    assert samples[("tanquan_block_transactions_count", ())] == samples[("tanquan_blocks_mined_total", ())]
    departments = {dict(labels)["department"] for name, labels in samples if name == "tanquan_queue_overdue_items"}
    assert {"CENTER", "EEB", "GOV", "NRB", "FORESTRY"} <= departments
    assert ("tanquan_metrics_read_errors_total", (("what", "chain"),)) not in samples
    # What the requests cost: statements sent, and CPU the block producer spent mining (a served chain only).
    assert samples[("tanquan_sql_statements", ())] > before[("tanquan_sql_statements", ())] + 7
    mining = gateway.node.producer_cpu_seconds()
    if mining is None:
        assert samples[("tanquan_producer_cpu_seconds", ())] == 0
    else:
        assert samples[("tanquan_producer_cpu_seconds", ())] > before[("tanquan_producer_cpu_seconds", ())]


def test_metrics__names_asked__those_series_only(client):
    response = client.get("/metrics", params=[("name[]", "tanquan_sql_statements"),
                                              ("name[]", "tanquan_producer_cpu_seconds")])
    assert response.status_code == 200
    names = {s.name for family in text_string_to_metric_families(response.text) for s in family.samples}
    assert names == {"tanquan_sql_statements", "tanquan_producer_cpu_seconds"}


def test_json_logs__a_record_and_an_access_line__one_json_object_each(capsys):
    logging.config.dictConfig(logs.config("json", "INFO"))
    try:
        logging.getLogger("tanquan.test").warning("producer %s", "stopped", exc_info=ValueError("disk"))
        logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/healthz", "1.1", 200)
    finally:
        logging.config.dictConfig(logs.config("text", "WARNING"))
    first, second = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert (first["level"], first["logger"], first["message"]) == ("WARNING", "tanquan.test", "producer stopped")
    assert "ValueError: disk" in first["exception"]
    assert (second["method"], second["path"], second["status"]) == ("GET", "/healthz", 200)


def test_cli_verify__no_data_directory__says_what_it_needs_and_creates_nothing(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "TANQUAN_DATA_DIR"}
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "verify", "0x" + "ab" * 32],
                          cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "TANQUAN_DATA_DIR" in done.stderr and "--rpc" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
