// Polls a 903 import's progress and reloads the page when it has finished. Without JavaScript the page
// offers a refresh link instead.
const box = document.getElementById("import-progress");
const url = box && box.dataset.progressUrl;

async function poll() {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    const text = document.getElementById("import-progress-text");
    const bar = document.getElementById("import-progress-bar");
    if (text) {
      text.textContent = `${data.status_label}: ${data.stage}` +
        (data.rows_total ? ` (${data.rows_done.toLocaleString("en-GB")} of ${data.rows_total.toLocaleString("en-GB")} rows checked).` : ".");
    }
    if (bar) {
      bar.value = data.percent;
      bar.textContent = `${data.percent}%`;
    }
    if (data.finished) {
      window.location.assign(data.url);
      return;
    }
  } catch (error) {
    // Network hiccup: try again on the next tick.
  }
  window.setTimeout(poll, 1500);
}

if (url) {
  window.setTimeout(poll, 1000);
}
