"""A public page per project: once filed, the applicant publishes the public versions of its monitoring report
and verification statement (confirming no personal data is in them), and anyone reads them there."""

from __future__ import annotations

from support import api
from support.http import API, error_of, ok


def test_public_versions__published_once_filed__anyone_reads_them(client, officials, new_holder):
    holder = new_holder()
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    report = api.upload(client, holder.headers, b"%PDF public monitoring report", name="监测报告（公开版）.pdf")
    body = {"monitoring_report": report, "personal_data_removed": True}
    path = f"{API}/applications/{application.id}/public-versions"
    error_of(client.post(path, headers=holder.headers, json=body), 409, "APPLICATION_WRONG_STATUS")
    assert client.get(f"{API}/public/documents/{report}").status_code == 404
    api.walk(client, officials, application, through="filing")
    error_of(client.post(path, headers=holder.headers, json={**body, "personal_data_removed": False}), 422,
             "PERSONAL_DATA_NOT_REMOVED")
    error_of(client.post(path, headers=new_holder().headers, json=body), 404, "APPLICATION_NOT_FOUND")
    ok(client.post(path, headers=holder.headers, json=body))
    project = ok(client.get(f"{API}/public/projects/{application.id}"))
    assert project["public_documents"] == [
        {"kind": "monitoring_report", "sha256": report, "name": "监测报告（公开版）.pdf"}]
    public = client.get(f"{API}/public/documents/{report}")
    assert public.status_code == 200 and public.content == b"%PDF public monitoring report"
    assert "监测报告（公开版）.pdf" in client.get(f"/projects/{application.id}").text
