// Console forms → JSON → the same /api/v1 route a script would call, with the session cookie.
// A file is uploaded first (/api/v1/documents) and the form sends its sha256; a dotted name
// (documents.report) nests the JSON. On success the page reloads with the transaction hash;
// on failure the API's message is shown and nothing else happens.
// Every write sends the session's CSRF token, which the page carries: a page of another origin has none.
const LAND_TYPES = { "耕地": "CULTIVATED", "林地": "FOREST", "草地": "GRASSLAND", "湿地": "WETLAND" };
const CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
// A refusal is said in the page's language: the words of each error code and field label (i18n.console_words).
const WORDS = JSON.parse((document.getElementById("console-words") || {}).textContent || "{}");

function refusal(answer) {
  // The code's words (the code itself goes in the result's data-code, never its text); the fields to check
  // follow by their labels: an INVALID_INPUT's, and the field (or fields, a mismatch with an accepted form) a
  // refusal names. The API's own message (English) stays
  // readable as the result's tooltip.
  const errors = WORDS.errors || {}, labels = WORDS.fields || {};
  let text = errors[answer.code] || errors.refused || "Refused";
  const detail = answer.detail || {};
  const named = Array.isArray(detail) ? detail.filter((d) => d && d.field).map((d) => d.field)
    : Array.isArray(detail.fields) ? detail.fields : detail.field ? [detail.field] : [];
  if (named.length) {
    const label = (field) => {  // parcels.0.area_mu → the label of parcels.area_mu, else of parcels
      const parts = String(field).split(".").filter((part) => !/^\d+$/.test(part));
      for (let i = parts.length; i > 0; i -= 1) if (labels[parts.slice(0, i).join(".")]) return labels[parts.slice(0, i).join(".")];
      return field;
    };
    const fields = [...new Set(named.map(label))];
    text += ` ${errors.check_fields || "Check"}: ${fields.join(", ")}`;
  }
  const frozen = answer.detail && answer.detail.frozen;  // a step refused on a frozen coupon says who, since when, why
  if (frozen && errors.frozen) {
    const department = (WORDS.roles || {})[frozen.department] || frozen.department;
    text += " " + errors.frozen.replace("{department}", department).replace("{since}", frozen.since).replace("{reason}", frozen.reason);
  }
  const error = new Error(text);
  error.detail = answer.message;
  error.code = answer.code;
  return error;
}

function put(body, name, value) {
  const path = name.split(".");
  let at = body;
  path.slice(0, -1).forEach((part) => { at = at[part] = at[part] || {}; });
  at[path[path.length - 1]] = value;
}

const TENURE = { "林权证": "FOREST_RIGHT", "不动产权证": "REAL_ESTATE", "承包经营权证": "CONTRACT_MANAGEMENT",
  "土地承包经营权证": "CONTRACT_MANAGEMENT" };

function parcels(text) {
  // One parcel a line: 宗地号, 坐落, 地类, 面积（亩）, 权证类型, 权证号 (权属清晰, §2); commas of either width, or tabs.
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const [number, location, land, area, tenure, tenureNumber] = line.split(/\s*[,，\t]\s*/);
    const parcel = { number, location, land_type: LAND_TYPES[land] || (land || "").toUpperCase(), area_mu: area };
    if (tenure) parcel.tenure = { kind: TENURE[tenure] || tenure, number: tenureNumber };
    return parcel;
  });
}

async function upload(file) {
  const data = new FormData();
  data.append("file", file);
  const response = await fetch("/api/v1/documents", {
    method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRF-Token": CSRF },
  });
  const answer = await response.json();
  if (!response.ok) throw refusal(answer);
  return answer.sha256;
}

// A chosen file is uploaded at once and shown before the form is sent (附件1 一(一)): an image as itself,
// a PDF in a frame, both as /api/v1/documents serves them back; the form then sends their sha256.
function preview(input, files, hashes) {
  let box = input.previewBox;
  if (!box) {  // after the label: a click on the preview must not open the file chooser again
    box = input.previewBox = document.createElement("div");
    box.className = "preview";
    box.dataset.for = input.name;
    (input.closest("label") || input).insertAdjacentElement("afterend", box);
  }
  box.replaceChildren(...files.map((file, i) => {
    const url = `/api/v1/documents/${hashes[i]}`;
    const figure = document.createElement("figure");
    figure.dataset.sha256 = hashes[i];
    if (file.type.startsWith("image/")) {
      const image = document.createElement("img");
      image.src = url;
      image.alt = file.name;
      figure.append(image);
    } else if (file.type === "application/pdf") {
      const frame = document.createElement("iframe");
      frame.src = url;
      frame.title = file.name;
      figure.append(frame);
    }
    const caption = document.createElement("figcaption");
    const link = document.createElement("a");
    link.href = url;
    link.target = "_blank";
    link.textContent = file.name;
    caption.append(link);
    figure.append(caption);
    return figure;
  }));
}

document.querySelectorAll("form.step input[type=file]:not([data-kind=boundaries])").forEach((input) => {
  input.addEventListener("change", () => {
    const files = [...input.files];
    input.uploaded = Promise.all(files.map(upload));
    input.uploaded.then((hashes) => preview(input, files, hashes), (error) => {
      const result = input.form.querySelector(".result");
      result.className = "result alert error";
      result.textContent = String(error.message || error);
    });
  });
});

