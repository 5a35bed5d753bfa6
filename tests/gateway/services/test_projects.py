"""A public page per project: once filed, the applicant publishes the public versions of its monitoring report
and verification statement (confirming no personal data is in them), and anyone reads them there; the page
names the verifier that attested and gives the validation opinion's and the filing's numbers."""

from __future__ import annotations

from gateway.demo import OFFICIAL_NAMES
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


def test_projects__filtered_by_name_town_land_year_and_state__and_as_csv(client, officials, new_holder):
    holder = new_holder()
    wetland = api.application_form(api.upload(client, holder.headers), land_type="WETLAND", end="2023-12-31",
                                   project_name="筛选测试湿地项目")
    wetland["parcels"][0]["location"] = "筛选镇某村"
    first = api.submit(client, holder, wetland)
    api.walk(client, officials, first, through="filing")
    second = api.submit(client, holder, api.application_form(api.upload(client, holder.headers),
                                                              project_name="筛选测试林地项目"))
    api.walk(client, officials, second)

    def ids(**query) -> list[int]:
        return [p["id"] for p in ok(client.get(f"{API}/public/projects", params=query)) if p["id"] in (first.id, second.id)]

    assert ids(q="筛选测试") == [second.id, first.id]
    assert ids(q="筛选镇") == ids(town="筛选镇") == ids(land_type="WETLAND", q="筛选测试") == [first.id]
    assert ids(year="2023", q="筛选测试") == [first.id] and ids(year="2024", q="筛选测试") == [second.id]
    assert ids(state="FILED", q="筛选测试") == [first.id] and ids(state="ISSUED", q="筛选测试") == [second.id]
    csv = client.get(f"{API}/public/exports/projects.csv", params={"q": "筛选测试湿地"}).text
    assert csv.startswith("\ufeff项目编号") and "筛选测试湿地项目" in csv and "筛选测试林地项目" not in csv
    page = client.get("/projects", params={"town": "筛选镇"}).text
    assert f'href="/projects/{first.id}"' in page and f'href="/projects/{second.id}"' not in page
    assert "/api/v1/public/parcels.geojson?town=" in page


def test_project__names_the_verifier_and_numbers_the_opinion_and_the_filing(client, gateway, officials, new_holder):
    holder = new_holder()
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    api.walk(client, officials, application, through="filing", filing_number=f"赫环碳备〔2026〕项目{application.id}号")
    project = ok(client.get(f"{API}/public/projects/{application.id}"))
    assert project["attested"]["verifier"] == OFFICIAL_NAMES["VERIFIER"]  # the account's name, not its role
    assert project["opinion"]["opinion_number"] == f"赫碳审〔2026〕{application.id}号"
    assert project["filed"]["filing_number"] == f"赫环碳备〔2026〕项目{application.id}号"
    page = client.get(f"/projects/{application.id}").text
    steps = page[page.index('id="project-steps"'):]
    assert f'<dd id="verifier">{OFFICIAL_NAMES["VERIFIER"]}</dd>' in steps
    assert f'<dd id="opinion-number">赫碳审〔2026〕{application.id}号</dd>' in steps
    assert f'<dd id="filed-number">赫环碳备〔2026〕项目{application.id}号</dd>' in steps
    # the departments read the opinion's 文号 on the application's own page and answer too
    detail = ok(client.get(f"{API}/applications/{application.id}", headers=officials["NRB"]))
    assert detail["opinion_number"] == f"赫碳审〔2026〕{application.id}号"
    console = client.get(f"/console/applications/{application.id}", headers=officials["NRB"]).text
    assert f'<dd id="opinion-number">赫碳审〔2026〕{application.id}号</dd>' in console


def test_opinion__without_its_number__refused_and_nothing_sent(client, gateway, officials, new_holder):
    holder = new_holder()
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    api.walk(client, officials, application, through="forestry_validation")
    document = api.upload(client, officials["CENTER"], name="审定意见.pdf")
    block = gateway.registry.chain.w3.eth.block_number
    response = client.post(f"{API}/applications/{application.id}/validation-opinion", headers=officials["CENTER"],
                           json={"opinion_document": document})
    assert response.status_code == 422 and "opinion_number" in response.text
    assert gateway.registry.chain.w3.eth.block_number == block
    assert gateway.index.application(application.id).status == "VALIDATED"
