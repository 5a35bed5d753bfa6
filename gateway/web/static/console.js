// Console forms → JSON → the same /api/v1 route a script would call, with the session cookie.
// A file is uploaded first (/api/v1/documents) and the form sends its sha256; a dotted name
// (documents.report) nests the JSON. On success the page reloads with the transaction hash;
// on failure the API's message is shown and nothing else happens.
// Every write sends the session's CSRF token, which the page carries: a page of another origin has none.
const LAND_TYPES = { "耕地": "CULTIVATED", "林地": "FOREST", "草地": "GRASSLAND", "湿地": "WETLAND" };
const CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

function put(body, name, value) {
  const path = name.split(".");
  let at = body;
  path.slice(0, -1).forEach((part) => { at = at[part] = at[part] || {}; });
  at[path[path.length - 1]] = value;
}

function parcels(text) {
  // One parcel a line: 宗地号, 坐落, 地类, 面积（亩）; commas of either width, or tabs.
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const [number, location, land, area] = line.split(/\s*[,，\t]\s*/);
    return { number, location, land_type: LAND_TYPES[land] || (land || "").toUpperCase(), area_mu: area };
  });
}

async function upload(file) {
  const data = new FormData();
  data.append("file", file);
  const response = await fetch("/api/v1/documents", {
    method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRF-Token": CSRF },
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${answer.code}: ${answer.message}`);
  return answer.sha256;
}

async function collect(form) {
  const body = {};
  for (const input of form.querySelectorAll("[name]")) {
    const kind = input.dataset.kind;
    if (kind === "file") {
      if (input.files.length) put(body, input.name, await upload(input.files[0]));
      continue;
    }
    if (kind === "files") {
      const uploaded = [];
      for (const file of input.files) uploaded.push(await upload(file));
      if (uploaded.length) put(body, input.name, uploaded);
      continue;
    }
    if (kind === "bool") { put(body, input.name, input.checked); continue; }
    const value = input.value.trim();
    if (kind === "lines") put(body, input.name, value.split("\n").map((line) => line.trim()).filter(Boolean));
    else if (kind === "parcels") put(body, input.name, parcels(value));
    else if (value !== "") put(body, input.name, kind === "integer" ? Number(value) : value);
  }
  return body;
}

document.querySelectorAll("form.step").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = form.querySelector(".result");
    const button = form.querySelector("button");
    button.disabled = true;
    result.className = "result";
    result.textContent = "…";
    try {
      const body = await collect(form);
      const response = await fetch(form.dataset.path, {
        method: form.dataset.method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": CSRF },
        credentials: "same-origin",
        body: form.dataset.method === "DELETE" ? undefined : JSON.stringify(body),
      });
      const answer = await response.json();
      if (response.ok) {
        const url = new URL(window.location.href);
        url.searchParams.set("done", answer.tx_hash || "saved");
        window.location.assign(url.toString());
        return;
      }
      const fields = Array.isArray(answer.detail) ? " " + answer.detail.map((d) => `${d.field}: ${d.message}`).join("; ") : "";
      result.className = "result alert error";
      result.textContent = `${answer.code}: ${answer.message}${fields}`;
    } catch (error) {
      result.className = "result alert error";
      result.textContent = String(error.message || error);
    }
    button.disabled = false;
  });
});