// A boundary file is read by the gateway as soon as it is chosen (POST /api/v1/parcels/boundaries): each
// parcel's number, its area in 亩 and hectares on the ellipsoid, and a map; the form then sends each boundary
// with the parcel of the same number (a file of one unnamed shape goes with a form of one parcel).
async function readBoundaries(file) {
  const data = new FormData();
  data.append("file", file);
  const response = await fetch("/api/v1/parcels/boundaries", {
    method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRF-Token": CSRF },
  });
  const answer = await response.json();
  if (!response.ok) throw refusal(answer);
  return answer;
}

function showBoundaries(input, features) {
  let box = input.previewBox;
  if (!box) {
    box = input.previewBox = document.createElement("div");
    box.className = "preview boundaries";
    (input.closest("label") || input).insertAdjacentElement("afterend", box);
  }
  const table = document.createElement("table");
  for (const f of features) {
    const row = table.insertRow();
    for (const text of [f.number || "—", `${f.area_mu} 亩`, `${f.area_ha} ha`]) row.insertCell().textContent = text;
  }
  const map = document.createElement("div");
  map.className = "parcel-map";
  map.id = "boundaries-preview";
  box.replaceChildren(table, map);
  const typed = input.form.querySelector("textarea[data-kind=parcels]");
  const declared = typed ? parcels(typed.value) : [];
  const landOf = (number) => (declared.find((p) => sameNumber(p.number, number)) || declared[0] || {}).land_type;
  if (window.drawParcels) {
    window.drawParcels(map, { type: "FeatureCollection", features: features.map((f) => ({
      type: "Feature", geometry: f.boundary, properties: { number: f.number, area_mu: f.area_mu, land_type: landOf(f.number) } })) });
  }
}

document.querySelectorAll("form.step input[data-kind=boundaries]").forEach((input) => {
  input.addEventListener("change", () => {
    const result = input.form.querySelector(".result");
    input.read = input.files.length ? readBoundaries(input.files[0]) : null;
    if (!input.read) return;
    input.read.then((features) => { result.className = "result"; result.textContent = ""; showBoundaries(input, features); },
      (error) => { result.className = "result alert error"; result.textContent = String(error.message || error); });
  });
});

const sameNumber = (a, b) => {
  const plain = (n) => String(n || "").normalize("NFKC").replace(/\s+/g, "").replace(/[‐-―−﹣－]/g, "-");
  return plain(a) === plain(b);
};

function withBoundaries(body, name, features) {
  if (name === "boundary") {  // one area (the CCER list): the file's first shape
    if (features.length) body.boundary = features[0].boundary;
    return;
  }
  const parcels = body.parcels || [];
  for (const parcel of parcels) {
    const found = features.find((f) => sameNumber(f.number, parcel.number))
      || (parcels.length === 1 && features.length === 1 ? features[0] : null);
    if (found) parcel.boundary = found.boundary;
  }
}

async function collect(form) {
  const body = {};
  for (const input of form.querySelectorAll("[name]")) {
    const kind = input.dataset.kind;
    if (kind === "file" || kind === "files") {
      const hashes = input.uploaded ? await input.uploaded : await Promise.all([...input.files].map(upload));
      if (hashes.length) put(body, input.name, kind === "file" ? hashes[0] : hashes);
      continue;
    }
    if (kind === "bool") { put(body, input.name, input.checked); continue; }
    if (kind === "tenure_scans") {  // each scan to the next parcel that names a certificate, in order
      const hashes = input.uploaded ? await input.uploaded : await Promise.all([...input.files].map(upload));
      const named = (body.parcels || []).filter((p) => p.tenure);
      hashes.forEach((hash, i) => { if (named[i]) named[i].tenure.document = hash; });
      continue;
    }
    if (kind === "boundaries") {
      if (input.files.length) withBoundaries(body, input.name, await (input.read || readBoundaries(input.files[0])));
      continue;
    }
    const value = input.value.trim();
    if (kind === "lines") put(body, input.name, value.split("\n").map((line) => line.trim()).filter(Boolean));
    else if (kind === "parcels") { if (value !== "" || input.required) put(body, input.name, parcels(value)); }
    else if (value !== "") put(body, input.name, kind === "integer" ? Number(value) : value);
  }
  return body;
}

document.querySelectorAll("form.step").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // A step that cannot be undone by its caller (a pledge's release) asks once more before it is sent.
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
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
        const url = new URL(form.dataset.next || window.location.href, window.location.href);
        url.searchParams.set("done", answer.tx_hash || "saved");
        if (form.dataset.step) url.searchParams.set("step", form.dataset.step);  // the notice says what was done
        window.location.assign(url.toString());
        return;
      }
      throw refusal(answer);
    } catch (error) {
      result.className = "result alert error";
      result.textContent = error instanceof TypeError ? (WORDS.errors || {}).network || String(error) : String(error.message || error);
      result.dataset.code = error.code || "";
      result.title = error.detail || "";
    }
    button.disabled = false;
  });
});
