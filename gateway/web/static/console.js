// Console forms → JSON → the same /api/v1 route a script would call, with the session cookie.
// On success the page reloads with the transaction hash; on failure the API's message is shown.
document.querySelectorAll("form.step").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    form.querySelectorAll("[name]").forEach((input) => {
      const value = input.value.trim();
      if (input.dataset.kind === "lines") {
        body[input.name] = value.split("\n").map((line) => line.trim()).filter(Boolean);
      } else if (value !== "") {
        body[input.name] = input.dataset.kind === "integer" ? Number(value) : value;
      }
    });
    const result = form.querySelector(".result");
    const button = form.querySelector("button");
    button.disabled = true;
    result.className = "result";
    result.textContent = "…";
    try {
      const response = await fetch(form.dataset.path, {
        method: form.dataset.method,
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: form.dataset.method === "DELETE" ? undefined : JSON.stringify(body),
      });
      const answer = await response.json();
      if (response.ok) {
        const url = new URL(window.location.href);
        url.searchParams.set("done", answer.tx_hash || "");
        window.location.assign(url.toString());
        return;
      }
      const fields = Array.isArray(answer.detail) ? " " + answer.detail.map((d) => `${d.field}: ${d.message}`).join("; ") : "";
      result.className = "result alert error";
      result.textContent = `${answer.code}: ${answer.message}${fields}`;
    } catch (error) {
      result.className = "result alert error";
      result.textContent = String(error);
    }
    button.disabled = false;
  });
});
